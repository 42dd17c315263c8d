"""A full selection on a generated, skewed pool with census quotas: the panel, the lottery, the draw."""

import json
import math
from collections import Counter

import pytest

from deliberation.sortition import (
    Lottery,
    SortitionInputError,
    as_dict,
    draw,
    draw_lottery,
    panel_composition,
)

from .conftest import PANEL_SIZE, SEED


def by_id(pool):
    return {v.id: v for v in pool}


def meets_quotas(panel, pool, quotas):
    people = by_id(pool)
    counts = Counter((c, people[vid].strata[c]) for vid in panel for c in people[vid].strata)
    return all(q.min <= counts[(q.category, q.value)] <= q.max for q in quotas)


def test_drawn_panel_has_the_right_size_and_meets_every_quota(selection, pool, census_quotas):
    result, _ = selection
    assert len(result.panel) == len(set(result.panel)) == PANEL_SIZE
    assert set(result.panel) <= {v.id for v in pool}
    assert meets_quotas(result.panel, pool, census_quotas)
    assert all(outcome.met for outcome in result.composition)
    assert result.composition == panel_composition(pool, census_quotas, result.panel)


def test_the_pool_is_skewed_so_quotas_actually_bind(selection, pool, census_quotas):
    # Without binding quotas the test below would be trivial: check the pool is far from the quotas.
    result, _ = selection
    higher = next(o for o in result.composition if (o.category, o.value) == ("education", "higher"))
    assert higher.in_pool / len(pool) > higher.max / PANEL_SIZE


def test_every_volunteer_has_a_probability_and_they_add_up_to_the_panel_size(selection, pool):
    result, _ = selection
    assert set(result.probabilities) == {v.id for v in pool}
    assert math.isclose(sum(result.probabilities.values()), PANEL_SIZE, abs_tol=1e-6)
    assert all(0 <= p <= 1 + 1e-9 for p in result.probabilities.values())
    assert result.min_probability == min(result.probabilities.values())
    assert result.min_probability > 0  # quotas are feasible for everyone: nobody is left out
    assert result.min_probability <= PANEL_SIZE / len(pool) <= max(result.probabilities.values())
    assert result.min_probability <= result.median_probability


def panels_of(lottery, seats):
    """Every panel a composition can give is one pick per group; check its bounds through two extremes."""
    first = [m for g, c in seats for m in lottery.groups[g][:c]]
    last = [m for g, c in seats for m in lottery.groups[g][-c:]]
    return first, last


def test_lottery_is_over_valid_panels(selection, pool, census_quotas):
    result, _ = selection
    lottery = result.lottery
    assert math.isclose(sum(p for _, p in lottery.compositions), 1.0, abs_tol=1e-9)
    homes = {v.id: v.household for v in pool}
    people = by_id(pool)
    for seats, probability in lottery.compositions:
        assert probability > 0 and sum(c for _, c in seats) == PANEL_SIZE
        for panel in panels_of(lottery, seats):
            assert meets_quotas(panel, pool, census_quotas)
            assert len({homes[vid] for vid in panel}) == PANEL_SIZE  # one person per household
    # Members of one group are interchangeable: same profile, and no housemate in the pool.
    for group in lottery.groups:
        assert len({tuple(sorted(people[m].strata.items())) for m in group}) == 1
    assert sorted(m for g in lottery.groups for m in g) == sorted(people)
    assert lottery.probabilities() == result.probabilities


def test_household_rule_pool_really_has_housemates(pool):
    homes = Counter(v.household for v in pool)
    assert sum(1 for count in homes.values() if count > 1) >= 20


def test_progress_callback_reports_the_solver_phases(selection):
    _, events = selection
    phases = [e.phase for e in events]
    assert phases[0] == "feasibility"
    assert phases[-1] == "draw"
    assert all(e.message for e in events)


def test_draw_is_reproducible_from_the_stored_lottery_and_seed(selection):
    result, _ = selection
    stored = json.loads(json.dumps(as_dict(result)))  # what the database keeps and publishes
    lottery = Lottery(
        stored["panel_size"],
        tuple(tuple(g) for g in stored["groups"]),
        tuple((tuple(tuple(gc) for gc in seats), p) for seats, p in stored["compositions"]),
    )
    assert draw_lottery(lottery, stored["seed"]) == result.panel
    assert draw_lottery(result.lottery, SEED) == result.panel


def test_other_seeds_draw_other_panels(selection, pool, census_quotas):
    result, _ = selection
    panels = {draw_lottery(result.lottery, f"other-seed-{i}") for i in range(30)}
    assert len(panels) > 1
    assert all(meets_quotas(panel, pool, census_quotas) for panel in panels)


def test_draw_follows_the_panel_probabilities():
    portfolio = ((("a", "b"), 0.25), (("a", "c"), 0.75))
    draws = Counter(draw(portfolio, seed) for seed in range(4000))
    assert abs(draws[("a", "b")] / 4000 - 0.25) < 0.03
    assert abs(draws[("a", "c")] / 4000 - 0.75) < 0.03


def test_draw_refuses_a_broken_portfolio():
    with pytest.raises(SortitionInputError, match="add up to"):
        draw(((("a",), 0.5), (("b",), 0.2)), "s")
    with pytest.raises(SortitionInputError, match="empty"):
        draw((), "s")
    with pytest.raises(SortitionInputError, match="seed"):
        draw(((("a",), 1.0),), "  ")
