"""Where a theme's title is written on the map: by its points, over none of them.

A title written at the centre of its theme's points hid the points under it (its light halo too), the
very ones it names. Each title now takes, among the places near that centre (half lines up or down,
half or all its width left or right), the nearest that covers no point of any theme and no title placed before
it; where every place covers some point, the one covering the fewest. Pure Python: positions in the map's
SVG units, as `presenters.in_map_box` gives them."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

TITLE_LINE = 14  # height of a title's line (12-unit font and a little air)
CHAR_HALF = 3.4  # about half the width of one character at the map's font size
# A title is drawn on its baseline y: its line box (as browsers measure it) and halo reach about 13 units
# above and 5 below.
ABOVE, BELOW = 13, 5
MARKER_REACH = 5  # the largest marker (analysis/_marker.html) reaches 5 units from its point
MAX_LINES = 6  # how far up or down a title may move, in lines: beyond, it would no longer read as its theme's


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float


MARKER_SPACE = 12  # the theme's marker written before its title (10 units wide) and a gap


def half_width(text: str) -> float:
    """Half the width of a title as drawn: its theme's marker, then its text."""
    return CHAR_HALF * len(text) + MARKER_SPACE / 2


def covered_points(cx: float, cy: float, half: float, points) -> int:
    """How many points' markers a title of half-width ``half`` written at (``cx``, ``cy``) would cover;
    ``points``: (x, y) pairs, or an array of them."""
    xy = np.asarray(points, dtype=float).reshape(-1, 2)
    dy = xy[:, 1] - cy
    near = (np.abs(xy[:, 0] - cx) <= half + MARKER_REACH) & (dy >= -ABOVE - MARKER_REACH)
    return int(np.count_nonzero(near & (dy <= BELOW + MARKER_REACH)))


def _covers_title(cx: float, cy: float, half: float, placed: Sequence[dict]) -> bool:
    return any(
        abs(cy - t["cy"]) < TITLE_LINE and abs(cx - t["cx"]) < half + half_width(t["text"]) + 4
        for t in placed
    )


def place_title(
    cx: float, cy: float, half: float, points: Sequence[tuple[float, float]], placed: Sequence[dict], box: Box
) -> tuple[float, float]:
    """The place for a title of half-width ``half`` whose theme's centre is (``cx``, ``cy``): inside
    ``box`` (which bounds the baseline), off the ``placed`` titles, covering as few ``points`` as it
    can, and the nearest such place."""

    def inside(x: float, y: float) -> tuple[float, float]:
        return (
            min(max(x, box.left + half), box.right - half),
            min(max(y, box.top), box.bottom),
        )

    xy = np.asarray(points, dtype=float).reshape(-1, 2)
    best, best_score = inside(cx, cy), None
    for steps in range(0, 2 * MAX_LINES + 1):  # half lines: a gap between two rows of points is often one
        for dy in (steps * TITLE_LINE / 2, -steps * TITLE_LINE / 2) if steps else (0.0,):
            for dx in (0.0, -half / 2, half / 2, -half, half):
                x, y = inside(cx + dx, cy + dy)
                if _covers_title(x, y, half, placed):
                    continue
                score = (covered_points(x, y, half, xy), abs(x - cx) + abs(y - cy))
                if best_score is None or score < best_score:
                    best, best_score = (x, y), score
    return best
