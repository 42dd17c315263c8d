"""Fair stratified selection (sortition) of a citizen panel: the pure core, no Django import.

The `deliberation` Celery task loads volunteers and quotas, calls `select` (or the steps below) and
saves the `SelectionResult`. The steps, each usable alone:

1. `check_feasibility`: clear English messages when the quotas cannot be met, naming the strata and
   the smallest relaxation that would make a panel possible (`SortitionInfeasible`).
2. `find_distribution`: leximin on the open solver HiGHS, over profile types (`deliberation.leximin`):
   the lottery over valid panels that maximises the smallest selection probability, then the second
   smallest, and so on. Volunteers with the same profile and no housemate in the pool are interchangeable,
   so the lottery is over *compositions* (seats per group of such volunteers), published as a
   `deliberation.lottery.Lottery`. `algorithm="maximin"` runs sortition-algorithms' maximin instead
   (much slower on large pools; its panels become a lottery of one-person groups).
3. `draw_lottery`: one public, reproducible draw of a panel from the published lottery and the revealed
   seed (with a public value named beforehand, if any). `draw` keeps the procedure of draws recorded
   before lotteries had groups (an explicit portfolio of panels).
4. `reserve_list` / `replace_dropout`: a seeded, ranked reserve list and quota-preserving replacement.

Why a portfolio and not a greedy draw: the legacy greedy algorithm gives some volunteers (those in
over-represented strata) a far smaller chance than others; maximin makes the worst-off chance as large
as the quotas allow (Flanigan et al., Nature 2021), and publishing the portfolio plus the seed lets
anyone re-run the draw.
"""

from __future__ import annotations

import csv
import hashlib
import math
import secrets
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sortition_algorithms import InfeasibleQuotasCantRelaxError, InfeasibleQuotasError, SelectionError
from sortition_algorithms.committee_generation import (
    find_any_committee,
    find_distribution_maximin,
    standardize_distribution,
)
from sortition_algorithms.features import FeatureCollection, FeatureValueMinMax, set_default_max_flex
from sortition_algorithms.people import People

from .. import leximin
from ..lottery import Lottery, LotteryError, commitment
from ..lottery import draw as draw_lottery
from ..lottery import from_portfolio as lottery_from_portfolio

__all__ = ["Lottery", "LotteryError", "commitment", "draw_lottery", "lottery_from_portfolio"]

REFERENCE_SHARES_FR = Path(__file__).resolve().parent.parent / "data" / "reference_shares_fr.csv"

# Column under which the household key is handed to sortition-algorithms; a name no stratum will use.
_HOUSEHOLD_COLUMN = "_pacte_household"
# Probabilities in a recorded portfolio must add up to 1 within this tolerance.
_PORTFOLIO_TOLERANCE = 1e-6

ALGORITHMS = ("leximin", "maximin")
# Seconds after which leximin stops raising the better-off probabilities (the smallest is optimal by
# then); the lottery found so far is valid. Large, skewed pools with hundreds of profiles need it.
LEXIMIN_REFINE_SECONDS = 60.0


def default_algorithm() -> str:
    """Leximin (fairest for the worst-off, then the second worst-off, etc.), on the open solver HiGHS."""
    return "leximin"


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------


class SortitionError(ValueError):
    """Base class: every failure of this module carries a human-readable English message."""


class SortitionInputError(SortitionError):
    """The volunteers, quotas or parameters are malformed (duplicate id, missing stratum, min > max...)."""


class SortitionInfeasible(SortitionError):
    """No panel can satisfy the quotas. `messages` explain why; `relaxed_quotas` is a suggested fix."""

    def __init__(self, messages: Sequence[str], relaxed_quotas: tuple[Quota, ...] | None = None) -> None:
        self.messages = tuple(messages)
        self.relaxed_quotas = relaxed_quotas
        super().__init__("\n".join(self.messages))


class NoValidReplacement(SortitionError):
    """No reserve can take a withdrawn member's seat without breaking a quota."""


# --------------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Volunteer:
    """One person in the pool. `strata` maps category -> value (e.g. {"gender": "woman"}).

    `household` is any key identifying the dwelling (normalised address, household id); volunteers
    sharing it are never on the panel together when the household rule is on.
    """

    id: str
    strata: Mapping[str, str]
    household: str | None = None


@dataclass(frozen=True)
class Quota:
    """At least `min` and at most `max` panel members have `value` in `category`."""

    category: str
    value: str
    min: int
    max: int


@dataclass(frozen=True)
class QuotaOutcome:
    """A quota next to what a panel achieved and how many volunteers in the pool had the value."""

    category: str
    value: str
    min: int
    max: int
    achieved: int
    in_pool: int

    @property
    def met(self) -> bool:
        return self.min <= self.achieved <= self.max


# A portfolio is the lottery: (panel as sorted tuple of ids, probability), sorted by panel.
Portfolio = tuple[tuple[tuple[str, ...], float], ...]


@dataclass(frozen=True)
class Distribution:
    """What `find_distribution` found: the lottery and each volunteer's chance."""

    algorithm: str
    panel_size: int
    lottery: Lottery
    probabilities: Mapping[str, float]  # volunteer id -> selection probability, every volunteer
    min_probability: float
    median_probability: float
    solver: Mapping[str, Any] | None = None  # figures of the run (stages, LP rounds, groups), for benchmarks


@dataclass(frozen=True)
class SelectionResult:
    """Everything a selection run records, so it can be published and re-checked."""

    algorithm: str
    panel_size: int
    seed: str
    probabilities: Mapping[str, float]
    lottery: Lottery
    panel: tuple[str, ...]
    reserves: tuple[str, ...]
    composition: tuple[QuotaOutcome, ...]
    min_probability: float
    median_probability: float


@dataclass(frozen=True)
class Replacement:
    """Outcome of `replace_dropout`: who steps in, the new panel, and the reserves still waiting."""

    replacement_id: str
    panel: tuple[str, ...]
    reserves: tuple[str, ...]


@dataclass(frozen=True)
class ProgressEvent:
    """Sent to the progress callback; `total` is None for loops that run until convergence.

    The solver phases send one event per round (thousands for a large pool): a callback that writes
    somewhere costly (Celery state, database) should throttle itself.

    `library` is True for the events of sortition-algorithms itself (its phase names and messages, English
    only); False for this module's own phases ("feasibility", "draw"), which a caller can word itself.
    """

    phase: str
    current: int
    total: int | None
    message: str
    library: bool = False


ProgressCallback = Callable[[ProgressEvent], None]


class _CallbackReporter:
    """Adapts a plain callback to sortition-algorithms' ProgressReporter protocol."""

    def __init__(self, callback: ProgressCallback) -> None:
        self._callback = callback
        self._phase = ""
        self._total: int | None = None

    def start_phase(self, name: str, total: int | None = None, *, message: str | None = None) -> None:
        self._phase, self._total = name, total
        self._callback(ProgressEvent(name, 0, total, message or name, library=True))

    def update(self, current: int, *, message: str | None = None) -> None:
        self._callback(ProgressEvent(self._phase, current, self._total, message or self._phase, library=True))

    def end_phase(self) -> None:
        self._phase, self._total = "", None


def _notify(progress: ProgressCallback | None, phase: str, message: str) -> None:
    if progress is not None:
        progress(ProgressEvent(phase, 0, None, message))


# --------------------------------------------------------------------------------------------------
# Reference shares and quota proposal
# --------------------------------------------------------------------------------------------------


def load_reference_shares(path: Path = REFERENCE_SHARES_FR) -> dict[str, dict[str, float]]:
    """Read `category,value,share` rows; each category's shares must sum to 1."""
    shares: dict[str, dict[str, float]] = defaultdict(dict)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            shares[row["category"]][row["value"]] = float(row["share"])
    for category, values in shares.items():
        total = math.fsum(values.values())
        if abs(total - 1.0) > 1e-9:
            raise SortitionInputError(f"Reference shares for '{category}' sum to {total:.4f}, not 1.")
    return dict(shares)


def propose_quotas(
    reference_shares: Mapping[str, Mapping[str, float]], panel_size: int, tolerance: float = 0.1
) -> list[Quota]:
    """Quotas bracketing each stratum's fair number of seats, share x panel size.

    min = floor(target x (1 - tolerance)), max = ceil(target x (1 + tolerance)), clipped to [0, panel
    size]. Because every min is at most floor(target) and every max at least ceil(target), the mins of a
    category never add up above the panel size nor the maxes below it. The organiser edits the result.
    """
    if panel_size < 1:
        raise SortitionInputError(f"The panel size must be at least 1 (got {panel_size}).")
    if not 0 <= tolerance < 1:
        raise SortitionInputError(f"The tolerance must be in [0, 1) (got {tolerance}).")
    quotas = []
    for category, values in reference_shares.items():
        for value, share in values.items():
            if share < 0:
                raise SortitionInputError(f"Negative reference share for {category}={value}.")
            # Rounded so that e.g. 0.15 x 20 (= 3.0000000000000004 in floating point) gives ceil 3.
            target = round(share * panel_size, 9)
            low = math.floor(round(target * (1 - tolerance), 9))
            high = math.ceil(round(target * (1 + tolerance), 9))
            quotas.append(Quota(category, value, max(0, low), min(panel_size, high)))
    return quotas


# --------------------------------------------------------------------------------------------------
# Input validation and translation to sortition-algorithms
# --------------------------------------------------------------------------------------------------


def _household_key(volunteer: Volunteer) -> str:
    """Normalised household: case/space-insensitive; a volunteer without one is their own household."""
    if volunteer.household is None or not volunteer.household.strip():
        return f"\x00{volunteer.id}"  # cannot collide with a real address
    return " ".join(volunteer.household.casefold().split())


def _quotas_by_category(quotas: Sequence[Quota]) -> dict[str, list[Quota]]:
    by_category: dict[str, list[Quota]] = defaultdict(list)
    for quota in quotas:
        by_category[quota.category].append(quota)
    return dict(by_category)


def _validate(volunteers: Sequence[Volunteer], quotas: Sequence[Quota], panel_size: int) -> None:
    if panel_size < 1:
        raise SortitionInputError(f"The panel size must be at least 1 (got {panel_size}).")
    problems: list[str] = []
    seen_quotas: set[tuple[str, str]] = set()
    for quota in quotas:
        key = (quota.category, quota.value.casefold())
        # sortition-algorithms compares values case-insensitively, so "Woman" and "woman" would merge.
        if key in seen_quotas:
            problems.append(f"Quota {quota.category}={quota.value} is given twice.")
        seen_quotas.add(key)
        if quota.category == _HOUSEHOLD_COLUMN:
            problems.append(f"'{_HOUSEHOLD_COLUMN}' is reserved and cannot be a category.")
        if quota.min < 0 or quota.max < quota.min:
            problems.append(
                f"Quota {quota.category}={quota.value}: min {quota.min} and max {quota.max} "
                "must satisfy 0 <= min <= max."
            )
    allowed = {category: {q.value for q in qs} for category, qs in _quotas_by_category(quotas).items()}
    seen_ids: set[str] = set()
    for volunteer in volunteers:
        if not volunteer.id:
            problems.append("A volunteer has an empty id.")
        if volunteer.id in seen_ids:
            problems.append(f"Volunteer id {volunteer.id} appears twice.")
        seen_ids.add(volunteer.id)
        for category, values in allowed.items():
            value = volunteer.strata.get(category)
            if value is None:
                problems.append(f"Volunteer {volunteer.id} has no value for category '{category}'.")
            elif value not in values:
                problems.append(
                    f"Volunteer {volunteer.id} has {category}={value}, which has no quota "
                    f"(known values: {', '.join(sorted(values))})."
                )
    if problems:
        shown = problems[:20] + ([f"... and {len(problems) - 20} more."] if len(problems) > 20 else [])
        raise SortitionInputError("\n".join(shown))


def library_inputs(
    volunteers: Sequence[Volunteer], quotas: Sequence[Quota], household_rule: bool = True
) -> tuple[FeatureCollection, People, list[str]]:
    """The same pool and quotas as sortition-algorithms objects: (features, people, address columns).

    Public so that other routines of the library (the benchmark runs its legacy algorithm) see exactly
    the data `find_distribution` sees.
    """
    features: FeatureCollection = {}
    for quota in quotas:
        features.setdefault(quota.category, {})[quota.value] = FeatureValueMinMax(
            min=quota.min, max=quota.max
        )
    # The relaxation search may not raise a max above max_flex; the library's default is "unbounded".
    set_default_max_flex(features)
    use_households = household_rule and any(v.household for v in volunteers)
    address_columns = [_HOUSEHOLD_COLUMN] if use_households else []
    people = People(columns_to_keep=address_columns)
    for row, volunteer in enumerate(sorted(volunteers, key=lambda v: v.id), start=1):
        data = {category: volunteer.strata[category] for category in features}
        if use_households:
            data[_HOUSEHOLD_COLUMN] = _household_key(volunteer)
        people.add(volunteer.id, data, features, row)
    return features, people, address_columns


# --------------------------------------------------------------------------------------------------
# Feasibility
# --------------------------------------------------------------------------------------------------


def _quick_problems(
    volunteers: Sequence[Volunteer], quotas: Sequence[Quota], panel_size: int, household_rule: bool
) -> list[str]:
    """Arithmetic reasons the quotas cannot be met, found without a solver."""
    problems = []
    for category, category_quotas in _quotas_by_category(quotas).items():
        total_min = sum(q.min for q in category_quotas)
        total_max = sum(q.max for q in category_quotas)
        if total_min > panel_size:
            problems.append(
                f"Category '{category}': the minimums add up to {total_min}, more than the panel size "
                f"{panel_size}."
            )
        if total_max < panel_size:
            problems.append(
                f"Category '{category}': the maximums add up to {total_max}, less than the panel size "
                f"{panel_size}."
            )
    for quota in quotas:
        having = [v for v in volunteers if v.strata[quota.category] == quota.value]
        households = len({_household_key(v) for v in having})
        if len(having) < quota.min:
            problems.append(
                f"Quota {quota.category}={quota.value}: at least {quota.min} needed but only "
                f"{len(having)} volunteer(s) have this value."
            )
        elif household_rule and households < quota.min:
            problems.append(
                f"Quota {quota.category}={quota.value}: at least {quota.min} needed but the "
                f"{len(having)} volunteers with this value live in only {households} household(s), "
                "and at most one person per household can sit."
            )
    return problems


def _pool_too_small(volunteers: Sequence[Volunteer], panel_size: int, household_rule: bool) -> str | None:
    if len(volunteers) < panel_size:
        return (
            f"The pool has {len(volunteers)} volunteer(s), fewer than the panel size {panel_size}: "
            "recruit more volunteers or reduce the panel."
        )
    households = len({_household_key(v) for v in volunteers})
    if household_rule and households < panel_size:
        return (
            f"The {len(volunteers)} volunteers live in only {households} household(s); with at most one "
            f"person per household a panel of {panel_size} is impossible."
        )
    return None


def _relaxation_messages(
    relaxed: FeatureCollection, quotas: Sequence[Quota]
) -> tuple[list[str], tuple[Quota, ...]]:
    """Turn the library's relaxed quotas into messages naming each stratum and its suggested bounds."""
    relaxed_quotas = []
    changes = []
    strata = []
    for quota in quotas:
        bounds = relaxed[quota.category][quota.value]
        relaxed_quotas.append(Quota(quota.category, quota.value, bounds.min, bounds.max))
        if (bounds.min, bounds.max) != (quota.min, quota.max):
            strata.append(f"{quota.category}={quota.value}")
        if bounds.min < quota.min:
            changes.append(
                f"{quota.category}={quota.value}: lower the minimum from {quota.min} to {bounds.min}"
            )
        if bounds.max > quota.max:
            changes.append(
                f"{quota.category}={quota.value}: raise the maximum from {quota.max} to {bounds.max}"
            )
    messages = [
        "No panel can meet every quota at once with these volunteers. "
        f"Strata that cannot be met: {', '.join(strata)}.",
        "Smallest relaxation that makes a panel possible: " + "; ".join(changes) + ".",
    ]
    return messages, tuple(relaxed_quotas)


def _infeasible_from_library(
    error: InfeasibleQuotasError | InfeasibleQuotasCantRelaxError,
    quotas: Sequence[Quota],
    earlier: Sequence[str] = (),
) -> SortitionInfeasible:
    if isinstance(error, InfeasibleQuotasError):
        messages, relaxed = _relaxation_messages(error.features, quotas)
        return SortitionInfeasible([*earlier, *messages], relaxed)
    return SortitionInfeasible(
        [
            *earlier,
            "No panel can meet the quotas, and no relaxation of the quotas alone fixes it "
            "(check the household rule and the pool size).",
        ]
    )


def check_feasibility(
    volunteers: Sequence[Volunteer],
    quotas: Sequence[Quota],
    panel_size: int,
    household_rule: bool = True,
) -> None:
    """Raise `SortitionInfeasible` (messages + suggested relaxed quotas) unless some panel meets the quotas.

    Cheap arithmetic checks come first (pool size, sums of mins and maxes, strata with too few
    volunteers); then one integer program asks whether a valid panel exists, and if not,
    sortition-algorithms' relaxation program finds the smallest change to the quotas that allows one.
    """
    _validate(volunteers, quotas, panel_size)
    too_small = _pool_too_small(volunteers, panel_size, household_rule)
    if too_small:
        raise SortitionInfeasible([too_small])
    problems = _quick_problems(volunteers, quotas, panel_size, household_rule)
    features, people, address_columns = library_inputs(volunteers, quotas, household_rule)
    try:
        find_any_committee(features, people, panel_size, address_columns)
    except (InfeasibleQuotasError, InfeasibleQuotasCantRelaxError) as error:
        raise _infeasible_from_library(error, quotas, problems) from error
    except SelectionError as error:
        raise SortitionInfeasible([*problems, f"The solver could not find a panel: {error}"]) from error
    if problems:  # the solver and the arithmetic disagree only if this module has a bug
        raise SortitionInfeasible(problems)


# --------------------------------------------------------------------------------------------------
# Distribution and draw
# --------------------------------------------------------------------------------------------------


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
        raise SortitionInfeasible([too_small])

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


def _check_seed(seed: str | int) -> str:
    text = str(seed)
    if not text.strip():
        raise SortitionInputError("The seed must not be empty.")
    return text


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


# --------------------------------------------------------------------------------------------------
# Composition, reserves and replacement
# --------------------------------------------------------------------------------------------------


def panel_composition(
    volunteers: Sequence[Volunteer], quotas: Sequence[Quota], panel: Iterable[str]
) -> tuple[QuotaOutcome, ...]:
    """Each quota next to the number of panel members (and pool volunteers) holding the value."""
    members = _panel_members(volunteers, panel)
    achieved = Counter((c, v.strata[c]) for v in members for c in v.strata)
    in_pool = Counter((c, v.strata[c]) for v in volunteers for c in v.strata)
    return tuple(
        QuotaOutcome(
            q.category, q.value, q.min, q.max, achieved[(q.category, q.value)], in_pool[(q.category, q.value)]
        )
        for q in quotas
    )


def _panel_counts(members: Iterable[Volunteer], quotas: Sequence[Quota]) -> Counter[tuple[str, str]]:
    categories = {q.category for q in quotas}
    return Counter((category, m.strata[category]) for m in members for category in categories)


def _panel_members(volunteers: Sequence[Volunteer], panel: Iterable[str]) -> list[Volunteer]:
    by_id = {v.id: v for v in volunteers}
    unknown = sorted(vid for vid in panel if vid not in by_id)
    if unknown:
        raise SortitionInputError(f"Panel members not in the pool: {', '.join(unknown)}.")
    return [by_id[vid] for vid in panel]


def _swap_keeps_quotas(
    counts: Counter[tuple[str, str]],
    leaving: Volunteer,
    joining: Volunteer,
    bounds: Mapping[tuple[str, str], Quota],
) -> bool:
    """Would replacing `leaving` by `joining` keep every quota, given the panel's current counts?"""
    for category in {q.category for q in bounds.values()}:
        out_value, in_value = leaving.strata[category], joining.strata[category]
        if out_value == in_value:
            continue
        if counts[(category, out_value)] - 1 < bounds[(category, out_value)].min:
            return False
        if counts[(category, in_value)] + 1 > bounds[(category, in_value)].max:
            return False
    return True


def reserve_list(
    volunteers: Sequence[Volunteer],
    quotas: Sequence[Quota],
    panel: Sequence[str],
    seed: str | int,
    household_rule: bool = True,
) -> tuple[str, ...]:
    """Volunteers who could take a seat, in a seeded random order (reproducible, order-independent).

    Excluded: panel members, their housemates (household rule), and anyone who could not replace any
    panel member without breaking a quota. Each volunteer's rank key is SHA-256 of the seed and their id,
    so the order does not depend on how the pool was listed.
    """
    text = _check_seed(seed)
    _validate(volunteers, quotas, len(panel))
    members = _panel_members(volunteers, panel)
    seated_households = {_household_key(v) for v in members} if household_rule else set()
    bounds = {(q.category, q.value): q for q in quotas}
    counts = _panel_counts(members, quotas)
    seated = set(panel)
    candidates = [
        v
        for v in volunteers
        if v.id not in seated
        and _household_key(v) not in seated_households
        and any(_swap_keeps_quotas(counts, m, v, bounds) for m in members)
    ]
    return tuple(v.id for v in sorted(candidates, key=lambda v: (_uniform(text, f"reserve/{v.id}"), v.id)))


def replace_dropout(
    panel: Sequence[str],
    dropout_id: str,
    reserves: Sequence[str],
    volunteers: Sequence[Volunteer],
    quotas: Sequence[Quota],
    household_rule: bool = True,
) -> Replacement:
    """The first reserve, in rank order, whose arrival in place of `dropout_id` keeps every quota.

    Skipped reserves keep their rank for later withdrawals; ids no longer in the pool (e.g. erased
    accounts) are passed over. Raises `NoValidReplacement` naming what a newcomer would need when no
    reserve fits.
    """
    if dropout_id not in panel:
        raise SortitionInputError(f"Volunteer {dropout_id} is not on the panel.")
    _validate(volunteers, quotas, len(panel))
    by_id = {v.id: v for v in volunteers}
    leaving = _panel_members(volunteers, [dropout_id])[0]
    staying = _panel_members(volunteers, [vid for vid in panel if vid != dropout_id])
    seated_households = {_household_key(v) for v in staying} if household_rule else set()
    bounds = {(q.category, q.value): q for q in quotas}
    counts = _panel_counts([*staying, leaving], quotas)
    for vid in reserves:
        candidate = by_id.get(vid)
        if candidate is None or vid in panel or _household_key(candidate) in seated_households:
            continue
        if _swap_keeps_quotas(counts, leaving, candidate, bounds):
            new_panel = tuple(sorted(vid if member == dropout_id else member for member in panel))
            return Replacement(vid, new_panel, tuple(r for r in reserves if r != vid))
    after = counts.copy()
    for category in {q.category for q in quotas}:
        after[(category, leaving.strata[category])] -= 1
    needed = sorted(f"{c}={v}" for (c, v), q in bounds.items() if after[(c, v)] < q.min)
    full = sorted(f"{c}={v}" for (c, v), q in bounds.items() if after[(c, v)] >= q.max)
    raise NoValidReplacement(
        f"No reserve can take the seat of {dropout_id} while keeping every quota. A newcomer must have "
        f"{', '.join(needed) or 'any values'} and none of the values already at their maximum "
        f"({', '.join(full) or 'none'}). Relax these quotas or recruit such a volunteer."
    )


# --------------------------------------------------------------------------------------------------
# Whole run
# --------------------------------------------------------------------------------------------------


def select(
    volunteers: Sequence[Volunteer],
    quotas: Sequence[Quota],
    panel_size: int,
    seed: str | int,
    algorithm: str | None = None,
    household_rule: bool = True,
    progress: ProgressCallback | None = None,
    public_value: str = "",
    before_draw: Callable[[Distribution], None] | None = None,
) -> SelectionResult:
    """Check, find the fair lottery, draw the panel from `seed`, rank the reserves: what the task records.

    `before_draw(distribution)` is called once the lottery is found and before the seed is used: the
    task publishes the lottery there (stored, hashed, audited)."""
    text = _check_seed(seed)
    _notify(progress, "feasibility", "Checking that the quotas can be met")
    check_feasibility(volunteers, quotas, panel_size, household_rule)
    distribution = find_distribution(volunteers, quotas, panel_size, algorithm, household_rule, progress)
    if before_draw is not None:
        before_draw(distribution)
    _notify(progress, "draw", "Drawing the panel from the recorded seed")
    return draw_panel(volunteers, quotas, distribution, text, household_rule, public_value)


def draw_panel(
    volunteers: Sequence[Volunteer],
    quotas: Sequence[Quota],
    distribution: Distribution,
    seed: str | int,
    household_rule: bool = True,
    public_value: str = "",
) -> SelectionResult:
    """The draw from a lottery already published: the panel (`draw_lottery`) and the reserves, both from
    the seed (and the public value, if one was named)."""
    text = _check_seed(seed)
    panel = draw_lottery(distribution.lottery, text, public_value)
    key = text if not public_value.strip() else f"{text}|{public_value.strip()}"
    reserves = reserve_list(volunteers, quotas, panel, key, household_rule)
    return SelectionResult(
        algorithm=distribution.algorithm,
        panel_size=distribution.panel_size,
        seed=text,
        probabilities=distribution.probabilities,
        lottery=distribution.lottery,
        panel=panel,
        reserves=reserves,
        composition=panel_composition(volunteers, quotas, panel),
        min_probability=distribution.min_probability,
        median_probability=distribution.median_probability,
    )


def as_dict(result: SelectionResult) -> dict[str, Any]:
    """JSON-ready form of a result for storage and publication."""
    return {
        "algorithm": result.algorithm,
        "panel_size": result.panel_size,
        "seed": result.seed,
        "panel": list(result.panel),
        "reserves": list(result.reserves),
        "groups": [list(group) for group in result.lottery.groups],
        "compositions": [[[list(gc) for gc in seats], p] for seats, p in result.lottery.compositions],
        "probabilities": dict(result.probabilities),
        "composition": [
            {
                "category": o.category,
                "value": o.value,
                "min": o.min,
                "max": o.max,
                "achieved": o.achieved,
                "in_pool": o.in_pool,
            }
            for o in result.composition
        ],
        "min_probability": result.min_probability,
        "median_probability": result.median_probability,
    }
