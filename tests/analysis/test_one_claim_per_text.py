"""A campaign's copies of one text are claimed once, and never both ways (analysis.presenters)."""

from analysis.presenters import one_claim_per_text

CAMPAIGN = "Nous refusons le don par défaut de nos données de santé."


def statement(proposal, text, direction="agree"):
    return {"proposal": proposal, "text": text, "direction": direction}


def test_copies_pointing_the_same_way_are_claimed_once_by_the_best_ranked():
    ranked = [
        statement(1, CAMPAIGN),
        statement(2, "Autre chose."),
        statement(3, "  nous refusons le DON par défaut de nos données de santé. "),
    ]
    assert [s["proposal"] for s in one_claim_per_text(ranked)] == [1, 2]


def test_copies_pointing_different_ways_are_not_claimed():
    """A group that "agrees" with one copy and "disagrees" with another says nothing about the text."""
    ranked = [
        statement(1, CAMPAIGN),
        statement(2, "Autre chose.", "disagree"),
        statement(3, CAMPAIGN, "disagree"),
    ]
    assert [s["proposal"] for s in one_claim_per_text(ranked)] == [2]


def test_statements_without_a_direction_are_only_deduplicated():
    ranked = [{"proposal": 1, "text": CAMPAIGN}, {"proposal": 2, "text": CAMPAIGN}]
    assert [s["proposal"] for s in one_claim_per_text(ranked)] == [1]


def test_near_copies_the_synthesis_grouped_count_as_one_text():
    """A copy signed "un patient" is still the campaign's text when the synthesis grouped it so."""
    ranked = [statement(1, CAMPAIGN + " Signé : un patient."), statement(2, CAMPAIGN, "disagree")]
    assert [s["proposal"] for s in one_claim_per_text(ranked)] == [1, 2]
    assert one_claim_per_text(ranked, {1: ("copies", 7), 2: ("copies", 7)}) == []
