"""Counters stay exact when many citizens vote, and change their votes, at the same moment (PostgreSQL)."""

import random
import threading

import pytest
from django.db import connection, connections

from accounts.models import User
from accounts.selectors import load_consents
from consultation import services
from consultation.models import Proposal, Vote
from tests.factories import UserFactory
from tests.helpers import make_consultation


@pytest.mark.django_db(transaction=True)
def test_counters_equal_rows_under_concurrent_voting():
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (DATABASE_URL): run it with `make test`")
    consultation = make_consultation()
    proposals = [Proposal.objects.create(consultation=consultation, text=f"Idée {i}") for i in range(3)]
    users = [UserFactory() for _ in range(16)]
    for user in users:
        services.accept_charter(user=user, consultation=consultation)
    barrier = threading.Barrier(len(users))
    errors = []

    def citizen(user, seed):
        rng = random.Random(seed)
        try:
            barrier.wait()
            # Each citizen votes on every proposal several times, sometimes twice the same, sometimes
            # changing their mind: only the last vote may count.
            for _ in range(6):
                for proposal in rng.sample(proposals, k=len(proposals)):
                    services.cast_vote(
                        user=user, proposal=proposal, value=rng.choice(["agree", "disagree", "pass"])
                    )
        except Exception as exc:  # noqa: BLE001 (reported below, with the thread's user)
            errors.append((user.pk, repr(exc)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=citizen, args=(u, i)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for proposal in proposals:
        proposal.refresh_from_db()
        votes = Vote.objects.filter(proposal=proposal)
        assert votes.count() == len(users)  # one row per citizen, however many times they clicked
        assert proposal.agree_count == votes.filter(value=1).count()
        assert proposal.disagree_count == votes.filter(value=-1).count()
        assert proposal.pass_count == votes.filter(value=0).count()
        assert proposal.vote_total == len(users)


@pytest.mark.django_db(transaction=True)
def test_one_citizen_clicking_many_times_at_once_counts_once():
    """Double (and octuple) clicks: the same person's concurrent votes on one proposal leave one row,
    the value of one of them, and counters that match the row."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (DATABASE_URL): run it with `make test`")
    consultation = make_consultation()
    proposal = Proposal.objects.create(consultation=consultation, text="Un registre de refus")
    user = UserFactory()
    services.accept_charter(user=user, consultation=consultation)
    values = ["agree", "disagree", "pass", "agree", "disagree", "pass", "agree", "disagree"]
    errors = []
    for _round in range(5):
        barrier = threading.Barrier(len(values))

        def click(value, barrier=barrier):
            try:
                barrier.wait()
                services.cast_vote(user=user, proposal=proposal, value=value)
            except Exception as exc:  # noqa: BLE001 (reported below)
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=click, args=(v,)) for v in values]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        proposal.refresh_from_db()
        (stored,) = Vote.objects.filter(proposal=proposal).values_list("value", flat=True)
        counts = (proposal.agree_count, proposal.disagree_count, proposal.pass_count)
        assert counts == ((stored == 1) * 1, (stored == -1) * 1, (stored == 0) * 1)
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_the_one_statement_vote_keeps_counters_exact_under_concurrency():
    """The vote page's one guarded statement (services.try_cast_vote): many citizens, and one of them
    clicking many times at once, leave one row per citizen and counters equal to the rows."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (DATABASE_URL): run it with `make test`")
    consultation = make_consultation()
    proposals = [Proposal.objects.create(consultation=consultation, text=f"Idée {i}") for i in range(2)]
    users = [UserFactory() for _ in range(12)]
    for user in users:
        services.accept_charter(user=user, consultation=consultation)
    signed_in = [load_consents(User.objects.get(pk=user.pk)) for user in users]  # as the cached user
    clicks = [(user, seed) for seed, user in enumerate(signed_in)]
    clicks += [(signed_in[0], 100 + i) for i in range(6)]  # one of them in six tabs at once
    barrier = threading.Barrier(len(clicks))
    errors, refused = [], []

    def citizen(user, seed):
        rng = random.Random(seed)
        try:
            barrier.wait()
            for _ in range(5):
                for proposal in rng.sample(proposals, k=len(proposals)):
                    value = rng.choice(list(services.VOTE_VALUES.values()))
                    outcome = services.try_cast_vote(
                        user=user, slug=consultation.slug, proposal_id=proposal.pk, value=value
                    )
                    if outcome is None:
                        refused.append(user.pk)
        except Exception as exc:  # noqa: BLE001 (reported below, with the thread's user)
            errors.append((user.pk, repr(exc)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=citizen, args=click) for click in clicks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert refused == []
    for proposal in proposals:
        proposal.refresh_from_db()
        votes = Vote.objects.filter(proposal=proposal)
        assert votes.count() == len(users)
        assert proposal.agree_count == votes.filter(value=1).count()
        assert proposal.disagree_count == votes.filter(value=-1).count()
        assert proposal.pass_count == votes.filter(value=0).count()
