"""Maximin really maximises the smallest chance: checked against brute force on a small pool."""

import itertools
import math
from collections import Counter

import numpy as np
from scipy.optimize import linprog

from deliberation.sortition import Quota, Volunteer, find_distribution

PROFILES = [
    ("woman", "young", "higher"),
    ("woman", "old", "higher"),
    ("woman", "old", "none"),
    ("man", "young", "higher"),
    ("man", "old", "higher"),
    ("man", "old", "higher"),
    ("man", "old", "none"),
    ("woman", "old", "higher"),
    ("man", "young", "none"),
    ("woman", "old", "higher"),
    ("man", "old", "higher"),
]
POOL = [
    Volunteer(f"v{i:02d}", {"gender": g, "age": a, "education": e}) for i, (g, a, e) in enumerate(PROFILES)
]
QUOTAS = [
    Quota("gender", "woman", 2, 2),
    Quota("gender", "man", 2, 2),
    Quota("age", "young", 2, 3),
    Quota("age", "old", 1, 2),
    Quota("education", "none", 1, 2),
    Quota("education", "higher", 2, 3),
]


def valid_panels(size):
    for panel in itertools.combinations(POOL, size):
        counts = Counter((c, v.strata[c]) for v in panel for c in v.strata)
        if all(q.min <= counts[(q.category, q.value)] <= q.max for q in QUOTAS):
            yield tuple(v.id for v in panel)


def brute_force_maximin(panels):
    """max t s.t. sum_p x_p = 1, for every volunteer sum_{p contains i} x_p >= t, x >= 0."""
    ids = [v.id for v in POOL]
    n = len(panels)
    objective = np.zeros(n + 1)
    objective[-1] = -1.0  # maximise t
    a_ub = np.zeros((len(ids), n + 1))
    for row, vid in enumerate(ids):
        for col, panel in enumerate(panels):
            if vid in panel:
                a_ub[row, col] = -1.0
        a_ub[row, -1] = 1.0
    a_eq = np.zeros((1, n + 1))
    a_eq[0, :n] = 1.0
    solution = linprog(objective, A_ub=a_ub, b_ub=np.zeros(len(ids)), A_eq=a_eq, b_eq=[1.0], bounds=(0, None))
    assert solution.success
    return -solution.fun


def test_minimum_probability_matches_the_brute_force_optimum():
    panels = list(valid_panels(4))
    assert len(panels) > 5  # a real choice between panels
    optimum = brute_force_maximin(panels)
    assert optimum > 0
    distribution = find_distribution(POOL, QUOTAS, 4, algorithm="maximin")
    assert math.isclose(distribution.min_probability, optimum, abs_tol=1e-3)
    lottery = distribution.lottery  # the library's panels: a lottery of one-person groups
    drawn = {tuple(sorted(lottery.groups[g][0] for g, _c in seats)) for seats, _p in lottery.compositions}
    assert drawn <= set(panels)
    # A naive lottery (uniform over valid panels) does worse for someone.
    uniform = Counter(vid for panel in panels for vid in panel)
    assert min(uniform[v.id] for v in POOL) / len(panels) < optimum - 1e-3


def test_volunteer_in_a_closed_stratum_gets_zero_and_the_rest_positive():
    pool = [*POOL, Volunteer("late", {"gender": "other", "age": "old", "education": "none"})]
    quotas = [*QUOTAS, Quota("gender", "other", 0, 0)]
    distribution = find_distribution(pool, quotas, 4, algorithm="maximin")
    assert distribution.probabilities["late"] == 0
    assert distribution.min_probability == 0
    assert min(p for vid, p in distribution.probabilities.items() if vid != "late") > 0
