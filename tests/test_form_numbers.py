"""A number typed in a form that the database cannot hold gets the error under its field (French and
English), and nothing saved changes: before, a field without a maximum took any number of digits and the
service's write failed with a 500."""

import importlib
import importlib.util

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from config.forms import INTEGER_RANGE, PacteForm
from consultation.models import AnswerPolicy
from tests.conftest import with_totp
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db

TOO_LARGE = {
    "fr": "Assurez-vous que cette valeur est inférieure ou égale à 2147483647.",
    "en": "Ensure this value is less than or equal to 2147483647.",
}
POLICY = {
    "proposals_required": "on",
    "proposal_min_agree_percent": "60",
    "proposal_min_votes": "10",
    "themes_required": "on",
    "theme_min_percent": "40",
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("votes", ["999999999999999", "2147483648", "99999999999999999999"])
def test_a_vote_threshold_beyond_the_database_is_refused_under_its_field(client, organiser, language, votes):
    consultation = make_consultation("seuils", questions=False)
    client.force_login(with_totp(organiser))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("consultation:answer_policy", args=[consultation.slug])
    assert client.post(url, POLICY).status_code == 302
    response = client.post(url, {**POLICY, "proposal_min_votes": votes, "theme_min_percent": "7"})
    assert response.status_code < 500
    assert TOO_LARGE[language] in response.content.decode()
    policy = AnswerPolicy.objects.get(consultation=consultation)
    assert (policy.proposal_min_votes, policy.theme_min_percent) == (10, 40)  # what was saved is kept


def every_form_class() -> list[type]:
    for app in apps.get_app_configs():
        for module in ("forms", "answer_forms"):
            if importlib.util.find_spec(f"{app.name}.{module}") is not None:
                importlib.import_module(f"{app.name}.{module}")
    found, todo = [], [PacteForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_whole_number_field_of_every_form_stays_in_the_database_range():
    """Each form's declared whole-number fields, bound to a number of twenty digits: refused under the
    field. (PacteForm's own __init__ only: a form's own takes the object it is built for.)"""
    low, high = INTEGER_RANGE
    checked = []
    for form_class in every_form_class():
        for name, field in form_class.base_fields.items():
            if type(field).__name__ != "IntegerField":
                continue
            form = form_class.__new__(form_class)
            PacteForm.__init__(form, data={name: "99999999999999999999"})
            assert low <= form.fields[name].min_value <= form.fields[name].max_value <= high, (
                form_class,
                name,
            )
            assert name in form.errors, (form_class, name)
            checked.append(name)
    assert {"proposal_min_votes", "max_proposal_length", "size", "duration_minutes"} <= set(checked)
