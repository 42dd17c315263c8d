"""Feasibility checks: clear messages naming the strata, and a relaxation that really works."""

import pytest

from deliberation.sortition import (
    Quota,
    SortitionInfeasible,
    SortitionInputError,
    Volunteer,
    check_feasibility,
    find_distribution,
)


def people(spec: dict[tuple[str, str], int], households: bool = False) -> list[Volunteer]:
    """spec: (gender, age) -> how many volunteers with that profile."""
    out = []
    for (gender, age), count in spec.items():
        for _ in range(count):
            i = len(out)
            out.append(
                Volunteer(f"v{i:03d}", {"gender": gender, "age": age}, f"home {i}" if households else None)
            )
    return out


POOL = people({("woman", "young"): 6, ("woman", "old"): 10, ("man", "young"): 2, ("man", "old"): 12})


def quotas(**bounds: tuple[int, int]) -> list[Quota]:
    defaults = {"woman": (0, 10), "man": (0, 10), "young": (0, 10), "old": (0, 10)}
    defaults.update(bounds)
    category = {"woman": "gender", "man": "gender", "young": "age", "old": "age"}
    return [Quota(category[value], value, low, high) for value, (low, high) in defaults.items()]


def test_feasible_quotas_pass():
    check_feasibility(POOL, quotas(woman=(4, 6), man=(4, 6), young=(3, 5)), 10)


def test_pool_smaller_than_panel_is_a_clear_error():
    with pytest.raises(SortitionInfeasible) as caught:
        check_feasibility(POOL[:8], quotas(), 10)
    assert "8 volunteer(s), fewer than the panel size 10" in str(caught.value)
    with pytest.raises(SortitionInfeasible, match="fewer than the panel size"):
        find_distribution(POOL[:8], quotas(), 10)


def test_minimums_above_panel_size_name_the_category():
    with pytest.raises(SortitionInfeasible) as caught:
        check_feasibility(POOL, quotas(woman=(6, 10), man=(6, 10)), 10)
    assert any("Category 'gender': the minimums add up to 12" in m for m in caught.value.messages)


def test_maximums_below_panel_size_name_the_category_and_relaxation_raises_them():
    with pytest.raises(SortitionInfeasible) as caught:
        check_feasibility(POOL, quotas(young=(0, 3), old=(0, 4)), 10)
    error = caught.value
    assert any("Category 'age': the maximums add up to 7" in m for m in error.messages)
    relaxed = {(q.category, q.value): q for q in error.relaxed_quotas}
    assert relaxed[("age", "young")].max + relaxed[("age", "old")].max >= 10
    check_feasibility(POOL, list(error.relaxed_quotas), 10)  # the suggestion really is feasible


def test_minimum_above_available_volunteers_names_the_stratum_and_a_fix():
    # Only 8 young volunteers in the pool, but at least 9 wanted.
    with pytest.raises(SortitionInfeasible) as caught:
        check_feasibility(POOL, quotas(young=(9, 10)), 10)
    error = caught.value
    text = str(error)
    assert "age=young: at least 9 needed but only 8 volunteer(s)" in text
    assert "age=young: lower the minimum from 9 to 8" in text
    check_feasibility(POOL, list(error.relaxed_quotas), 10)


def test_interacting_quotas_found_by_the_solver_name_the_strata():
    # Each quota is reachable alone, but young people are mostly women: 5 young with at most 2 women
    # needs 3 young men and there are only 2.
    tight = quotas(young=(5, 10), woman=(0, 2), man=(8, 10))
    with pytest.raises(SortitionInfeasible) as caught:
        check_feasibility(POOL, tight, 10)
    error = caught.value
    assert "Strata that cannot be met" in error.messages[0]
    changed = {
        (q.category, q.value)
        for q, r in zip(tight, error.relaxed_quotas, strict=True)
        if (q.min, q.max) != (r.min, r.max)
    }
    assert changed  # something must move, and every moved stratum is named in the message
    for category, value in changed:
        assert f"{category}={value}" in error.messages[0]
    check_feasibility(POOL, list(error.relaxed_quotas), 10)
    with pytest.raises(SortitionInfeasible, match="Strata that cannot be met"):
        find_distribution(POOL, tight, 10)


def test_household_rule_limits_a_stratum():
    # The six young women live in two homes: with one seat per home, at most 2 of them + 2 young men.
    pool = [
        Volunteer(v.id, v.strata, "shared A" if i < 3 else "shared B" if i < 6 else f"home {i}")
        for i, v in enumerate(POOL)
    ]
    wanted = quotas(young=(5, 10))
    with pytest.raises(SortitionInfeasible) as caught:
        check_feasibility(pool, wanted, 10)
    assert "age=young: at least 5 needed but the 8 volunteers with this value live in only 4" in str(
        caught.value
    )
    relaxed = {(q.category, q.value): q for q in caught.value.relaxed_quotas}
    assert relaxed[("age", "young")].min == 4
    check_feasibility(pool, wanted, 10, household_rule=False)  # fine without the rule


def test_malformed_input_is_refused_with_a_message():
    with pytest.raises(SortitionInputError, match="appears twice"):
        check_feasibility([*POOL, POOL[0]], quotas(), 10)
    stranger = Volunteer("x1", {"gender": "woman", "age": "ancient"})
    with pytest.raises(SortitionInputError, match="age=ancient, which has no quota"):
        check_feasibility([*POOL, stranger], quotas(), 10)
    with pytest.raises(ValueError, match="0 <= min <= max"):
        check_feasibility(POOL, quotas(woman=(5, 3)), 10)
