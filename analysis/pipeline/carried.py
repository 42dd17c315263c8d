"""What an unchanged rerun carries over from the run it continues instead of computing it again: the map
positions and the titles and summaries of the themes and sub-themes.

A rerun is *unchanged* when it has exactly the previous run's texts, drawn the same way; the caller
decides it once (``analysis.rerun.since_previous``) and the clustering then keeps the previous themes
without drawing fresh ones (``cluster``'s ``keep_previous``, docs/decisions/0023). Recomputing the map
(a seeded UMAP) and the titles on the same themes would at best give the same result at the cost of most
of the rerun's time, and at worst move points or rename a theme the organiser already read (titles from
a labelling service are not reproducible). So when the themes were kept unchanged, ``run_pipeline`` takes
the previous run's positions and titles as they are, all or nothing: if one position or one title is
missing, that part is computed as on any run. Pure Python: no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .cluster import OTHER

TitleKey = tuple  # ("t", theme) or ("s", theme, sub-theme), as ``title.Group`` keys them


@dataclass(frozen=True)
class PreviousLook:
    """What the previous run showed: each contribution's place on the map (contribution id -> (x, y)),
    and each theme's and sub-theme's title and summary (``TitleKey`` -> (title, summary))."""

    coordinates: Mapping[str | int, tuple[float, float]] = field(default_factory=dict)
    titles: Mapping[TitleKey, tuple[str, str]] = field(default_factory=dict)
    # The summary's sentences with the contributions (ids of this run) each was taken from, when the
    # previous run kept them (``summary_sentences`` of ``run._add_titles``).
    sentences: Mapping[TitleKey, list[dict[str, Any]]] = field(default_factory=dict)
    # Who wrote each summary ("citizens", "service" or "" when not known), carried with it.
    authors: Mapping[TitleKey, str] = field(default_factory=dict)


def carried_coordinates(distinct_ids: Sequence[str | int], look: PreviousLook) -> np.ndarray | None:
    """The map positions of the distinct texts (in their order) as the previous run placed them, or None
    when it did not place one of them (the map is then computed)."""
    if not distinct_ids or any(i not in look.coordinates for i in distinct_ids):
        return None
    return np.array([look.coordinates[i] for i in distinct_ids], dtype=np.float32).reshape(-1, 2)


def titled(themes: list[dict[str, Any]]) -> list[tuple[dict[str, Any], TitleKey]]:
    """The entries a run titles, with their key: every theme but "Other", and the sub-themes of a theme
    split into at least two (``run._add_titles`` titles the same ones)."""
    found: list[tuple[dict[str, Any], TitleKey]] = []
    for entry in themes:
        if entry["other"]:
            continue
        found.append((entry, ("t", entry["theme"])))
        subs = [s for s in entry.get("subthemes", []) if s["subtheme"] != OTHER]
        if len(subs) >= 2:
            found.extend((sub, ("s", entry["theme"], sub["subtheme"])) for sub in subs)
    return found


def carry_titles(themes: list[dict[str, Any]], look: PreviousLook) -> bool:
    """Give every titled entry of ``themes`` the previous run's title and summary, in place. False, and
    nothing changed, when the previous run lacks one of them (the titles are then computed)."""
    wanted = titled(themes)
    if not wanted or any(key not in look.titles for _, key in wanted):
        return False
    for entry, key in wanted:
        entry["title"], entry["summary"] = look.titles[key]
        if key in look.sentences:
            entry["summary_sentences"] = look.sentences[key]
        entry["summary_by"] = look.authors.get(key, "")
    return True
