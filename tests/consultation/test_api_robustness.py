"""Bad requests to the public API and to the scripts' vote get a 4xx with a JSON error body, never a 500
or an HTML page, and lose no vote (found by schemathesis and by hand against the demo data)."""

import base64

from django.test import Client

from consultation import services
from consultation.models import Vote

JSON = {"HTTP_ACCEPT": "application/json", "HTTP_ACCEPT_LANGUAGE": "fr"}


def _basic(email: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


def _vote_address(consultation, proposal_id) -> str:
    return f"/consultations/{consultation.slug}/propositions/{proposal_id}/vote/"


def _voter(member, consultation):
    """A member who already voted 'agree' on a proposal: the vote that must survive bad requests."""
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Un registre des refus")
    services.cast_vote(user=member, proposal=proposal, value="agree")
    client = Client()
    client.force_login(member)
    return client, proposal


def _votes(proposal) -> list[int]:
    return list(Vote.objects.filter(proposal=proposal).values_list("value", flat=True))


def test_a_vote_for_an_id_no_database_holds_is_a_json_404(member, consultation):
    # Any run of digits reaches the view; on SQLite (the embedded runtime) 10**23 could not even be bound
    # to the query: a 500.
    client, proposal = _voter(member, consultation)
    for proposal_id in [10**23, 2**63, 0]:
        response = client.post(_vote_address(consultation, proposal_id), {"value": "disagree"}, **JSON)
        assert response.status_code == 404, proposal_id
        assert response.json() == {"error": "Cette proposition n'existe pas."}
    assert _votes(proposal) == [Vote.Value.AGREE]
