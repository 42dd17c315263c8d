"""A whole selection run: feasibility, lottery, draw, reserves, composition; and its record as a dict."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..lottery import draw as draw_lottery
from .base import Distribution, ProgressCallback, Quota, SelectionResult, Volunteer, _check_seed, _notify
from .distribution import find_distribution
from .feasibility import check_feasibility
from .reserves import panel_composition, reserve_list


def select(
    volunteers: Sequence[Volunteer],
    quotas: Sequence[Quota],
    panel_size: int,
    seed: str | int,
    algorithm: str | None = None,
    household_rule: bool = True,
    progress: ProgressCallback | None = None,
    public_value: str = "",
    before_draw: Callable[[Distribution], Distribution | None] | None = None,
) -> SelectionResult:
    """Check, find the fair lottery, draw the panel from `seed`, rank the reserves: what the task records.

    `before_draw(distribution)` is called once the lottery is found and before the seed is used: the
    task publishes the lottery there (stored, hashed, audited). When it returns a distribution, the panel
    is drawn from that one: the lottery as published (read back from the stored document), which is the
    one found unless another run published first (`takeover`)."""
    text = _check_seed(seed)
    _notify(progress, "feasibility", "Checking that the quotas can be met")
    check_feasibility(volunteers, quotas, panel_size, household_rule)
    distribution = find_distribution(volunteers, quotas, panel_size, algorithm, household_rule, progress)
    if before_draw is not None:
        distribution = before_draw(distribution) or distribution
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
