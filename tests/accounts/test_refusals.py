"""One way to refuse: every app's service error is an accounts.errors.ServiceError, and every JSON
refusal is {"detail": ...}."""

import importlib
import inspect
import pkgutil

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from accounts.errors import ServiceError
from accounts.refusals import attempt, json_refusal, post_form

# The refusal types of the service layers; a new one must derive from ServiceError to be listed here.
SERVICE_MODULES = [
    "consultation.services",
    "deliberation.services",
    "analysis.services",
    "analysis.synthesis",
]


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_every_service_refusal_is_a_service_error():
    refusals = []
    for name in SERVICE_MODULES:
        package = importlib.import_module(name)
        walked = pkgutil.walk_packages(getattr(package, "__path__", []), prefix=f"{name}.")
        for module in [package, *(importlib.import_module(info.name) for info in walked)]:
            for _attr, value in inspect.getmembers(module, inspect.isclass):
                if value.__module__ == module.__name__ and issubclass(value, Exception):
                    refusals.append(value)
                    assert issubclass(value, ServiceError), (
                        f"{module.__name__}.{value.__name__} is not a ServiceError"
                    )
    assert len(refusals) >= 4


def test_str_of_a_refusal_is_its_sentence():
    assert str(ServiceError("Choisissez un thème.")) == "Choisissez un thème."
    assert str(ServiceError(["Un.", "Deux."])) == "Un. Deux."


def test_json_refusal_is_detail():
    response = json_refusal("Non.", 429, Retry_After="5")
    assert response.status_code == 429 and response["Retry-After"] == "5"
    assert response.content.decode() == '{"detail": "Non."}'


def test_attempt_shows_the_refusal_and_keeps_going():
    request = _request()

    def refuse():
        raise ServiceError("Trop tôt.", status=409)

    assert attempt(request, refuse, "Fait.") is False
    assert attempt(request, lambda: 3, lambda n: f"{n} fait(s).") is True
    assert [str(m) for m in get_messages(request)] == ["Trop tôt.", "3 fait(s)."]


@pytest.mark.django_db
def test_post_form_puts_the_refusal_on_the_form():
    from django import forms

    class NameForm(forms.Form):
        name = forms.CharField()

    form = NameForm({"name": "x"})

    def refuse(data):
        raise ServiceError("Ce nom est pris.")

    assert post_form(_request(), form, refuse, "ok") is False
    assert form.non_field_errors() == ["Ce nom est pris."] and form.data["name"] == "x"


@pytest.mark.django_db
def test_a_page_shown_again_answers_with_the_refusals_status():
    from django import forms

    from accounts.refusals import form_status

    class NameForm(forms.Form):
        name = forms.CharField()

    assert form_status(NameForm()) == 200  # not sent
    invalid = NameForm({"name": ""})
    assert post_form(_request(), invalid, lambda data: None, "ok") is False and form_status(invalid) == 400

    def refuse(data):
        raise ServiceError("Fermée.", status=403)

    refused = NameForm({"name": "x"})
    assert post_form(_request(), refused, refuse, "ok") is False and form_status(refused) == 403


def test_no_success_message_when_the_caller_says_it_itself():
    request = _request()
    assert attempt(request, lambda: False, lambda changed: None if not changed else "Changé.") is True
    assert list(get_messages(request)) == []
