from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.forms import PacteForm, SettingCheckbox

from .models import SynthesisVersion


class StartRunForm(PacteForm):
    k = forms.IntegerField(
        label=_("Number of themes"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("Leave empty to let the analysis choose it from the data (recommended)."),
    )
    reweight = SettingCheckbox(
        label=_("Also give each theme's share corrected for who took part"),
        initial=True,
        help_text=_(
            "Contributors who gave their gender, age, region or education in their profile (or in an "
            "import file) are re-weighted to the French adult population (INSEE), so that a theme raised "
            "mostly by an over-represented group does not look bigger than it is. The raw shares stay."
        ),
    )
    fresh = SettingCheckbox(
        label=_("Find the themes afresh"),
        help_text=_(
            "By default a new analysis keeps the themes of the previous one while they still fit the "
            "contributions as well as new ones would (new contributions join the nearest theme), so the "
            "themes stay comparable. Tick to draw every theme again from scratch."
        ),
    )


# What the organiser asks for (imperative); the version history keeps the past tense of
# SynthesisVersion.Action ("Renamed a theme"), which says what was done.
EDIT_ACTIONS = [
    (SynthesisVersion.Action.RENAME.value, _("Rename a theme")),
    (SynthesisVersion.Action.SUMMARISE.value, _("Write a theme's summary")),
    (SynthesisVersion.Action.MERGE.value, _("Merge a theme into another")),
    (SynthesisVersion.Action.SPLIT.value, pgettext_lazy("edit command", "Split a theme into its sub-themes")),
    (SynthesisVersion.Action.HIDE.value, _("Hide a theme")),
    (SynthesisVersion.Action.SHOW.value, _("Show a hidden theme")),
    (SynthesisVersion.Action.MOVE.value, _("Move a contribution to another theme")),
]
# The fields only some changes need: editor.html renders them without the DSFR "(Optional)" mark, which
# would say they can always be left empty; their help text says which change needs them.
CONDITIONAL_FIELDS = ("target", "label", "summary", "contribution")


class EditForm(PacteForm):
    """One edit of the synthesis; the theme choices come from the latest version."""

    action = forms.ChoiceField(label=_("Change to make"), choices=EDIT_ACTIONS)
    key = forms.ChoiceField(
        label=_("Theme"),
        help_text=_(
            "Needed for every change: the theme to rename, merge, split, hide or show, or the theme that "
            "receives the contribution moved."
        ),
    )
    target = forms.ChoiceField(
        label=_("Merge into"),
        required=False,
        help_text=_(
            "Needed to merge: the theme that receives the one chosen above. Leave it empty for the other "
            "changes."
        ),
    )
    label = forms.CharField(
        label=_("New name"),
        required=False,
        max_length=200,
        help_text=_("Needed to rename. Leave it empty for the other changes."),
    )
    summary = forms.CharField(
        label=_("Summary by the organisers"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed to write a summary: it replaces the theme's summary and is shown as the organisers' "
            "text, not as quotes of contributions. Empty: the theme has no summary. Leave it empty for "
            "the other changes."
        ),
    )
    contribution = forms.IntegerField(
        label=_("Contribution number"),
        required=False,
        min_value=1,
        help_text=_("Needed to move a contribution: its number (find it below, by its text or its theme)."),
    )

    def __init__(self, *args, themes: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = theme_choices(themes)
        self.fields["key"].choices = choices
        self.fields["target"].choices = [("", "—")] + choices
        theme_field_languages(self, themes, "key", "target")

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


class ThemeSelect(forms.Select):
    """A menu of themes whose each option says the language of its theme's title (``lang``, from
    ``report.title_language``): a French theme read on the English editor with a French voice."""

    def __init__(self, *args, languages: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages or {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if self.languages.get(str(value)):
            option["attrs"]["lang"] = self.languages[str(value)]
        return option


def theme_field_languages(form, themes: list[dict], *names: str) -> None:
    """Give the theme menus ``names`` of ``form`` the language of each theme's title."""
    from .report import title_language

    quotes = {t["key"]: [q.get("text") or "" for q in t.get("quotes") or []] for t in themes}
    languages = {t["key"]: title_language(t, quotes.get(t["parent"])) for t in themes}
    for name in names:
        field = form.fields[name]
        field.widget = ThemeSelect(attrs=field.widget.attrs, choices=field.choices, languages=languages)


def theme_choices(themes: list[dict], *, top_only: bool = False) -> list[tuple[str, str]]:
    """Menu entries for the themes of a version: a sub-theme is named with its parent ("Registre ›
    Inscription en ligne"), so that it is told from its parent and from other themes' sub-themes."""
    labels = {t["key"]: t["label"] or str(_("Other contributions")) for t in themes}
    choices = []
    for t in themes:
        if t["parent"] is None:
            choices.append((t["key"], labels[t["key"]]))
        elif not top_only:
            choices.append((t["key"], f"{labels.get(t['parent'], '')} › {labels[t['key']]}"))
    return choices


class FindForm(forms.Form):
    """Find contributions of an analysis by their text and by their theme (the editor's search)."""

    q = forms.CharField(label=_("Text contains"), required=False, max_length=200)
    theme = forms.ChoiceField(label=_("In the theme"), required=False)

    def __init__(self, *args, themes: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Any theme"))] + theme_choices(themes)
        theme_field_languages(self, themes, "theme")


class MoveForm(PacteForm):
    """Move the contributions ticked in the search results to one theme."""

    key = forms.ChoiceField(label=_("Move the selected contributions to"))

    def __init__(self, *args, themes: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = theme_choices(themes, top_only=True)
        theme_field_languages(self, themes, "key")
