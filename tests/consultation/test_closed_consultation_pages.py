"""What a citizen and an organiser read about a consultation once it is closed, as walked in a browser on
the demo (tester3): the badge agrees with "Clôturée le …" (a consultation is feminine in French; "Clos"
is a panel's word), answers sent after the closing time are refused without inviting a second try that
must fail, and the small wordings around an empty consultation read as French."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from consultation import services
from consultation.models import Answer, Consultation
from deliberation.models import Panel
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import make_consultation
from tests.typography import text_of

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"consultation:{name}", args=args)


def badges(response) -> list[str]:
    return [
        " ".join(html.unescape(b).split())
        for b in re.findall(r'class="fr-badge[^"]*">([^<]*)<', response.content.decode())
    ]


@pytest.mark.parametrize("how", ["closed", "due"])
def test_a_closed_consultation_is_clôturée_on_its_card_and_page(client, how):
    consultation = make_consultation(closes_at=timezone.now() + dt.timedelta(hours=1))
    if how == "closed":
        services.transition(actor=None, consultation=consultation, to_phase=Consultation.Phase.CLOSED)
    else:  # its closing time has passed, the beat has not run yet
        Consultation.objects.filter(pk=consultation.pk).update(
            closes_at=timezone.now() - dt.timedelta(seconds=1)
        )
    for address in (url("detail", consultation.slug), url("list")):
        response = client.get(address, HTTP_ACCEPT_LANGUAGE="fr")
        assert "Clôturée" in badges(response) and "Clos" not in badges(response), address
        english = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
        assert "Closed" in badges(english), address


def test_the_organisers_page_moves_it_to_clôturée_and_its_history_says_so(client, organiser):
    consultation = make_consultation()
    client.force_login(with_totp(organiser))
    page = text_of(client.get(url("manage", consultation.slug), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Passer à « Clôturée »" in page
    client.post(
        url("change_phase", consultation.slug),
        {"phase": "closed", "understood": "yes"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    page = text_of(client.get(url("manage", consultation.slug), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Ouverte Clôturée" in page  # the history's From and To
    assert " Clos " not in page


def test_a_panel_stays_clos():
    with override("fr"):
        assert str(Panel.Status.CLOSED.label) == "Clos"
        assert str(Consultation.Phase.CLOSED.label) == "Clôturée"


def test_answers_sent_after_the_closing_time_are_refused_without_a_save_button(client):
    consultation = make_consultation(closes_at=timezone.now() + dt.timedelta(hours=1))
    member = UserFactory()
    services.accept_charter(user=member, consultation=consultation)
    client.force_login(member)
    open_question = consultation.questions.get(kind="open")
    page = text_of(client.get(url("detail", consultation.slug), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Enregistrer mes réponses" in page  # the questionnaire, read while it was open
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(
        url("answer", consultation.slug),
        {f"q{open_question.pk}": "Écrit avant la clôture, envoyé après."},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    page = text_of(response)
    assert response.status_code >= 400
    refusal = "Cette consultation n’est pas ouverte : les contributions sont closes."
    assert f"Vos réponses n’ont pas été enregistrées {refusal}" in page
    assert "Écrit avant la clôture, envoyé après." in page  # kept, to be copied
    assert "Enregistrer mes réponses" not in page  # no second try that can only fail
    assert "pas encore enregistrées" not in page and "jusqu’à la clôture de la consultation" not in page
    assert Answer.objects.count() == 0


def test_an_open_questionnaire_refused_for_another_reason_still_offers_to_save(client):
    """The closed wording is for a closed consultation only: a charter to accept (again) keeps its way."""
    consultation = make_consultation()
    member = UserFactory()
    services.accept_charter(user=member, consultation=consultation)
    client.force_login(member)
    page = text_of(client.get(url("detail", consultation.slug), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Enregistrer mes réponses" in page and "n’ont pas été enregistrées" not in page


def test_a_consultation_with_no_proposal_invites_to_see_the_proposals(client):
    consultation = make_consultation()
    page = text_of(client.get(url("detail", consultation.slug), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Voir les propositions" in page and "Voir la proposition (0)" not in page
    english = text_of(client.get(url("detail", consultation.slug), HTTP_ACCEPT_LANGUAGE="en"))
    assert "See the proposals" in english and "See the 0 proposals" not in english
    member = UserFactory()
    services.accept_charter(user=member, consultation=consultation)
    services.submit_proposal(user=member, consultation=consultation, text="Des bancs publics.")
    page = text_of(client.get(url("detail", consultation.slug), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Voir la proposition (1)" in page


def test_an_empty_questionnaire_is_not_numbered(client, organiser):
    consultation = make_consultation("vide", phase="draft", questions=False)
    client.force_login(with_totp(organiser))
    body = client.get(url("questions", consultation.slug), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert re.search(r"<p>\s*Aucune question pour l’instant\.\s*</p>", body)
    assert not re.search(r"<li>\s*Aucune question", body)


@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_a_proposal_sent_after_the_closing_time_is_refused_and_given_back(client, step):
    """Typed while the consultation was open, sent after its closing time: nothing is saved, and the text
    is on the page to be copied instead of lost in a redirect."""
    consultation = make_consultation(closes_at=timezone.now() + dt.timedelta(hours=1))
    member = UserFactory()
    services.accept_charter(user=member, consultation=consultation)
    client.force_login(member)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    typed = "Des données de santé au service de la recherche publique, écrit avant la clôture."
    response = client.post(
        url("propose", consultation.slug), {"text": typed, "step": step}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    page = text_of(response)
    assert response.status_code == 403
    assert "Votre proposition n’a pas été enregistrée" in page
    assert "ne reçoit pas de propositions en ce moment" in page
    assert typed in page
    assert "Continuer" not in page and "Publier ma proposition" not in page
    assert not consultation.proposals.exists()
