"""The opinion groups' map tells the groups apart by shape as well as by colour (WCAG 1.4.1), as the
themes' map does: before, every participant was a circle and only the colour said the group, so red,
orange and brown groups looked alike to many readers."""

import re

from django.template.loader import render_to_string
from django.utils import translation

from analysis import presenters


def _drawn(html: str) -> dict[str, str]:
    """Each point's label (its group, its <title>) -> the SVG element that draws it."""
    return dict(re.findall(r'<g class="pacte-map__point"[^>]*><title>([^<]+)</title><(\w+)', html, re.S))


def _legend(html: str) -> dict[str, str]:
    """Each legend entry's text -> the SVG element of its marker."""
    return {
        label.strip(): shape
        for shape, label in re.findall(
            r'<li><svg[^>]*aria-hidden="true"><(\w+).*?</svg>([^<]+)</li>', html, re.S
        )
    }


def test_each_group_has_its_own_shape_on_the_map_and_in_its_legend():
    grouped = [{"x": float(g), "y": float(g), "group": g} for g in range(4)]
    unplaced = [{"x": 9.0, "y": 9.0, "group": None}]
    groups = [
        {"number": g + 1, "colour": presenters.group_colour(g), "marker": presenters.group_marker(g)}
        for g in range(4)
    ]
    with translation.override("en"):
        html = render_to_string(
            "analysis/_map.html",
            {
                "map_id": "opinion-map",
                "map_points": presenters.opinion_map(grouped, unplaced),
                "map_legend": presenters.opinion_legend(groups, unplaced=True),
                "map_width": presenters.MAP_WIDTH,
                "map_height": presenters.MAP_HEIGHT,
            },
        )
    drawn = _drawn(html)
    shapes = [drawn[f"Participant in group {n}"] for n in range(1, 5)]
    assert shapes == ["circle", "rect", "path", "path"]  # circle, square, triangle, diamond
    assert len({presenters.group_marker(g) for g in range(4)}) == 4
    legend = _legend(html)
    assert [legend[f"Group {n}"] for n in range(1, 5)] == shapes
    assert drawn["Participant not placed in a group"] == legend["Not placed in a group"] == "circle"
