"""The project's base form: django-dsfr's, with each field's hint read once by screen readers."""

import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from dsfr.forms import DsfrBaseForm, DsfrBoundField

# The range of the database's integer columns (PostgreSQL's `integer`, which Django's IntegerField and
# PositiveIntegerField use): a whole number outside it cannot be stored, nor compared in most queries.
INTEGER_RANGE = (-(2**31), 2**31 - 1)


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
    """Every number field is kept in the database's integer range (INTEGER_RANGE) unless it declares a
    narrower one: a field with no `max_value` took any number of digits, and the service's write failed
    with a 500 (`999999999999999` votes as the answer policy's threshold, found by fuzzing) instead of
    Django's translated error under the field."""

    bound_field_class = HintInLabelBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField) and not isinstance(
                field, forms.FloatField | forms.DecimalField
            ):
                bound_integer_field(field)


def bound_integer_field(field: forms.IntegerField) -> None:
    """Give `field` the database's integer range where it has no tighter bound of its own."""
    low, high = INTEGER_RANGE
    if field.max_value is None or field.max_value > high:
        field.max_value = high
        field.validators.append(MaxValueValidator(high))
        if isinstance(field.widget, forms.NumberInput):
            field.widget.attrs.setdefault("max", high)
    if field.min_value is None or field.min_value < low:
        field.min_value = low
        field.validators.append(MinValueValidator(low))
        if isinstance(field.widget, forms.NumberInput):
            field.widget.attrs.setdefault("min", low)


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
