"""One order, one base: themes are ranked by distinct contributions, the base of their shares."""

from types import SimpleNamespace

from analysis import report


def _entry(key, size, contributions, parent=None, other=False):
    return {
        "key": key,
        "theme_ids": [],
        "parent": parent,
        "label": key,
        "hidden": False,
        "other": other,
        "keywords": [],
        "quotes": [],
        "size": size,
        "contributions": contributions,
        "share": size / 100,
        "weighted_share": None,
        "breakdown": {},
        "stance": {},
        "trend": {},
        "emerging": False,
    }


def test_a_campaign_does_not_lift_a_theme_above_one_with_a_larger_share():
    data = {
        "themes": [
            _entry("campaign", 13, 400),  # 13 distinct texts, 400 with the campaign's copies
            _entry("large", 15, 15),
            _entry("other", 50, 50, other=True),
            _entry("small-sub", 2, 2, parent="large"),
            _entry("big-sub", 10, 10, parent="large"),
            _entry("medium", 14, 14),
        ],
        "moves": {},
    }
    themes = report.visible_themes(SimpleNamespace(data=data))
    assert [t["key"] for t in themes] == ["large", "medium", "campaign", "other"]
    assert [t["percent"] for t in themes] == sorted((t["percent"] for t in themes[:-1]), reverse=True) + [
        themes[-1]["percent"]
    ]
    assert [s["key"] for s in themes[0]["subthemes"]] == ["big-sub", "small-sub"]
    assert [t["key"] for t in report.ranked_entries(data)] == [
        "large",
        "big-sub",
        "small-sub",
        "medium",
        "campaign",
        "other",
    ]
