"""What one vote costs the database, and that the cheap path still refuses what it must
(docs/decisions/0013-vote-path.md)."""

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import cached
from accounts.models import User
from consultation import services, sql
from consultation.models import Vote


def _vote(client, proposal, value="agree"):
    url = reverse("consultation:vote", args=[proposal.consultation.slug, proposal.pk])
    return client.post(url, {"value": value}, HTTP_ACCEPT="application/json")


def _counting(monkeypatch):
    calls = []
    fetch_one = sql.fetch_one

    def counted(statement, params):
        calls.append(statement)
        return fetch_one(statement, params)

    monkeypatch.setattr(sql, "fetch_one", counted)
    return calls


def test_a_vote_is_two_statements_and_no_other_query(member, consultation, monkeypatch):
    """The target check and the upsert with its counters: two prepared statements, nothing through the
    ORM (the session, the user and the charter acceptance come from the cache)."""
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Des bancs publics.")
    client = Client()
    client.force_login(member)
    cache.delete(cached.user_key(member.pk))  # the charter acceptance left a tombstone (10 s)
    _vote(client, proposal)  # fills the cached user
    calls = _counting(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        response = _vote(client, proposal, "disagree")
    # Only the savepoint the upsert needs inside the test's own transaction (none in production).
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SAVEPOINT", "RELEASE"]
    assert response.json() == {"proposal": proposal.pk, "vote": "disagree", "changed": True}
    assert len(calls) == 2
    proposal.refresh_from_db()
    assert (proposal.agree_count, proposal.disagree_count) == (0, 1)


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
