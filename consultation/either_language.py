"""An organiser's bilingual text needs one language, not both: a consultation imported in English only
(``import_polis --language en``) is edited without inventing a French title, and the pages show the
other language's text, marked with its ``lang``, where one is missing (``languages.shown``).

One rule (``missing``) and one message per kind of text (``NEEDS``), for the services, which refuse both
empty, and for the organisers' forms, which say it under the French field with everything typed kept.
The database holds the same rule (the ``*_has_a_*`` constraints of ``models``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

NEEDS = {
    "title": _("Give the consultation a title: in French, in English or in both."),
    "question": _("Write the question: in French, in English or in both."),
    "choice": _("Give the choice a label: in French, in English or in both."),
    "charter": _("Write the charter: in French, in English or in both."),
}


def missing(french: str | None, english: str | None) -> bool:
    """Whether a bilingual text has neither its French nor its English version (blanks count as none)."""
    return not (french or "").strip() and not (english or "").strip()


class _NoRequiredAttribute:
    def use_required_attribute(self, initial) -> bool:
        return False


class _TextInput(_NoRequiredAttribute, forms.TextInput):
    pass


class _Textarea(_NoRequiredAttribute, forms.Textarea):
    pass


class EitherLanguageField(forms.CharField):
    """One language of a text that needs French, English or both. Empty is accepted here (the form checks
    the pair with ``missing``); declared required so that the DSFR does not mark it "(Optional)", which
    both fields of the pair would then say, and with no HTML ``required`` attribute, which would refuse
    an empty one in the browser."""

    def __init__(self, *, rows: int | None = None, **kwargs):
        widget = _Textarea(attrs={"rows": rows}) if rows else _TextInput()
        super().__init__(required=True, widget=widget, **kwargs)

    def validate(self, value):
        if value not in self.empty_values:
            super().validate(value)


def check_pair(form: forms.Form, cleaned: dict, french: str, english: str, needs: str) -> None:
    """Under ``form``'s French field, the message ``NEEDS[needs]`` when both fields are empty."""
    if french in cleaned and english in cleaned and missing(cleaned[french], cleaned[english]):
        form.add_error(french, NEEDS[needs])
