"""Reference population shares and the quotas proposed from them for a panel size."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from .base import Quota, SortitionInputError

REFERENCE_SHARES_FR = Path(__file__).resolve().parent.parent / "data" / "reference_shares_fr.csv"


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
