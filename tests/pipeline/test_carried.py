"""What an unchanged rerun carries from the previous run (``pipeline.carried``): all of the map, or all of
the titles, or that part is computed afresh; never a map or a list of titles half old, half new. No model:
the end-to-end case is tests/analysis/test_rerun_unchanged_look.py."""

from __future__ import annotations

import numpy as np

from analysis.pipeline.carried import PreviousLook, carried_coordinates, carry_titles
from analysis.pipeline.cluster import OTHER


def _themes() -> list[dict]:
    return [
        {"theme": 0, "other": False, "subthemes": [{"subtheme": 0}, {"subtheme": 1}, {"subtheme": OTHER}]},
        {"theme": 1, "other": False, "subthemes": [{"subtheme": 0}]},  # not split: its sub-theme untitled
        {"theme": OTHER, "other": True},
    ]


LOOK = PreviousLook(
    coordinates={"a": (0.5, -1.25), "b": (3.0, 2.0)},
    titles={
        ("t", 0): ("Manger local", "Les contributions parlent de circuits courts."),
        ("s", 0, 0): ("Cantines", ""),
        ("s", 0, 1): ("Marchés", ""),
        ("t", 1): ("Se loger", "Des logements mieux isolés."),
    },
)


def test_the_previous_map_is_taken_as_it_was_or_not_at_all():
    assert np.array_equal(carried_coordinates(["b", "a"], LOOK), np.array([[3.0, 2.0], [0.5, -1.25]]))
    assert carried_coordinates(["a", "b", "new"], LOOK) is None  # one text it did not place: computed


def test_the_previous_titles_are_taken_as_they_were_or_not_at_all():
    themes = _themes()
    assert carry_titles(themes, LOOK)
    assert (themes[0]["title"], themes[1]["title"]) == ("Manger local", "Se loger")
    assert [s.get("title") for s in themes[0]["subthemes"]] == ["Cantines", "Marchés", None]
    assert "title" not in themes[1]["subthemes"][0] and "title" not in themes[2]

    partial = PreviousLook(titles={k: v for k, v in LOOK.titles.items() if k != ("s", 0, 1)})
    themes = _themes()
    assert not carry_titles(themes, partial)  # a sub-theme it did not title: every title computed
    assert all("title" not in entry for entry in themes)
