"""The one small-cell rule of every published breakdown (statistical disclosure control).

A count of fewer than ``MIN_CELL`` people is never shown. When a single cell is hidden, the next
smallest is hidden with it: otherwise the hidden one could be recovered by subtracting the shown cells
from a total the page also shows. Pure: no Django import, so the pipeline and the pages share it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

MIN_CELL = 10


def hidden_cells(
    counts: Mapping[K, int], *, min_cell: int = MIN_CELL, never_shown: Iterable[K] = ()
) -> set[K]:
    """The cells of ``counts`` that are not shown (every cell under ``min_cell``, empty ones included).

    ``never_shown``: cells the page does not show anyway (people who did not give the stratum, whom the
    total still counts). A second cell is hidden only when the total minus the shown cells would be one
    small group alone: an empty cell does not hide it (hiding a zero hides no one), a non-empty
    ``never_shown`` cell does.
    """
    never = set(never_shown)
    hidden = {c for c, v in counts.items() if v < min_cell and c not in never}
    unknown = [c for c in hidden | never if counts.get(c, 0) > 0]
    shown = sorted((v, str(c), c) for c, v in counts.items() if c not in hidden and c not in never)
    if len(unknown) == 1 and counts[unknown[0]] < min_cell and shown:
        hidden.add(shown[0][2])
    return hidden
