"""A vote's address names its consultation and its proposal (consultation.selectors.vote_target)."""

from django.test import Client
from django.urls import reverse

from consultation import services
from consultation.models import Vote
from tests.helpers import make_consultation


def test_a_vote_names_its_consultation(citizen):
    """A proposal reached through another consultation's address is not found, and nothing is stored."""
    first = make_consultation(slug="first")
    second = make_consultation(slug="second")
    services.accept_charter(user=citizen, consultation=first)
    services.accept_charter(user=citizen, consultation=second)
    proposal = services.submit_proposal(
        user=citizen, consultation=first, text="Un registre national de refus."
    )
    client = Client()
    client.force_login(citizen)
    url = reverse("consultation:vote", args=["second", proposal.pk])
    response = client.post(url, {"value": "agree"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert "detail" in response.json()
    assert not Vote.objects.exists()
    url = reverse("consultation:vote", args=["first", proposal.pk])
    assert client.post(url, {"value": "agree"}, HTTP_ACCEPT="application/json").json()["vote"] == "agree"
