"""A question's help text is the organiser's text, shown to every citizen under the question: the page
shows it as text. The DSFR snippet writes a field's help unescaped (it may carry the form's own markup), so
the questionnaire escapes the organiser's part before it gets there, as it escapes a choice's label."""

import pytest
from django.urls import reverse

from consultation import services
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db

HELP = '<a href="https://example.org/phish">Connectez-vous ici</a><img src=x onerror=alert(1)>'


@pytest.mark.parametrize("kind", ["single", "multiple", "open"])
def test_a_question_help_is_shown_as_text_not_markup(client, citizen, kind):
    consultation = make_consultation("aide-echappee", phase="draft", questions=False)
    choices = [("Oui", "Yes"), ("Non", "No"), ("Aucun", "None", True)] if kind != "open" else []
    services.add_question(
        actor=None, consultation=consultation, kind=kind, text_fr="Avis ?", help_fr=HELP, help_en=HELP,
        choices=choices,
    )  # fmt: skip
    services.transition(actor=None, consultation=consultation, to_phase="open")
    services.accept_charter(user=citizen, consultation=consultation)
    client.force_login(citizen)
    html = client.get(reverse("consultation:detail", args=[consultation.slug])).content.decode()
    assert "<img src=x" not in html and '<a href="https://example.org/phish">' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
