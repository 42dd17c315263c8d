"""A phase change says what it will do and waits for "I understand" (a box to tick, no JavaScript
needed): opening freezes the questionnaire, closing ends the contributions. Without the box ticked,
nothing moves and the page says why."""

import html

import pytest
from django.urls import reverse

from consultation.models import Consultation
from tests.helpers import make_consultation


def page(client, consultation, language):
    response = client.get(
        reverse("consultation:manage", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE=language
    )
    return html.unescape(response.content.decode()).replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("phase", "language", "said"),
    [
        ("draft", "fr", "L’ouvrir fige le questionnaire : les textes des questions et leurs choix"),
        ("draft", "en", "Opening it freezes the questionnaire: the texts of the questions and their choices"),
        ("open", "fr", "La clôturer met fin aux contributions dès maintenant"),
        ("open", "en", "Closing it ends contributions now: nobody can answer, submit a proposal or vote"),
    ],
)
def test_the_page_says_what_the_change_will_do_beside_a_box_to_tick(organiser_client, phase, language, said):
    consultation = make_consultation(phase=phase)
    shown = page(organiser_client, consultation, language)
    assert said in shown
    understood = "Je comprends ce que ce changement va faire" if language == "fr" else "I understand"
    assert understood in shown and 'name="understood" value="yes" required' in shown


def test_without_the_box_ticked_nothing_moves_and_the_page_says_why(organiser_client):
    consultation = make_consultation(phase="open")
    response = organiser_client.post(
        reverse("consultation:change_phase", args=[consultation.slug]),
        {"phase": "closed"},
        HTTP_ACCEPT_LANGUAGE="fr",
        follow=True,
    )
    consultation.refresh_from_db()
    assert consultation.phase == Consultation.Phase.OPEN
    said = html.unescape(response.content.decode()).replace("\u00a0", " ")
    assert "La phase n’a pas changé : cochez « Je comprends »" in said
    organiser_client.post(
        reverse("consultation:change_phase", args=[consultation.slug]),
        {"phase": "closed", "understood": "yes"},
    )
    consultation.refresh_from_db()
    assert consultation.phase == Consultation.Phase.CLOSED
