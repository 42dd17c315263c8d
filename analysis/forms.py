from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .models import SynthesisVersion


class StartRunForm(DsfrBaseForm):
    k = forms.IntegerField(
        label=_("Number of themes"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("Leave empty to let the analysis choose it from the data (recommended)."),
    )
    reweight = forms.BooleanField(
        label=_("Also give each theme's share corrected for who took part"),
        required=False,
        initial=True,
        help_text=_(
            "Contributors who gave their gender, age, region or education in their profile (or in an "
            "import file) are re-weighted to the French adult population (INSEE), so that a theme raised "
            "mostly by an over-represented group does not look bigger than it is. The raw shares stay."
        ),
    )


class EditForm(DsfrBaseForm):
    """One edit of the synthesis; the theme choices come from the latest version."""

    action = forms.ChoiceField(
        choices=[(a.value, a.label) for a in SynthesisVersion.Action if a != "pipeline"]
    )
    key = forms.ChoiceField(label=_("Theme"), required=False)
    target = forms.ChoiceField(label=_("Merge into"), required=False)
    label = forms.CharField(label=_("New name"), required=False, max_length=200)
    contribution = forms.IntegerField(label=_("Contribution number"), required=False, min_value=1)

    def __init__(self, *args, themes: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(t["key"], t["label"] or _("Other contributions")) for t in themes]
        self.fields["key"].choices = choices
        self.fields["target"].choices = [("", "—")] + choices

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "rename" and not (data.get("label") or "").strip():
            self.add_error("label", _("A theme needs a name."))
        if action == "merge" and not data.get("target"):
            self.add_error("target", _("Choose the theme to merge into."))
        if action == "move" and not data.get("contribution"):
            self.add_error("contribution", _("Give the number of the contribution to move."))
        return data
