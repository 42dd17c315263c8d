"""A yes/no setting never reads "(Optional)" after its label: unticked is an answer too ("Citizens may
submit proposals (Optional)" says the organiser may leave the question unanswered, which a checkbox
cannot be). Every such checkbox of the project is a ``config.forms.SettingCheckbox``."""

import importlib
import inspect

import pytest
from django import forms
from django.utils import translation

FORM_MODULES = ["accounts.forms", "consultation.forms", "deliberation.forms", "analysis.forms"]


def project_forms():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def test_every_optional_checkbox_is_a_setting_checkbox():
    offenders = [
        f"{cls.__module__}.{cls.__name__}.{field_name}"
        for cls in project_forms()
        for field_name, field in cls.base_fields.items()
        if isinstance(field, forms.BooleanField) and not field.required
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("language, optional", [("en", "(Optional)"), ("fr", "(Optionnel)")])
def test_the_notices_setting_is_not_marked_optional_and_accepts_unticked(language, optional):
    from accounts.forms import NoticesForm

    with translation.override(language):
        html = str(NoticesForm())
        unticked = NoticesForm(data={})
        assert unticked.is_valid() and unticked.cleaned_data["email_notices"] is False
    assert (
        'name="email_notices"' in html
        and optional not in html
        and "required" not in html.split('name="email_notices"')[1].split(">")[0]
    )
