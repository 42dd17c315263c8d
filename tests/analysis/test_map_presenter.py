"""The map's presenter: one scaling into the drawing box, theme titles at the centre of their points."""

from analysis import report
from analysis.report import MAP_HEIGHT, MAP_MARGIN, MAP_WIDTH, MapPoint


def test_coordinates_fill_the_box_inside_its_margin_with_y_upwards():
    placed = report.in_map_box([0.0, 10.0, 5.0], [0.0, 2.0, 1.0])
    assert placed[0] == (MAP_MARGIN, MAP_HEIGHT - MAP_MARGIN)
    assert placed[1] == (MAP_WIDTH - MAP_MARGIN, MAP_MARGIN)
    assert placed[2] == ((MAP_WIDTH) / 2, MAP_HEIGHT / 2)
    assert report.in_map_box([3.0], [3.0]) == [(MAP_MARGIN, MAP_HEIGHT - MAP_MARGIN)]  # one point: no /0


def _point(key, cx, cy):
    return MapPoint(1, key, key, cx, cy, "#000091", "circle", 0.0, 0.0, "texte")


def test_each_theme_title_sits_at_the_centre_of_its_points_inside_the_box():
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
    titles = {t["number"]: t for t in report.map_titles(themes, points)}
    assert set(titles) == {1, 2}  # "Other" is scattered by nature: no title
    assert (titles[1]["cx"], titles[1]["cy"]) == (120, 110)  # the median, not pulled by the stray point
    assert titles[2]["text"].endswith("…") and len(titles[2]["text"]) == report.MAP_TITLE_CHARS
    half = 3.4 * len(titles[2]["text"])
    assert MAP_MARGIN + half <= titles[2]["cx"] <= MAP_WIDTH - MAP_MARGIN - half
