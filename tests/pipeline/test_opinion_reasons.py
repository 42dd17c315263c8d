"""Why a computation drew no groups is decided once, by the pure stage (``OpinionResult.reason``), where
each rule refuses; the report only words it (issue 20)."""

from analysis.pipeline.opinion import (
    NO_DIFFERENCE,
    NO_TWO_GROUPS,
    NO_VOTES,
    NOT_ENOUGH_VOTES,
    OK,
    TOO_FEW_PARTICIPANTS,
    analyse_opinions,
)
from tests.pipeline.test_opinion import two_camps


def test_each_refusal_carries_its_reason_and_the_figures_it_rests_on() -> None:
    assert analyse_opinions([], proposals=["p"]).reason == NO_VOTES

    few = analyse_opinions(two_camps(per_camp=4)[0], seed=0)  # 8 participants with enough votes
    assert (few.status, few.reason, few.n_qualified, few.min_votes_needed) == (
        NOT_ENOUGH_VOTES,
        TOO_FEW_PARTICIPANTS,
        8,
        7,
    )

    alike = [(f"v{i}", f"p{j}", 1) for i in range(12) for j in range(8)]
    same = analyse_opinions(alike, seed=0)
    assert (same.reason, same.n_clustered) == (NO_DIFFERENCE, 12)

    votes, _ = two_camps(per_camp=30)
    lonely = [(person, proposal, value) for person, proposal, value in votes if not person.startswith("B")]
    lonely += [(person, proposal, value) for person, proposal, value in votes if person in ("B0", "B1")]
    split = analyse_opinions(lonely, seed=0)  # 30 against 2: the 2 are under 5 % and 5 people
    assert (split.status, split.reason, split.n_clustered) == (NOT_ENOUGH_VOTES, NO_TWO_GROUPS, 32)

    found = analyse_opinions(votes, seed=0)
    assert (found.status, found.reason) == (OK, "")
