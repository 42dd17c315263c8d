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


def test_the_page_says_why_a_theme_is_called_emerging():
    from django.utils import translation

    theme = _entry("rising", 40, 40)
    theme["emerging"] = True
    theme["emergence"] = {
        "recent_share": 0.18,
        "earlier_share": 0.06,
        "recent_count": 42,
        "earlier_count": 31,
        "n_recent": 230,
        "n_earlier": 520,
        "p_value": 1e-6,
        "recent_days": 14,
        "emerging": True,
    }
    with translation.override("en"):
        themes = report.visible_themes(SimpleNamespace(data={"themes": [theme], "moves": {}}))
    assert themes[0]["emerging_reason"].startswith(
        "Emerging: 18% of the distinct contributions of the last 14 days (42 of 230) against 6% before "
        "(31 of 520)."
    )
    assert "once in a thousand times (exact binomial test" in themes[0]["emerging_reason"]
    with translation.override("fr"):
        reason = report.emerging_reason(theme)
    assert reason.startswith("Émergent\u00a0: 18\u00a0% des contributions distinctes des 14 derniers jours")
