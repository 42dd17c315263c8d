"""The synthesis map's table alternative tells a screen-reader user what the map shows a sighted reader:
each theme's size (its distinct contributions and their share, with the counts) and the themes drawn
closest to it, by name and linked to their part of the page. It used to give "Centre (x) / Centre (y)"
coordinates, which mean nothing to a citizen."""

import re

import pytest
from django.urls import reverse

from analysis import presenters
from analysis.presenters import MapPoint
from tests.analysis.conftest import published_report
from tests.html_parts import table_rows

pytestmark = pytest.mark.django_db


def _point(key, cx, cy):
    return MapPoint(1, key, key, cx, cy, "#000091", "circle", 0.0, 0.0, "texte")


class _Version:
    """What map_table reads of a version: its themes' sizes, hidden ones included."""

    def __init__(self, themes):
        self.data = {"themes": [{"parent": None, **t} for t in themes]}


def test_each_theme_gets_its_size_and_the_themes_drawn_closest_to_it():
    themes = [
        {"key": k, "display_label": label, "other": other, "number": n, "size": size, "percent": percent}
        for n, (k, label, other, size, percent) in enumerate(
            [
                ("a", "Registre des refus", False, 40, 40),
                ("b", "Hébergement en Europe", False, 30, 30),
                ("c", "Information des patients", False, 15, 15),
                ("d", "Recherche publique", False, 5, 5),
                ("o", "Autres contributions", True, 5, 5),
            ],
            start=1,
        )
    ]
    hidden = {"key": "h", "hidden": True, "size": 5}
    # a and b side by side, c a little further, d far to the right; "Other" scattered.
    points = [_point("a", 100, 100), _point("a", 110, 100), _point("b", 150, 100), _point("b", 160, 100)]
    points += [_point("c", 100, 180), _point("d", 400, 100), _point("o", 130, 100), _point("o", 500, 50)]
    rows = {r["label"]: r for r in presenters.map_table(_Version([*themes, hidden]), themes, points)}
    assert (rows["Registre des refus"]["size"], rows["Registre des refus"]["percent"]) == (40, 40)
    assert {r["total"] for r in rows.values()} == {100}  # of every distinct contribution, hidden included
    names = {label: [n["label"] for n in row["nearest"]] for label, row in rows.items()}
    # The closest first; a theme much further than the closest one is not called close.
    assert names["Registre des refus"] == ["Hébergement en Europe", "Information des patients"]
    assert names["Hébergement en Europe"] == ["Registre des refus", "Information des patients"]
    assert names["Recherche publique"][0] == "Hébergement en Europe"  # far, but still its closest
    # "Other contributions" is scattered: it has no neighbours and is no one's.
    assert names["Autres contributions"] == []
    assert all("Autres contributions" not in found for found in names.values())
    assert all(set(row) >= {"key", "size", "percent", "total", "nearest"} for row in rows.values())
    assert not any({"x", "y"} & set(row) for row in rows.values())


@pytest.mark.parametrize(
    "language, share, closest",
    [("fr", "50\u00a0% (6 sur 12)", "Thèmes les plus proches"), ("en", "50% (6 of 12)", "Closest themes")],
)
def test_a_reader_of_the_map_table_gets_each_themes_size_and_nearest_themes(client, language, share, closest):
    consultation = published_report("carte", 12)  # "Alimentation" (even) and "Logement" (odd): 6 each
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    table = page[page.index('id="contributions-map-table"') :]
    table = table[: table.index("</table>")]
    assert closest in table
    assert "Centre" not in table and "(x)" not in table
    rows = table_rows(page, "contributions-map-table")
    assert [row[0]["text"] for row in rows] == ["Alimentation", "Logement"]
    for row, other in zip(rows, ["Logement", "Alimentation"], strict=True):
        theme, size, percent, nearest = row
        assert theme["links"][0][0].startswith("#theme-")  # to the theme's part of the page
        assert size["text"] == "6" and percent["text"] == share
        assert nearest["text"] == other and nearest["links"][0][0].startswith("#theme-")
        # No coordinate: no decimal number in any cell.
        assert not any(re.search(r"\d[.,]\d", cell["text"]) for cell in row)
    anchors = {theme_link for row in rows for theme_link, _text in row[0]["links"]}
    assert all(f'id="{anchor[1:]}"' in page for anchor in anchors)


def test_themes_of_equal_size_keep_the_order_they_were_made_in_past_nine():
    from analysis.report import rank

    tied = [{"key": k, "other": False, "size": 6, "contributions": 6} for k in ("t10", "t9", "t100")]
    assert [e["key"] for e in sorted(tied, key=rank)] == ["t9", "t10", "t100"]
