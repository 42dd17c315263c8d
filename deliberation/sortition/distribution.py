"""The lottery over valid panels (leximin on HiGHS over profile groups, or maximin) and the seeded draw."""

from __future__ import annotations

import hashlib
import math
import secrets
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sortition_algorithms import InfeasibleQuotasCantRelaxError, InfeasibleQuotasError, SelectionError
from sortition_algorithms.committee_generation import find_distribution_maximin, standardize_distribution

from .. import leximin
from ..lottery import Lottery
from ..lottery import from_portfolio as lottery_from_portfolio
from .base import (
    _PORTFOLIO_TOLERANCE,
    ALGORITHMS,
    LEXIMIN_REFINE_SECONDS,
    Distribution,
    Portfolio,
    ProgressCallback,
    ProgressEvent,
    Quota,
    SortitionInfeasible,
    SortitionInputError,
    Volunteer,
    _CallbackReporter,
    _check_seed,
    _household_key,
    _validate,
    default_algorithm,
)
from .feasibility import (
    _infeasible_from_library,
    _pool_too_small,
    _pool_too_small_reason,
    _quick_problems,
    check_feasibility,
    library_inputs,
)


def _canonical_portfolio(committees: Iterable[frozenset[str]], probabilities: Iterable[float]) -> Portfolio:
    # Sorted ids inside a panel and sorted panels: the same lottery always serialises the same way.
    return tuple(
        sorted((tuple(sorted(panel)), float(p)) for panel, p in zip(committees, probabilities, strict=True))
    )


def marginal_probabilities(portfolio: Portfolio, volunteer_ids: Iterable[str]) -> dict[str, float]:
    """Each volunteer's selection probability: the total probability of the panels containing them."""
    sums: dict[str, list[float]] = {vid: [] for vid in sorted(volunteer_ids)}
    for panel, probability in portfolio:
        for vid in panel:
            sums[vid].append(probability)
    return {vid: math.fsum(ps) for vid, ps in sums.items()}


def profile_groups(
    volunteers: Sequence[Volunteer], quotas: Sequence[Quota], household_rule: bool = True
) -> tuple[tuple[tuple[str, ...], ...], leximin.TypeProblem]:
    """The groups of interchangeable volunteers and the integer program of valid compositions over them.

    Two volunteers are interchangeable when they hold the same value in every quota category and neither
    shares a household with anyone else in the pool (under the household rule): a person with a
    housemate is a group alone, and each household of several people is a row "at most one seat". Groups
    are listed by their smallest volunteer id (ids sorted inside), so the same pool always gives the same
    groups in the same order.
    """
    categories = sorted({q.category for q in quotas})
    households: dict[str, list[Volunteer]] = defaultdict(list)
    for volunteer in volunteers:
        households[_household_key(volunteer)].append(volunteer)
    shared = {key for key, people in households.items() if len(people) > 1} if household_rule else set()
    by_profile: dict[tuple[str, ...], list[str]] = defaultdict(list)
    singles: list[tuple[str, ...]] = []
    for volunteer in volunteers:
        if _household_key(volunteer) in shared:
            singles.append((volunteer.id,))
        else:
            by_profile[tuple(volunteer.strata[c] for c in categories)].append(volunteer.id)
    groups = sorted([tuple(sorted(ids)) for ids in by_profile.values()] + singles)
    index_of = {vid: g for g, members in enumerate(groups) for vid in members}
    rows = []
    for quota in quotas:
        having = sorted({index_of[v.id] for v in volunteers if v.strata[quota.category] == quota.value})
        rows.append((tuple(having), quota.min, quota.max))
    for key in sorted(shared):
        rows.append((tuple(sorted(index_of[v.id] for v in households[key])), 0, 1))
    problem = leximin.TypeProblem(tuple(len(g) for g in groups), 0, tuple(rows))
    return tuple(groups), problem


def _leximin_lottery(
    volunteers: Sequence[Volunteer],
    quotas: Sequence[Quota],
    panel_size: int,
    household_rule: bool,
    progress: ProgressCallback | None,
    refine_seconds: float | None,
) -> tuple[Lottery, dict[str, Any]]:
    groups, problem = profile_groups(volunteers, quotas, household_rule)
    problem = leximin.TypeProblem(problem.sizes, panel_size, problem.rows)

    def report(phase: str, current: int, total: int | None, message: str) -> None:
        if progress is not None:
            progress(ProgressEvent(phase, current, total, message, library=True))

    try:
        found = leximin.solve_leximin(problem, progress=report, refine_seconds=refine_seconds)
    except leximin.LeximinError as error:
        # The library's relaxation search names the strata and the smallest change (check_feasibility).
        check_feasibility(volunteers, quotas, panel_size, household_rule)
        raise SortitionInfeasible([f"The solver could not find a panel: {error}"]) from error
    compositions = sorted(
        (tuple((g, c) for g, c in enumerate(counts) if c), weight)
        for counts, weight in zip(found.compositions, found.weights, strict=True)
    )
    lottery = Lottery(panel_size, groups, tuple(compositions))
    figures = {
        "groups": len(groups),
        "stages": found.stages,
        "lp_rounds": found.lp_rounds,
        "solver_seconds": round(found.seconds, 3),
        "maximin_seconds": round(found.maximin_seconds, 3),
        "leximin_complete": found.complete,
    }
    return lottery, figures


def find_distribution(
    volunteers: Sequence[Volunteer],
    quotas: Sequence[Quota],
    panel_size: int,
    algorithm: str | None = None,
    household_rule: bool = True,
    progress: ProgressCallback | None = None,
    refine_seconds: float | None = LEXIMIN_REFINE_SECONDS,
) -> Distribution:
    """The fairest lottery over valid panels (leximin over profile types on HiGHS, or the sortition
    library's maximin) and each volunteer's chance.

    Leximin first makes the smallest probability as large as possible (maximin, always finished), then
    raises the next smallest, and so on; `refine_seconds` bounds that refinement (None: no bound), after
    which the lottery found so far is kept (`solver["leximin_complete"]` says whether it finished).

    `algorithm=None` picks `default_algorithm()`. Raises `SortitionInfeasible` if no panel meets the
    quotas, with the same messages as `check_feasibility`.
    """
    algorithm = algorithm or default_algorithm()
    if algorithm not in ALGORITHMS:
        raise SortitionInputError(f"Unknown algorithm '{algorithm}'; choose one of {', '.join(ALGORITHMS)}.")
    _validate(volunteers, quotas, panel_size)
    too_small = _pool_too_small(volunteers, panel_size, household_rule)
    if too_small:
        raise SortitionInfeasible(
            [too_small], reasons=[_pool_too_small_reason(volunteers, panel_size, household_rule)]
        )

    if algorithm == "leximin":
        lottery, figures = _leximin_lottery(
            volunteers, quotas, panel_size, household_rule, progress, refine_seconds
        )
    else:
        features, people, address_columns = library_inputs(volunteers, quotas, household_rule)
        reporter = _CallbackReporter(progress) if progress is not None else None
        try:
            committees, probabilities, _report = find_distribution_maximin(
                features, people, panel_size, address_columns, progress_reporter=reporter
            )
        except (InfeasibleQuotasError, InfeasibleQuotasCantRelaxError) as error:
            problems = _quick_problems(volunteers, quotas, panel_size, household_rule)
            raise _infeasible_from_library(error, quotas, problems) from error
        except SelectionError as error:
            raise SortitionInfeasible([f"The solver could not find a panel: {error}"]) from error
        committees, probabilities = standardize_distribution(committees, probabilities)
        portfolio = _canonical_portfolio(committees, probabilities)
        lottery = lottery_from_portfolio(panel_size, portfolio, [v.id for v in volunteers])
        figures = {"groups": len(volunteers)}
    marginals = lottery.probabilities()
    values = list(marginals.values())
    return Distribution(
        algorithm=algorithm,
        panel_size=panel_size,
        lottery=lottery,
        probabilities=marginals,
        min_probability=min(values),
        median_probability=statistics.median(values),
        solver=figures,
    )


def new_seed() -> str:
    """A fresh unpredictable seed, to record (and publish) before the draw."""
    return secrets.token_hex(16)


def _uniform(seed: str | int, purpose: str) -> float:
    """A number in [0, 1) fixed by the seed: SHA-256 is the same on every machine and Python version."""
    digest = hashlib.sha256(f"pacte-sortition/{purpose}/{seed}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def draw(portfolio: Portfolio | Sequence[tuple[Sequence[str], float]], seed: str | int) -> tuple[str, ...]:
    """Pick one panel of the portfolio with its probability, reproducibly from `seed`.

    Procedure (anyone can redo it): sort each panel's ids and the panels; u = first 8 bytes of
    SHA-256("pacte-sortition/draw/<seed>") as a big-endian integer / 2**64; walk the panels adding up
    their probabilities and return the first whose running total exceeds u x (sum of probabilities).
    """
    text = _check_seed(seed)
    entries = sorted((tuple(sorted(panel)), float(p)) for panel, p in portfolio)
    if not entries:
        raise SortitionInputError("The portfolio is empty: there is no panel to draw.")
    if any(p < 0 or math.isnan(p) for _, p in entries):
        raise SortitionInputError("A panel in the portfolio has a negative or undefined probability.")
    total = math.fsum(p for _, p in entries)
    if abs(total - 1.0) > _PORTFOLIO_TOLERANCE:
        raise SortitionInputError(f"The portfolio's probabilities add up to {total}, not 1.")
    threshold = _uniform(text, "draw") * total
    running = 0.0
    for panel, probability in entries:
        running += probability
        if running > threshold:
            return panel
    return entries[-1][0]  # only reachable through rounding in the last ulp
