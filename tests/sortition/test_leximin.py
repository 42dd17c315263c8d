"""Leximin over profile groups: optimal on instances small enough to enumerate every panel, quotas met by
every panel the lottery can give, equal chances inside a group, households kept apart."""

import itertools
import math
from collections import Counter

import numpy as np
from scipy.optimize import linprog

from deliberation.sortition import Quota, Volunteer, find_distribution, profile_groups


def meets(panel, people, quotas):
    categories = {q.category for q in quotas}
    counts = Counter((c, people[v].strata[c]) for v in panel for c in categories)
    return all(q.min <= counts[(q.category, q.value)] <= q.max for q in quotas)


def valid_panels(pool, quotas, size, household_rule=True):
    people = {v.id: v for v in pool}
    for panel in itertools.combinations(sorted(people), size):
        homes = [people[v].household or v for v in panel]
        if household_rule and len(set(homes)) < size:
            continue
        if meets(panel, people, quotas):
            yield panel


def brute_force_leximin(pool, panels):
    """Leximin by LP over every valid panel, person by person (no grouping): the reference."""
    ids = sorted(v.id for v in pool)
    n, m = len(ids), len(panels)
    member = np.array([[1.0 if i in p else 0.0 for p in panels] for i in ids])
    fixed: dict[int, float] = {}
    while len(fixed) < n:
        # maximise z: member @ q >= z (free people), >= fixed value (fixed people), sum q = 1
        objective = np.zeros(m + 1)
        objective[-1] = -1.0
        a_ub, b_ub = [], []
        for i in range(n):
            row = np.append(-member[i], 0.0 if i in fixed else 1.0)
            a_ub.append(row)
            b_ub.append(-fixed[i] + 1e-9 if i in fixed else 0.0)
        a_eq = [np.append(np.ones(m), 0.0)]
        result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=(0, None))
        z = -result.fun
        # Who cannot go above z: test each free person alone.
        for i in [i for i in range(n) if i not in fixed]:
            probe = np.zeros(m + 1)
            probe[:m] = -member[i]
            a_ub_i, b_ub_i = [], []
            for j in range(n):
                if j == i:
                    continue
                bound = fixed.get(j, z)
                a_ub_i.append(np.append(-member[j], 0.0))
                b_ub_i.append(-bound + 1e-9)
            test = linprog(probe, A_ub=a_ub_i, b_ub=b_ub_i, A_eq=a_eq, b_eq=[1.0], bounds=(0, None))
            if -test.fun <= z + 1e-7:
                fixed[i] = z
    return sorted(fixed.values())


POOL = [
    Volunteer("a", {"gender": "woman", "age": "young"}),
    Volunteer("b", {"gender": "woman", "age": "young"}),
    Volunteer("c", {"gender": "woman", "age": "young"}),
    Volunteer("d", {"gender": "woman", "age": "old"}),
    Volunteer("e", {"gender": "man", "age": "young"}),
    Volunteer("f", {"gender": "man", "age": "old"}),
    Volunteer("g", {"gender": "man", "age": "old"}),
    Volunteer("h", {"gender": "man", "age": "old"}, household="1 rue A"),
    Volunteer("i", {"gender": "man", "age": "old"}, household="1 rue A"),
    Volunteer("j", {"gender": "woman", "age": "old"}),
]
QUOTAS = [
    Quota("gender", "woman", 2, 2),
    Quota("gender", "man", 2, 2),
    Quota("age", "young", 1, 3),
    Quota("age", "old", 1, 3),
]


def test_every_probability_matches_the_leximin_optimum_found_panel_by_panel():
    panels = list(valid_panels(POOL, QUOTAS, 4))
    assert len(panels) > 20  # a real choice between panels
    reference = brute_force_leximin(POOL, panels)
    distribution = find_distribution(POOL, QUOTAS, 4)
    assert distribution.algorithm == "leximin"
    ours = sorted(distribution.probabilities.values())
    assert all(math.isclose(a, b, abs_tol=1e-5) for a, b in zip(ours, reference, strict=True))
    assert math.isclose(distribution.min_probability, reference[0], abs_tol=1e-6)


def test_leximin_is_at_least_as_fair_as_maximin_for_the_worst_off():
    leximin = find_distribution(POOL, QUOTAS, 4)
    maximin = find_distribution(POOL, QUOTAS, 4, algorithm="maximin")
    assert leximin.min_probability >= maximin.min_probability - 1e-4


def test_people_of_one_group_have_equal_chances_and_housemates_are_apart():
    distribution = find_distribution(POOL, QUOTAS, 4)
    groups = distribution.lottery.groups
    assert ("a", "b", "c") in groups  # interchangeable: same profile, no housemate
    assert ("h",) in groups and ("i",) in groups  # housemates: each a group alone
    assert ("f", "g") in groups
    for group in groups:
        assert len({distribution.probabilities[m] for m in group}) == 1
    for seats, _p in distribution.lottery.compositions:
        given = dict(seats)
        assert given.get(groups.index(("h",)), 0) + given.get(groups.index(("i",)), 0) <= 1


def test_every_panel_the_lottery_can_give_meets_the_quotas_exactly():
    distribution = find_distribution(POOL, QUOTAS, 4)
    people = {v.id: v for v in POOL}
    lottery = distribution.lottery
    for seats, _p in lottery.compositions:
        choices = [itertools.combinations(lottery.groups[g], c) for g, c in seats]
        for pick in itertools.product(*choices):
            panel = [m for part in pick for m in part]
            assert len(panel) == 4 and meets(panel, people, QUOTAS)


def test_the_published_two_category_instance_gives_everyone_ten_percent():
    # Flanigan et al.'s example (Methods M8) at a tenth of its size: 1 conservative woman, 99 liberal
    # women, 100 conservative men, panel of 20, at least 9 of each gender and leaning.
    pool = [Volunteer("fc", {"gender": "female", "leaning": "conservative"})]
    pool += [Volunteer(f"fl{i}", {"gender": "female", "leaning": "liberal"}) for i in range(99)]
    pool += [Volunteer(f"mc{i}", {"gender": "male", "leaning": "conservative"}) for i in range(100)]
    quotas = [
        Quota(c, v, 9, 20)
        for c, v in [
            ("gender", "female"),
            ("gender", "male"),
            ("leaning", "liberal"),
            ("leaning", "conservative"),
        ]
    ]
    distribution = find_distribution(pool, quotas, 20)
    assert len(distribution.lottery.groups) == 3
    assert all(math.isclose(p, 0.1, abs_tol=1e-9) for p in distribution.probabilities.values())


def test_profile_groups_ignore_households_when_the_rule_is_off():
    groups, _problem = profile_groups(POOL, QUOTAS, household_rule=False)
    assert ("f", "g", "h", "i") in groups
