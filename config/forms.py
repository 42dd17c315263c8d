"""The project's base form: django-dsfr's, with each field's hint read once by screen readers."""

import re

from django import forms
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

    @property
    def widget_type(self) -> str:
        """Django's widget type of the nearest Django widget class: django-dsfr picks the field's markup by
        it, so a project subclass (SettingCheckbox's checkbox) is still drawn as a DSFR checkbox, and a
        subclass of CheckboxSelectMultiple as DSFR checkboxes."""
        for cls in type(self.field.widget).__mro__:
            if cls.__module__ == "django.forms.widgets":
                return re.sub(r"widget$|input$", "", cls.__name__.lower())
        return super().widget_type

    @property
    def error_anchor(self) -> str:
        """Where the error summary's link to this field goes (accounts/templatetags/form_errors.py): its
        input, or the first choice of a group (Django ties a group's label to no input)."""
        return self.id_for_label or (f"{self.auto_id}_0" if self.auto_id else "")


class PacteForm(DsfrBaseForm):
    bound_field_class = HintInLabelBoundField


class _NoRequiredAttributeCheckbox(forms.CheckboxInput):
    def use_required_attribute(self, initial) -> bool:
        return False


class SettingCheckbox(forms.BooleanField):
    """A yes/no setting: unticked is an answer too, so the DSFR's "(Optional)" after its label would
    contradict it ("Answer required (Optional)"). Declared required so that the DSFR does not mark it; it
    accepts unticked and sets no HTML `required` attribute."""

    widget = _NoRequiredAttributeCheckbox

    def __init__(self, **kwargs):
        super().__init__(required=True, **kwargs)

    def validate(self, value):
        pass
