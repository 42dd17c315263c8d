"""The drawn panel's composition, the seeded ranked reserve list and the quota-preserving replacement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from .base import (
    NoValidReplacement,
    Quota,
    QuotaOutcome,
    Replacement,
    SortitionInputError,
    Volunteer,
    _check_seed,
    _household_key,
    _validate,
)
from .distribution import _uniform


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
