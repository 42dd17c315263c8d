"""What one vote costs the database, and that the cheap path still refuses what it must
(docs/decisions/0013-vote-path.md)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import cached
from accounts.models import User
from consultation import services
from consultation.models import Consultation, Proposal, Vote
from tests.helpers import make_consultation, vote_statements


def _vote(client, proposal, value="agree"):
    url = reverse("consultation:vote", args=[proposal.consultation.slug, proposal.pk])
    return client.post(url, {"value": value}, HTTP_ACCEPT="application/json")


def test_a_vote_is_one_statement_and_no_other_query(member, consultation, monkeypatch):
    """The target check guarding the upsert with its counters: one prepared statement, nothing through
    the ORM (the session, the user and the charter acceptance come from the cache)."""
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Des bancs publics.")
    client = Client()
    client.force_login(member)
    cache.delete(cached.user_key(member.pk))  # the charter acceptance left a tombstone (10 s)
    _vote(client, proposal)  # fills the cached user
    calls = vote_statements(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        response = _vote(client, proposal, "disagree")
    # Only the savepoint the upsert needs inside the test's own transaction (none in production).
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SAVEPOINT", "RELEASE"]
    assert response.json() == {"proposal": proposal.pk, "vote": "disagree", "changed": True}
    assert len(calls) == 1
    proposal.refresh_from_db()
    assert (proposal.agree_count, proposal.disagree_count) == (0, 1)
    again = _vote(client, proposal, "disagree")  # the same value again: nothing moves
    assert again.json() == {"proposal": proposal.pk, "vote": "disagree", "changed": False}
    proposal.refresh_from_db()
    assert (proposal.agree_count, proposal.disagree_count, proposal.pass_count) == (0, 1, 0)


def test_a_vote_is_refused_without_the_charter(citizen, consultation):
    """A signed-in person who has not accepted the charter is refused, and nothing is stored."""
    services.accept_charter(user=citizen, consultation=consultation)
    proposal = services.submit_proposal(user=citizen, consultation=consultation, text="Des bancs publics.")
    newcomer = User.objects.create_user(email="newcomer@example.org", password=None)
    client = Client()
    client.force_login(newcomer)
    response = _vote(client, proposal)
    assert response.status_code in (403, 409)
    assert "detail" in response.json()
    assert not Vote.objects.filter(proposal=proposal).exists()


def _signed_in(user):
    client = Client()
    client.force_login(user)
    cache.delete(cached.user_key(user.pk))  # the charter acceptance left a tombstone (10 s)
    return client


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("unknown proposal", 404),
        ("unknown proposal, bad value", 404),
        ("other consultation's address", 404),
        ("bad value", 400),
        ("malformed JSON", 400),
        ("hidden proposal", 403),
        ("consultation closed", 403),
        ("charter not accepted", 403),
        ("charter changed since accepted", 403),
    ],
)
def test_the_one_statement_path_refuses_as_the_checks_do(member, consultation, case, status):
    """Every refusal of the vote, in its order (404 before a bad value, then the value, then the rule),
    with its own message, and nothing stored: the guarded statement writes nothing, and the checks say
    why."""
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Des bancs publics.")
    other = make_consultation(slug="other")
    voter = member
    slug, pk, data, content_type = consultation.slug, proposal.pk, {"value": "agree"}, None
    if case.startswith("unknown proposal"):
        pk = proposal.pk + 1000
        data = {"value": "maybe"} if case.endswith("bad value") else data
    elif case == "other consultation's address":
        services.accept_charter(user=member, consultation=other)
        slug = other.slug
    elif case == "bad value":
        data = {"value": "maybe"}
    elif case == "malformed JSON":
        data, content_type = "{not json", "application/json"
    elif case == "hidden proposal":
        Proposal.objects.filter(pk=pk).update(status=Proposal.Status.HIDDEN)
    elif case == "consultation closed":
        services.transition(actor=None, consultation=consultation, to_phase=Consultation.Phase.CLOSED)
    elif case == "charter not accepted":
        voter = User.objects.create_user(email="newcomer@example.org", password=None)
    elif case == "charter changed since accepted":
        services.update_charter(actor=None, consultation=consultation, text_fr="Une nouvelle charte.")
    client = _signed_in(voter)
    url = reverse("consultation:vote", args=[slug, pk])
    kwargs = {"content_type": content_type} if content_type else {}
    response = client.post(url, data, HTTP_ACCEPT="application/json", **kwargs)
    assert response.status_code == status
    assert response.json()["detail"]
    assert not Vote.objects.exists()
    proposal.refresh_from_db()
    assert proposal.vote_total == 0


@override_settings(PACTE_RATE_LIMITS={"vote": {"user": "2/60"}})
def test_the_rate_limit_counts_before_the_write_and_a_missing_proposal_is_still_404(member, consultation):
    """Over the limit nothing is written (429), and an unknown proposal is still answered 404 first."""
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Des bancs publics.")
    client = _signed_in(member)
    statuses = [_vote(client, proposal, value).status_code for value in ("agree", "disagree", "pass")]
    assert statuses == [200, 200, 429]
    assert list(Vote.objects.values_list("value", flat=True)) == [Vote.Value.DISAGREE]
    missing = reverse("consultation:vote", args=[consultation.slug, proposal.pk + 1000])
    assert client.post(missing, {"value": "agree"}, HTTP_ACCEPT="application/json").status_code == 404


def test_a_form_vote_takes_the_same_path(member, consultation):
    """Without JavaScript: the vote is stored, and the page comes back at the proposal, at what it says."""
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Des bancs publics.")
    client = _signed_in(member)
    url = reverse("consultation:vote", args=[consultation.slug, proposal.pk])
    response = client.post(url, {"value": "pass"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#said-proposal-{proposal.pk}")
    proposal.refresh_from_db()
    assert proposal.pass_count == 1
