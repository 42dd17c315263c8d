"""Opinion groups start from the previous computation's clusters (Pol.is's rule over time)."""

import pytest

from analysis.opinion import compute_and_save
from consultation.models import Vote
from tests.analysis.conftest import add_proposals
from tests.pipeline.test_opinion import CAMP_A_AGREES, CAMP_B_AGREES, two_camps

pytestmark = pytest.mark.django_db


def test_a_second_computation_starts_from_the_first_and_keeps_the_groups(consultation):
    names = CAMP_A_AGREES + CAMP_B_AGREES
    proposal = dict(zip(names, add_proposals(consultation, [f"Proposition {n}" for n in names]), strict=True))
    votes, _camp_of = two_camps(per_camp=30, noise=0.25, seed=3)
    Vote.objects.bulk_create(Vote(proposal=proposal[q], participant_key=p, value=v) for p, q, v in votes)
    first = compute_and_save(consultation.pk)
    assert first.status == "ok" and not first.result["warm_started"]

    # A newcomer votes as camp A does.
    Vote.objects.bulk_create(
        Vote(proposal=proposal[q], participant_key="newcomer", value=1 if q in CAMP_A_AGREES else -1)
        for q in names
    )
    second = compute_and_save(consultation.pk)

    assert second.status == "ok" and second.result["warm_started"]
    before = {p["participant"]: p["group"] for p in first.result["participants"]}
    after = {p["participant"]: p["group"] for p in second.result["participants"]}
    assert all(after[p] == g for p, g in before.items())  # same people, same number (and colour)
    assert after["newcomer"] == before["A0"]
