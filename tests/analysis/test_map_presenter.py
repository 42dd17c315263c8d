"""The map's presenter: one scaling into the drawing box, theme titles by the centre of their points, over
none of them (`analysis.map_labels`)."""

from analysis import map_labels, presenters
from analysis.presenters import MAP_HEIGHT, MAP_MARGIN, MAP_WIDTH, MapPoint


def test_coordinates_fill_the_box_inside_its_margin_with_y_upwards():
    placed = presenters.in_map_box([0.0, 10.0, 5.0], [0.0, 2.0, 1.0])
    assert placed[0] == (MAP_MARGIN, MAP_HEIGHT - MAP_MARGIN)
    assert placed[1] == (MAP_WIDTH - MAP_MARGIN, MAP_MARGIN)
    assert placed[2] == ((MAP_WIDTH) / 2, MAP_HEIGHT / 2)
    assert presenters.in_map_box([3.0], [3.0]) == [(MAP_MARGIN, MAP_HEIGHT - MAP_MARGIN)]  # one point: no /0


def _point(key, cx, cy):
    return MapPoint(1, key, key, cx, cy, "#000091", "circle", 0.0, 0.0, "texte")


def test_each_theme_title_sits_by_the_centre_of_its_points_inside_the_box():
    themes = [
        {"key": "a", "display_label": "Don d’organes", "other": False, "number": 1},
        {
            "key": "b",
            "display_label": "Une phrase clé bien trop longue pour la carte entière",
            "other": False,
            "number": 2,
        },
        {"key": "o", "display_label": "Autres contributions", "other": True, "number": 3},
    ]
    points = [_point("a", 100, 100), _point("a", 120, 110), _point("a", 600, 400)]  # one stray point
    points += [_point("b", 630, 30), _point("o", 300, 300)]
    titles = {t["number"]: t for t in presenters.map_titles(themes, points)}
    assert set(titles) == {1, 2}  # "Other" is scattered by nature: no title
    # By the median (120, 110), not pulled by the stray point; moved off the two points there.
    assert titles[1]["cx"] == 120 and abs(titles[1]["cy"] - 110) <= 2 * presenters.MAP_TITLE_LINE
    half = map_labels.half_width("Don d’organes")
    assert map_labels.covered_points(120, titles[1]["cy"], half, [(100, 100), (120, 110)]) == 0
    # Cut at a whole word: "Une phrase clé bien trop longue pour la…".
    shown = titles[2]["text"]
    assert shown.endswith("…") and len(shown) <= presenters.MAP_TITLE_CHARS
    assert (shown[:-1] + " ") in "Une phrase clé bien trop longue pour la carte entière "
    half = 3.4 * len(titles[2]["text"])
    assert MAP_MARGIN + half <= titles[2]["cx"] <= MAP_WIDTH - MAP_MARGIN - half


def test_the_opinion_map_colours_each_group_and_greys_those_in_no_shown_group():
    grouped = [{"x": 0.0, "y": 0.0, "group": 0}, {"x": 1.0, "y": 1.0, "group": 1}]
    unplaced = [{"x": 2.0, "y": 2.0, "group": None}]
    points = presenters.opinion_map(grouped, unplaced)
    assert [p["colour"] for p in points] == [
        presenters.group_colour(0),
        presenters.group_colour(1),
        presenters.UNPLACED_COLOUR,
    ]
    # One scale for all, the unplaced included: the last point is the far corner of the box.
    assert (points[0]["cx"], points[0]["cy"]) == (MAP_MARGIN, MAP_HEIGHT - MAP_MARGIN)
    assert (points[-1]["cx"], points[-1]["cy"]) == (MAP_WIDTH - MAP_MARGIN, MAP_MARGIN)
    assert presenters.group_colour(0) != presenters.group_colour(1) != presenters.UNPLACED_COLOUR


def test_the_opinion_status_the_model_names_is_the_pipelines():
    from analysis.models import OpinionRun
    from analysis.pipeline import opinion

    assert OpinionRun.OK == opinion.OK


def test_a_title_that_would_cover_another_moves_to_a_free_line():
    """Two themes side by side: the smaller one's title moves off the larger one's, not far."""
    themes = [
        {"key": "a", "display_label": "Bénéfices à l'hôpital public", "other": False, "number": 1},
        {"key": "b", "display_label": "Parent pauvre de la recherche", "other": False, "number": 2},
    ]
    points = [_point("a", 200, 200), _point("a", 210, 205), _point("b", 180, 195), _point("b", 190, 190)]
    first, second = presenters.map_titles(themes, points)
    assert abs(first["cy"] - second["cy"]) >= presenters.MAP_TITLE_LINE  # the two no longer overlap
    assert abs(second["cy"] - 192.5) <= 2 * presenters.MAP_TITLE_LINE  # still by its points
    assert first["cx"] == 205 and abs(first["cy"] - 202.5) <= 2 * presenters.MAP_TITLE_LINE  # by its centre


def test_a_title_leaves_the_points_of_a_dense_theme_visible():
    """A theme of 35 points packed round its centre: its title, written there, hid a row of them. It now
    sits at the edge of the group, covering none, still within a few lines of the centre."""
    themes = [{"key": "a", "display_label": "Consentement éclairé", "other": False, "number": 1}]
    points = [_point("a", 260 + 12 * i, 170 + 12 * j) for i in range(7) for j in range(5)]  # 72 x 48
    (title,) = presenters.map_titles(themes, points)
    half = map_labels.half_width(title["text"])
    assert map_labels.covered_points(title["cx"], title["cy"], half, [(p.cx, p.cy) for p in points]) == 0
    assert abs(title["cy"] - 194) <= map_labels.MAX_LINES * map_labels.TITLE_LINE
    assert (
        map_labels.covered_points(296, 194, half, [(p.cx, p.cy) for p in points]) > 0
    )  # the centre hid some
