"""An organiser who opens "Record a decision-maker's answer" for a recommendation that already has one
sees the answers already published (as on the form for a proposal or a theme): before, the form came up
blank with "Pending" selected and nothing said an answer was in force, so a second one could be
recorded believing it was the first."""

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import services
from tests.conftest import with_totp
from tests.deliberation.conftest import adopt

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "sentence"),
    [
        ("fr", "Réponses déjà publiées", "Réponse du décideur — Ministre de la Santé (DGS), le "),
        ("en", "Answers already published", "Answer of Ministre de la Santé (DGS) on "),
    ],
)
def test_the_answer_form_shows_the_answers_already_published(
    client, organiser, recommendation, language, heading, sentence
):
    adopt(recommendation, days_ago=10)
    url = reverse("deliberation:record_response", args=[recommendation.pk])
    client.force_login(with_totp(organiser))
    client.cookies["django_language"] = language
    assert heading not in client.get(url).content.decode()  # nothing published yet: nothing to list
    services.record_response(
        actor=organiser, recommendation=recommendation, decision_maker="Ministre de la Santé", body="DGS",
        status="under_study", justification="Une mission étudie la mesure.", answered_on=timezone.localdate(),
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert heading in page
    assert sentence in page and "Une mission étudie la mesure." in page
