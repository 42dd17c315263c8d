"""A draw taken over after its worker was lost: draw from the lottery already published, never from a
second one.

The published lottery document (`deliberation.lottery.document`) is the public commitment: its SHA-256 is
audited before the seed is used, and the panel must be the one its compositions give with the seed. A
worker taking a draw over therefore does not recompute the lottery: a second solver run may give the same
selection probabilities with other compositions (leximin's optimum is unique in its probabilities, not in
how they are split into panels), floating-point digits that differ on another host, or another title,
and any of these would change the bytes but not what was committed to. It reads the published lottery
back (`published_distribution`) and checks only that what it was computed *for* is unchanged: the
volunteers with their strata and households, the quotas, the panel size, the algorithm and the household
rule, summarised by `inputs_sha256`. That digest is kept on the draw's row, never published (it covers
households' addresses); a different digest means the pool or the quotas changed, and the published lottery
may no longer meet the quotas: the draw then ends as failed (`lottery_changed`), nobody seated.

Pure Python, no Django."""

from __future__ import annotations

import hashlib
import json
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from ..lottery import from_document
from .base import Distribution, Quota, Volunteer

INPUTS_FORMAT = "pacte-sortition-inputs/1"


def inputs_sha256(
    volunteers: Sequence[Volunteer],
    quotas: Sequence[Quota],
    panel_size: int,
    algorithm: str,
    household_rule: bool,
) -> str:
    """SHA-256 of what a lottery is computed for, independent of the order volunteers and quotas come in."""
    people = sorted(
        [v.id, sorted((str(k), str(val)) for k, val in v.strata.items()), v.household or ""]
        for v in volunteers
    )
    payload = {
        "format": INPUTS_FORMAT,
        "volunteers": people,
        "quotas": sorted([q.category, q.value, q.min, q.max] for q in quotas),
        "panel_size": panel_size,
        "algorithm": algorithm,
        "household_rule": bool(household_rule),
    }
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(encoded.encode()).hexdigest()


def published_distribution(document: Mapping[str, Any]) -> Distribution:
    """The distribution a published lottery document describes, to draw from (`draw_panel`): the same
    lottery and probabilities, read back from the stored document. Raises `LotteryError` on a malformed
    one."""
    lottery = from_document(document)
    marginals = lottery.probabilities()
    values = list(marginals.values())
    return Distribution(
        algorithm=str(document.get("algorithm", "")),
        panel_size=lottery.panel_size,
        lottery=lottery,
        probabilities=marginals,
        min_probability=min(values),
        median_probability=statistics.median(values),
    )


# Fields of the lottery document that describe it for a reader and commit to nothing: the panel's title
# may be edited while a draw is under way.
DISPLAY_FIELDS = frozenset({"title"})
# Probabilities closer than this are the same (the solver's last digits may differ between hosts);
# `from_document` allows the same gap between listed and computed probabilities.
PROBABILITY_TOLERANCE = 1e-9


def same_commitment(published: Mapping[str, Any], found: Mapping[str, Any]) -> bool:
    """Whether two lottery documents commit to the same draw: the same fields (display fields aside), the
    same groups and the same compositions in the same order, the probabilities within
    `PROBABILITY_TOLERANCE`. Only for a draw published before its inputs were recorded: a run taking it
    over computed the lottery again and compares; the panel is drawn from the published one either way."""
    numeric = {"compositions", "probabilities"}
    keys = (set(published) | set(found)) - DISPLAY_FIELDS
    if any(published.get(k) != found.get(k) for k in keys - numeric):
        return False
    first, second = published.get("compositions", []), found.get("compositions", [])
    if len(first) != len(second) or any(a["seats"] != b["seats"] for a, b in zip(first, second, strict=True)):
        return False
    pairs = [(a["probability"], b["probability"]) for a, b in zip(first, second, strict=True)]
    listed, other = published.get("probabilities", {}), found.get("probabilities", {})
    if set(listed) != set(other):
        return False
    pairs += [(listed[n], other[n]) for n in listed]
    return all(abs(float(a) - float(b)) <= PROBABILITY_TOLERANCE for a, b in pairs)
