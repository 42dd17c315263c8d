"""A citizen whose answers wait in the session for the new charter to be accepted can discard them: the
kept answers leave the page, the answers saved before stay, and only a POST discards."""

import pytest
from django.urls import reverse

from consultation import services
from consultation.models import Answer

pytestmark = pytest.mark.django_db

SAVED = "Parce que la recherche en a besoin."
KEPT = "Réponse tapée après le changement de charte."
KEPT_NOTE = "Vos réponses au questionnaire sont conservées"


def url(name, consultation):
    return reverse(f"consultation:{name}", args=[consultation.slug])


@pytest.fixture
def kept(client, member, consultation):
    """`member` saved an answer, the charter changed, then their new answer was kept in the session."""
    client.force_login(member)
    _single, open_question = consultation.questions.order_by("position")
    client.post(url("answer", consultation), {f"q{open_question.pk}": SAVED})
    services.update_charter(actor=None, consultation=consultation, text_fr="1. Respect. Je reste courtois.")
    client.post(url("answer", consultation), {f"q{open_question.pk}": KEPT})
    assert client.get(url("detail", consultation)).content.decode().count(KEPT_NOTE) == 1
    return open_question


def saved_texts(member):
    return list(Answer.objects.filter(user=member).values_list("text", flat=True))


def test_a_get_on_the_discard_address_discards_nothing(client, member, consultation, kept):
    response = client.get(url("discard_answers_draft", consultation))
    assert response.status_code == 302
    assert KEPT_NOTE in client.get(url("detail", consultation)).content.decode()
    client.post(url("accept_charter", consultation), {"accept": "on", "version": "2"})
    assert KEPT in client.get(url("detail", consultation)).content.decode()


def test_discarding_before_accepting_the_charter_keeps_the_saved_answers(client, member, consultation, kept):
    page = client.get(url("detail", consultation)).content.decode()
    assert "Abandonner ces réponses" in page  # the action sits beside the note that says they are kept

    page = client.post(url("discard_answers_draft", consultation), follow=True).content.decode()
    assert "Vos réponses non enregistrées ont été abandonnées" in page
    assert KEPT_NOTE not in page and "Abandonner ces réponses" not in page
    assert saved_texts(member) == [SAVED]

    client.post(url("accept_charter", consultation), {"accept": "on", "version": "2"})
    page = client.get(url("detail", consultation)).content.decode()
    assert SAVED in page and KEPT not in page  # the questionnaire shows what was saved, not the kept text


def test_discarding_the_answers_shown_again_after_accepting(client, member, consultation, kept):
    client.post(url("accept_charter", consultation), {"accept": "on", "version": "2"})
    page = client.get(url("detail", consultation)).content.decode()
    assert KEPT in page and "Abandonner ces réponses" in page

    client.cookies["django_language"] = "en"
    response = client.post(url("discard_answers_draft", consultation), follow=True)
    assert response.redirect_chain[-1][0].endswith("#said-questionnaire")
    page = response.content.decode()
    assert "Your unsaved answers were discarded." in page
    assert KEPT not in page and SAVED in page and "Discard these answers" not in page
    assert saved_texts(member) == [SAVED]


def test_discarding_when_nothing_is_kept_says_so(client, member, consultation):
    client.force_login(member)
    page = client.post(url("discard_answers_draft", consultation), follow=True).content.decode()
    assert "Il n’y avait aucune réponse non enregistrée à abandonner." in page
