"""What the steps of the sortition core share: the algorithms, the errors, the data handed in and out,
the progress events, and the checks every step makes on its input (a household key per volunteer, quotas
and pool that fit together, a seed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..lottery import Lottery

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


class SortitionError(ValueError):
    """Base class: every failure of this module carries a human-readable English message, and its known
    cases as codes with values (`reasons`; `deliberation.draw_messages` words them in the reader's
    language, the English message staying as the detail)."""

    def __init__(self, *args: Any, reasons: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(*args)
        self.reasons = tuple(reasons)


class SortitionInputError(SortitionError):
    """The volunteers, quotas or parameters are malformed (duplicate id, missing stratum, min > max...)."""


class SortitionInfeasible(SortitionError):
    """No panel can satisfy the quotas. `messages` explain why; `relaxed_quotas` is a suggested fix."""

    def __init__(
        self,
        messages: Sequence[str],
        relaxed_quotas: tuple[Quota, ...] | None = None,
        reasons: Sequence[dict[str, Any]] = (),
    ) -> None:
        self.messages = tuple(messages)
        self.relaxed_quotas = relaxed_quotas
        super().__init__("\n".join(self.messages), reasons=reasons)


class NoValidReplacement(SortitionError):
    """No reserve can take a withdrawn member's seat without breaking a quota."""


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
    without_quota: dict[tuple[str, str], int] = defaultdict(int)  # (category, value) -> volunteers
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
                without_quota[(category, value)] += 1
                problems.append(
                    f"Volunteer {volunteer.id} has {category}={value}, which has no quota "
                    f"(known values: {', '.join(sorted(values))})."
                )
    if problems:
        shown = problems[:20] + ([f"... and {len(problems) - 20} more."] if len(problems) > 20 else [])
        reasons = [
            {"code": "value_without_quota", "category": category, "value": value, "n": n}
            for (category, value), n in sorted(without_quota.items())
        ]
        raise SortitionInputError("\n".join(shown), reasons=reasons)


def _check_seed(seed: str | int) -> str:
    text = str(seed)
    if not text.strip():
        raise SortitionInputError("The seed must not be empty.")
    return text
