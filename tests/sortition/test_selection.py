"""A full selection on a generated, skewed pool with census quotas: the panel, the lottery, the draw."""

import json
import math
import random
from collections import Counter

import pytest

from deliberation.sortition import (
    SortitionInputError,
    as_dict,
    draw,
    marginal_probabilities,
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


def test_portfolio_is_a_lottery_over_valid_panels(selection, pool, census_quotas):
    result, _ = selection
    assert math.isclose(sum(p for _, p in result.portfolio), 1.0, abs_tol=1e-6)
    homes = {v.id: v.household for v in pool}
    for panel, probability in result.portfolio:
        assert probability > 0 and len(panel) == PANEL_SIZE
        assert meets_quotas(panel, pool, census_quotas)
        assert len({homes[vid] for vid in panel}) == PANEL_SIZE  # one person per household
    assert result.panel in {panel for panel, _ in result.portfolio}
    assert marginal_probabilities(result.portfolio, result.probabilities) == result.probabilities


def test_household_rule_pool_really_has_housemates(pool):
    homes = Counter(v.household for v in pool)
    assert sum(1 for count in homes.values() if count > 1) >= 20


def test_progress_callback_reports_the_solver_phases(selection):
    _, events = selection
    phases = [e.phase for e in events]
    assert phases[0] == "feasibility"
    assert "multiplicative_weights" in phases and "maximin_optimization" in phases
    assert phases[-1] == "draw"
    assert all(e.message for e in events)


def test_draw_is_reproducible_from_the_stored_portfolio_and_seed(selection):
    result, _ = selection
    stored = json.loads(json.dumps(as_dict(result)))  # what the database keeps and publishes
    shuffled = [(tuple(reversed(panel)), p) for panel, p in stored["portfolio"]]
    random.Random(3).shuffle(shuffled)
    assert draw(shuffled, stored["seed"]) == result.panel
    assert draw(result.portfolio, SEED) == result.panel


def test_other_seeds_draw_other_panels(selection):
    result, _ = selection
    panels = {draw(result.portfolio, f"other-seed-{i}") for i in range(30)}
    assert len(panels) > 1
    assert panels <= {panel for panel, _ in result.portfolio}


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
