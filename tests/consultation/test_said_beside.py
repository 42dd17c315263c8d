"""Without JavaScript, a form sent from an item far down a page comes back to that item with its outcome
said inside it (accounts/beside.py): the vote in the proposal's card, the "answer required" switch in the
question's row, the charter's acceptance in its section. The redirect's fragment is the message itself
(a `role="status"` element the browser scrolls to and focuses: tests/browser/test_said_beside.py). When
the item is not on the page it comes back to, the message is at the top of the page, as before."""

import pytest
from django.urls import reverse

from consultation import services
from consultation.models import Vote
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import open_questionnaire
from tests.html_parts import elements

pytestmark = pytest.mark.django_db

VOTED = {"fr": "Votre vote « D’accord » est enregistré.", "en": "Your vote “Agree” is recorded."}


def _said(page: str, said_id: str) -> dict:
    found = [e for e in elements(page) if e["attrs"].get("id") == said_id]
    assert len(found) == 1, f"{said_id} said {len(found)} times"
    return found[0]


def _inside(element: dict, item_id: str) -> bool:
    while element is not None:
        if element["attrs"].get("id") == item_id:
            return True
        element = element["parent"]
    return False


def _vote_url(consultation, proposal) -> str:
    return reverse("consultation:vote", args=[consultation.slug, proposal.pk])


@pytest.fixture
def proposal(consultation):
    author = UserFactory()
    services.accept_charter(user=author, consultation=consultation)
    return services.submit_proposal(
        user=author, consultation=consultation, text="Publier chaque année la liste des projets financés."
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_vote_comes_back_to_its_proposal_with_the_confirmation_inside_its_card(
    client, member, consultation, proposal, language
):
    client.force_login(member)
    listing = reverse("consultation:proposals", args=[consultation.slug])
    voted = client.post(
        reverse("consultation:vote", args=[consultation.slug, proposal.pk]),
        {"value": "agree", "next": listing},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert voted.status_code == 302
    assert voted["Location"] == f"{listing}#said-proposal-{proposal.pk}"
    assert Vote.objects.get(proposal=proposal).value == Vote.Value.AGREE
    page = client.get(voted["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode()
    said = _said(page, f"said-proposal-{proposal.pk}")
    assert _inside(said, f"proposal-{proposal.pk}")  # in the card voted on, not only at the top
    assert said["attrs"]["role"] == "status" and said["attrs"]["tabindex"] == "-1"  # read, and focusable
    assert text_of_element(said) == VOTED[language]
    # The top's copy is marked as said elsewhere (the style sheet hides it): not read twice.
    top = next(e for e in elements(page) if e["attrs"].get("id") == "messages")
    assert all("pacte-said-elsewhere" in alert["attrs"]["class"] for alert in top["children"])


def test_a_vote_from_a_page_without_its_proposal_says_it_at_the_top(client, member, consultation, proposal):
    """Sent from a page that does not show the proposal any more (moved to another page of "most agreed";
    here the consultation's page): the fragment matches nothing, the page opens at its top, where the
    message is."""
    client.force_login(member)
    elsewhere = reverse("consultation:detail", args=[consultation.slug])
    voted = client.post(
        reverse("consultation:vote", args=[consultation.slug, proposal.pk]),
        {"value": "agree", "next": elsewhere},
    )
    page = client.get(voted["Location"])
    assert f'id="said-proposal-{proposal.pk}"' not in page.content.decode()
    top = next(e for e in elements(page.content.decode()) if e["attrs"].get("id") == "messages")
    assert top["attrs"]["role"] == "status" and text_of_element(top) == VOTED["fr"]
    assert "pacte-said-elsewhere" in top["children"][0]["attrs"]["class"]  # shown: nothing to hide it


def test_a_refused_vote_is_said_in_the_card_too(client, member, consultation, proposal):
    """A refusal (here a value no button sends) comes back to the proposal too, said where the person
    voted."""
    client.force_login(member)
    listing = reverse("consultation:proposals", args=[consultation.slug])
    voted = client.post(
        reverse("consultation:vote", args=[consultation.slug, proposal.pk]),
        {"value": "maybe", "next": listing},
    )
    assert voted["Location"] == f"{listing}#said-proposal-{proposal.pk}"
    said = _said(client.get(voted["Location"]).content.decode(), f"said-proposal-{proposal.pk}")
    assert _inside(said, f"proposal-{proposal.pk}")
    assert "fr-alert--error" in said["children"][0]["attrs"]["class"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("fr", "La réponse à « Mode ? » est désormais obligatoire."),
        ("en", "The answer to “Which mode?” is now required."),
    ],
)
def test_the_required_switch_says_its_outcome_in_the_question_row(client, organiser, language, said):
    consultation = open_questionnaire("beside")
    question = consultation.questions.get(kind="single")
    client.force_login(with_totp(organiser))
    response = client.post(
        reverse("consultation:question_required", args=[consultation.slug, question.pk]),
        {"required": "1"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    editor = reverse("consultation:questions", args=[consultation.slug])
    assert response["Location"] == f"{editor}#said-question-{question.pk}"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode()
    row = _said(page, f"said-question-{question.pk}")
    assert _inside(row, f"question-{question.pk}") and row["attrs"]["role"] == "status"
    assert text_of_element(row) == said


def test_accepting_the_charter_says_so_in_the_charter_section(client, citizen, consultation):
    client.force_login(citizen)
    response = client.post(
        reverse("consultation:accept_charter", args=[consultation.slug]),
        {"accept": "on", "version": str(consultation.charter_version)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response["Location"].endswith("#said-charter")
    said = _said(client.get(response["Location"]).content.decode(), "said-charter")
    assert _inside(said, "charter") and text_of_element(said) == "Thank you: you can now take part."


def text_of_element(element: dict) -> str:
    """Its text as read, French no-break spaces as plain ones."""
    return " ".join(element["text"].replace("\xa0", " ").replace("\u202f", " ").split())
