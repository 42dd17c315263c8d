"""Pol.is's rule over time: a computation starts from the previous one's clusters (opinion.warm)."""

from __future__ import annotations

import json
import random
from dataclasses import replace

from analysis.pipeline.opinion import OK, OpinionParameters, analyse_opinions
from tests.pipeline.test_opinion import CAMP_A_AGREES, CAMP_B_AGREES, two_camps


def next_computation(votes, previous, parameters=None):
    """As analysis.opinion.compute_and_save chains them: the previous result read back from its JSON."""
    saved = json.loads(json.dumps(previous.to_dict()))
    return analyse_opinions(
        votes,
        parameters=parameters,
        previous_groups={p["participant"]: p["group"] for p in saved["participants"]},
        previous_k_smoother=saved["k_smoother"],
        previous_clusters=saved["clusters"],
    )


def test_a_few_more_votes_keep_the_same_groups_and_numbers() -> None:
    votes, camp_of = two_camps(per_camp=40, noise=0.25, seed=3)
    first = analyse_opinions(votes)
    assert first.status == OK and not first.warm_started
    # Six newcomers, three per camp, vote on most proposals.
    rng = random.Random(8)
    newcomers = []
    for camp in "AB":
        for n in range(3):
            for proposal in CAMP_A_AGREES + CAMP_B_AGREES:
                agrees = (proposal in CAMP_A_AGREES) == (camp == "A")
                newcomers.append((f"new-{camp}{n}", proposal, 1 if agrees else -1))
    rng.shuffle(newcomers)
    second = next_computation(votes + newcomers, first)

    assert second.status == OK and second.warm_started
    before, after = first.group_of(), second.group_of()
    assert all(after[p] == before[p] for p in before)  # same people, same group number (so same colour)
    assert {after[f"new-A{n}"] for n in range(3)} == {after[p] for p in camp_of if camp_of[p] == "A"}
    assert {after[f"new-B{n}"] for n in range(3)} == {after[p] for p in camp_of if camp_of[p] == "B"}


def test_people_who_change_their_votes_change_group() -> None:
    votes, camp_of = two_camps(per_camp=40, noise=0.1, seed=4)
    first = analyse_opinions(votes)
    group_b = first.group_of()["B0"]
    # Half of camp A now votes exactly as camp B does.
    turned = {f"A{n}" for n in range(20)}
    changed = [(p, q, -v if p in turned else v) for p, q, v in votes]
    second = next_computation(changed, first)

    assert second.status == OK and second.warm_started
    after = second.group_of()
    assert all(after[p] == group_b for p in turned)
    assert all(after[p] != group_b for p in camp_of if camp_of[p] == "A" and p not in turned)
    assert all(after[p] == group_b for p in camp_of if camp_of[p] == "B")


def test_without_the_warm_start_the_cold_rule_and_renumbering_apply() -> None:
    votes, _camp_of = two_camps(per_camp=40, noise=0.25, seed=3)
    first = analyse_opinions(votes)
    cold = replace(OpinionParameters(), warm_start=False)
    second = next_computation(votes, first, parameters=cold)
    assert second.status == OK and not second.warm_started
    assert second.group_of() == first.group_of()  # same votes: same groups, numbers kept by member overlap


def test_a_previous_computation_of_other_people_falls_back_to_the_cold_rule() -> None:
    votes, _camp_of = two_camps(per_camp=40, noise=0.1, seed=4)
    first = analyse_opinions(votes)
    strangers = [(f"other-{p}", q, v) for p, q, v in votes]
    second = next_computation(strangers, first)
    assert second.status == OK and not second.warm_started and len(second.groups) == 2


def test_someone_clustered_early_keeps_a_group_when_the_threshold_rises() -> None:
    """Pol.is's "once in, always in": the threshold is min(7, number of proposals), so an early voter
    who voted on all of the first five proposals is clustered then, and would drop out of the groups
    once there are more proposals, unless the previous computation keeps them in."""
    votes, _camp_of = two_camps(per_camp=30, noise=0.05, seen=1.0, seed=5)
    first_proposals = CAMP_A_AGREES[:3] + CAMP_B_AGREES[:2]
    early = [p for p in votes if p[1] in first_proposals]
    early_voter = [
        ("early-A", proposal, 1 if proposal in CAMP_A_AGREES else -1) for proposal in first_proposals
    ]
    first = analyse_opinions(early + early_voter)
    assert first.status == OK and first.group_of()["early-A"] is not None

    later = votes + early_voter  # everyone else went on voting; the early voter did not come back
    second = next_computation(later, first)
    cold = next_computation(later, first, parameters=replace(OpinionParameters(), warm_start=False))

    assert second.status == OK and cold.status == OK
    group_a = second.group_of()["A0"]
    assert second.group_of()["early-A"] == group_a  # still placed, with the camp they voted like
    assert cold.group_of()["early-A"] is None  # by the threshold alone: 5 votes of 20, not placed
