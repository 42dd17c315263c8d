"""Say once which fields are required or optional, and mark only the exceptions (DSFR, RGAA 11.10).

The DSFR marks optional fields "(Optionnel)" one by one, which suits a form where most fields are
required. In a form where most fields are optional (a questionnaire: every question may be skipped), the
mark after each label is noise read aloud thirteen times. The DSFR pattern for that case is one sentence
at the top of the form ("Sauf mention contraire, tous les champs sont obligatoires", or its converse)
and a mark on the exceptions only. ``MarksTheExceptions`` picks the shorter way for the form as it is:

- every field optional: one sentence, no mark;
- most fields optional (or as many as required): one sentence, "(required)" after each required one;
- most fields required: one sentence, "(optional)" after each optional one (the DSFR default, said once);
- every field required: one sentence, no mark.

A form using it is rendered field by field with ``templates/includes/marked_field.html`` (django-dsfr's
snippets decide the mark from a global setting), the sentence from ``form.requirement_note``.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .forms import HintInLabelBoundField, PacteForm


class MarkedBoundField(HintInLabelBoundField):
    @property
    def error_anchor(self) -> str:
        """A group of choices: its fieldset, which takes the focus (templates/includes/marked_field.html)."""
        if self.widget_type == "radioselect":
            return f"radio-{self.auto_id}"
        if self.widget_type == "checkboxselectmultiple":
            return f"checkboxes-{self.auto_id}"
        return super().error_anchor

    @property
    def requirement_mark(self) -> str:
        """ " (required)", " (optional)" or "": what follows the label of this field."""
        marked = self.form.marked_fields()
        if self.name not in marked:
            return ""
        return " " + (gettext("(required)") if self.field.required else gettext("(Optional)"))


class MarksTheExceptions(PacteForm):
    """A form that says once at the top which of its fields are required and marks only the exceptions.
    The four sentences name what the form holds ("questions" here); a subclass may reword them."""

    bound_field_class = MarkedBoundField

    all_optional = _("Every question is optional.")
    optional_unless_marked = _("Every question is optional unless stated otherwise.")
    required_unless_marked = _("Every question is required unless stated otherwise.")
    all_required = _("Every question is required.")

    def _visible(self) -> list:
        return self.visible_fields()

    def marked_fields(self) -> set[str]:
        """Names of the fields that carry a mark: the smaller group, never both."""
        fields = self._visible()
        required = {bf.name for bf in fields if bf.field.required}
        optional = {bf.name for bf in fields if not bf.field.required}
        if not required or not optional:
            return set()
        return required if len(required) <= len(optional) else optional

    @property
    def requirement_note(self) -> str:
        """The one sentence at the top of the form ("" for a form without visible fields)."""
        fields = self._visible()
        if not fields:
            return ""
        required = sum(1 for bf in fields if bf.field.required)
        if required == 0:
            return str(self.all_optional)
        if required == len(fields):
            return str(self.all_required)
        if required <= len(fields) - required:
            return str(self.optional_unless_marked)
        return str(self.required_unless_marked)
