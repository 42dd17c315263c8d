"""The project's base form: django-dsfr's, with each field's hint read once by screen readers."""

from dsfr.forms import DsfrBaseForm, DsfrBoundField


class HintInLabelBoundField(DsfrBoundField):
    """django-dsfr's field snippets put the hint inside the <label> (the DSFR's documented markup), so
    it is already part of the field's name; Django would also point aria-describedby at it ("<id>_helptext")
    and a screen reader would read it twice. Only the error stays in aria-describedby. Templates that put the
    hint outside the label (templates/includes/field.html) write their own aria-describedby."""

    @property
    def aria_describedby(self):
        ids = super().aria_describedby
        if not ids:
            return ids
        return " ".join(i for i in ids.split() if i != f"{self.auto_id}_helptext")


class PacteForm(DsfrBaseForm):
    bound_field_class = HintInLabelBoundField
