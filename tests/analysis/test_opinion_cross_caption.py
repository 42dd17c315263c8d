"""The table of themes by opinion groups is named by a caption a person can read as a title; the rule
behind its verdicts is a paragraph the table is described by. The whole rule sat in the caption, drawn
by the DSFR as a six-line heading above the table (seen on the demo's synthesis by tester3)."""

import html
import re

import pytest
from django.template.loader import render_to_string
from django.utils.translation import override

CROSS_ROW = {
    "theme": {"display_label": "Consentement"},
    "shares": [{"percent": 75, "agree": 3, "seen": 4}, {"percent": 25, "agree": 1, "seen": 4}],
    "verdict": "divides",
}


def _opinion(**extra) -> dict:
    return {
        "ok": True,
        "groups": [{"number": 1, "size": 10, "statements": []}, {"number": 2, "size": 8, "statements": []}],
        "points": [],
        "map_total": 0,
        "legend": [],
        "run": {"vote_count": 40, "computed_at": None},
        "consensus": [],
        "bridging": [],
        "cross": [CROSS_ROW],
        "min_claim_votes": 5,
        "min_group_percent": 5,
        "n_voters": 18,
        "n_clustered": 18,
        "n_grouped": 18,
        "n_qualified": 18,
        "n_unplaced": 0,
        **extra,
    }


@pytest.mark.parametrize(
    ("language", "caption", "rule"),
    [
        ("fr", "Thèmes et groupes d’opinion", "un verdict demande au moins 5 votes de chaque groupe."),
        ("en", "Themes and opinion groups", "a verdict needs at least 5 votes from every group."),
    ],
)
def test_the_caption_is_a_title_and_the_rule_a_paragraph_describing_the_table(language, caption, rule):
    with override(language):
        page = render_to_string("analysis/_opinion.html", {"opinion": _opinion(), "page_language": language})
    table = re.search(r'<table aria-describedby="([^"]+)">\s*<caption>(.*?)</caption>', page, re.S)
    assert table, "the themes by groups table is described by the paragraph of its rule"
    shown = " ".join(html.unescape(table.group(2)).split())
    assert shown.startswith(caption) and len(shown) < 130, shown
    paragraph = re.search(rf'<p[^>]* id="{table.group(1)}">(.*?)</p>', page, re.S)
    assert paragraph and rule in " ".join(html.unescape(paragraph.group(1)).replace("\xa0", " ").split())
