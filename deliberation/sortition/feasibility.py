"""Can the quotas be met with this pool? Clear English messages naming the strata and the smallest
relaxation that would make a panel possible; and the translation of the input to sortition-algorithms."""

from __future__ import annotations

from collections.abc import Sequence

from sortition_algorithms import InfeasibleQuotasCantRelaxError, InfeasibleQuotasError, SelectionError
from sortition_algorithms.committee_generation import find_any_committee
from sortition_algorithms.features import FeatureCollection, FeatureValueMinMax, set_default_max_flex
from sortition_algorithms.people import People

from .base import (
    _HOUSEHOLD_COLUMN,
    Quota,
    SortitionInfeasible,
    Volunteer,
    _household_key,
    _quotas_by_category,
    _validate,
)


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


def _quick_problems(
    volunteers: Sequence[Volunteer], quotas: Sequence[Quota], panel_size: int, household_rule: bool
) -> list[str]:
    """Arithmetic reasons the quotas cannot be met, found without a solver."""
    return [message for message, _code in _quick_reasons(volunteers, quotas, panel_size, household_rule)]


def _quick_reasons(
    volunteers: Sequence[Volunteer], quotas: Sequence[Quota], panel_size: int, household_rule: bool
) -> list[tuple[str, dict]]:
    """`_quick_problems` with each one's code and values (for a translated message)."""
    problems = []
    for category, category_quotas in _quotas_by_category(quotas).items():
        total_min = sum(q.min for q in category_quotas)
        total_max = sum(q.max for q in category_quotas)
        if total_min > panel_size:
            problems.append(
                (
                    f"Category '{category}': the minimums add up to {total_min}, more than the panel size "
                    f"{panel_size}.",
                    {"code": "min_sum", "category": category, "total": total_min, "size": panel_size},
                )
            )
        if total_max < panel_size:
            problems.append(
                (
                    f"Category '{category}': the maximums add up to {total_max}, less than the panel size "
                    f"{panel_size}.",
                    {"code": "max_sum", "category": category, "total": total_max, "size": panel_size},
                )
            )
    for quota in quotas:
        having = [v for v in volunteers if v.strata[quota.category] == quota.value]
        households = len({_household_key(v) for v in having})
        if len(having) < quota.min:
            problems.append((
                f"Quota {quota.category}={quota.value}: at least {quota.min} needed but only "
                f"{len(having)} volunteer(s) have this value.",
                {"code": "quota_short", "category": quota.category, "value": quota.value, "min": quota.min,
                 "have": len(having)},
            ))  # fmt: skip
        elif household_rule and households < quota.min:
            problems.append((
                f"Quota {quota.category}={quota.value}: at least {quota.min} needed but the "
                f"{len(having)} volunteers with this value live in only {households} household(s), "
                "and at most one person per household can sit.",
                {"code": "quota_households", "category": quota.category, "value": quota.value,
                 "min": quota.min, "have": len(having), "households": households},
            ))  # fmt: skip
    return problems


def _pool_too_small_reason(volunteers: Sequence[Volunteer], panel_size: int, household_rule: bool) -> dict:
    """`_pool_too_small`'s case as a code with values (empty when the pool is large enough)."""
    if len(volunteers) < panel_size:
        return {"code": "pool_too_small", "pool": len(volunteers), "size": panel_size}
    households = len({_household_key(v) for v in volunteers})
    if household_rule and households < panel_size:
        return {"code": "households_too_few", "pool": len(volunteers), "households": households,
                "size": panel_size}  # fmt: skip
    return {}


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


def _relaxation_reason(quotas: Sequence[Quota], relaxed: Sequence[Quota] | None) -> dict:
    """The suggested relaxation as a code with values: [category, value, "min" or "max", from, to] each."""
    if not relaxed:
        return {}
    changes = []
    for quota, bounds in zip(quotas, relaxed, strict=True):
        if bounds.min < quota.min:
            changes.append([quota.category, quota.value, "min", quota.min, bounds.min])
        if bounds.max > quota.max:
            changes.append([quota.category, quota.value, "max", quota.max, bounds.max])
    return {"code": "relax", "changes": changes} if changes else {}


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
        raise SortitionInfeasible(
            [too_small], reasons=[_pool_too_small_reason(volunteers, panel_size, household_rule)]
        )
    quick = _quick_reasons(volunteers, quotas, panel_size, household_rule)
    problems = [message for message, _code in quick]
    codes = [code for _message, code in quick]
    features, people, address_columns = library_inputs(volunteers, quotas, household_rule)
    try:
        find_any_committee(features, people, panel_size, address_columns)
    except (InfeasibleQuotasError, InfeasibleQuotasCantRelaxError) as error:
        infeasible = _infeasible_from_library(error, quotas, problems)
        relax = _relaxation_reason(quotas, infeasible.relaxed_quotas)
        raise SortitionInfeasible(
            infeasible.messages, infeasible.relaxed_quotas, reasons=[*codes, *([relax] if relax else [])]
        ) from error
    except SelectionError as error:
        raise SortitionInfeasible(
            [*problems, f"The solver could not find a panel: {error}"], reasons=codes
        ) from error
    if problems:  # the solver and the arithmetic disagree only if this module has a bug
        raise SortitionInfeasible(problems, reasons=codes)
