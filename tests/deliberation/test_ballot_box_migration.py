"""Migration 0010 counts the ballots of open votes into sealed boxes and drops the per-ballot rows."""

import pytest
from django.db import connection
from django.utils import timezone

from deliberation import ballot_box
from tests.helpers import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("deliberation", "0009_selection_progress")]
AFTER = [("deliberation", "0010_ballot_box")]


def test_open_votes_become_sealed_counts_and_the_ballot_rows_go():
    old = migrate_to(BEFORE)
    try:
        Panel, Session = old.get_model("deliberation", "Panel"), old.get_model("deliberation", "Session")
        Recommendation, Ballot = (
            old.get_model("deliberation", "Recommendation"),
            old.get_model("deliberation", "Ballot"),
        )
        panel = Panel.objects.create(title="Panel")
        session = Session.objects.create(panel=panel, title="Séance", starts_at=timezone.now())
        voting = Recommendation.objects.create(
            panel=panel, session=session, title="a", text="a", status="voting"
        )
        decided = Recommendation.objects.create(
            panel=panel, session=session, title="b", text="b", status="adopted", votes_for=2
        )
        for choice in ["for", "against", "for", "abstain", "for"]:
            Ballot.objects.create(recommendation=voting, choice=choice)
        Ballot.objects.create(recommendation=decided, choice="for")
        new = migrate_to(AFTER)
        box = new.get_model("deliberation", "BallotBox").objects.get()
        assert box.recommendation_id == voting.pk
        assert ballot_box.unseal(voting.pk, box.sealed) == {"for": 3, "against": 1, "abstain": 1}
        assert "deliberation_ballot" not in connection.introspection.table_names()
        assert new.get_model("deliberation", "Recommendation").objects.get(pk=decided.pk).votes_for == 2
    finally:
        migrate_to_latest("deliberation")
