"""Shares, raking, suppression, stance, trend and emergence."""

import datetime as dt

import numpy as np
import pytest

from analysis.pipeline.synthesise import (
    SynthesisError,
    Votes,
    breakdown,
    emerging_themes,
    new_clusters,
    rake,
    stance,
    theme_figures,
    theme_shares,
    trend,
    weighted_margins,
)

from .conftest import sib200_subset

TARGETS = {"gender": {"F": 0.52, "M": 0.48}, "age": {"18-34": 0.28, "35-64": 0.47, "65+": 0.25}}


def _skewed_strata(n=600, seed=0):
    rng = np.random.default_rng(seed)
    return [
        {
            "gender": str(rng.choice(["F", "M"], p=[0.7, 0.3])),
            "age": rng.choice(["18-34", "35-64", "65+", None], p=[0.55, 0.3, 0.05, 0.1]),
        }
        for _ in range(n)
    ]


def test_raking_reproduces_the_target_margins():
    strata = _skewed_strata()
    result = rake(strata, TARGETS)
    assert result.converged
    for variable, target in TARGETS.items():
        margins = weighted_margins(strata, result.weights, variable)
        for category, share in target.items():
            assert margins[category] == pytest.approx(share, abs=1e-4)
    assert result.weights.mean() == pytest.approx(1.0)
    assert result.design_effect > 1.0


def test_raking_changes_theme_shares_towards_the_population():
    strata = _skewed_strata()
    # Theme 1 is mostly raised by men, who are under-represented among contributors.
    themes = np.array([1 if s["gender"] == "M" else 0 for s in strata])
    shares = theme_shares(themes, rake(strata, TARGETS).weights)
    assert shares[1]["share"] == pytest.approx(np.mean(themes == 1))
    assert shares[1]["weighted_share"] == pytest.approx(0.48, abs=1e-3)


def test_target_category_nobody_gave_is_reported_not_fatal():
    strata = [{"region": "IDF"}] * 20 + [{"region": "ARA"}] * 10
    result = rake(strata, {"region": {"IDF": 0.2, "ARA": 0.1, "COR": 0.7}})
    assert {"code": "target_absent", "variable": "region", "categories": ["COR"]} in result.notes
    assert weighted_margins(strata, result.weights, "region")["IDF"] == pytest.approx(2 / 3, abs=1e-4)


def test_negative_target_is_a_clear_error():
    with pytest.raises(SynthesisError, match="non-negative"):
        rake([{"gender": "F"}], {"gender": {"F": -1.0}})


def test_small_cells_are_suppressed_including_the_one_that_would_reveal_them():
    strata = [{"age": "18-34"}] * 30 + [{"age": "35-64"}] * 12 + [{"age": "65+"}] * 4 + [{"age": "18-34"}] * 9
    themes = np.array([0] * 46 + [1] * 9)
    table = breakdown(themes, strata, "age")
    assert table[0]["18-34"] == 30
    assert table[0]["65+"] is None  # 4 < 10
    assert table[0]["35-64"] is None  # would give 46 - 30 - 12 = 4 away
    assert table[1]["18-34"] is None
    assert all(v is None or v >= 10 for row in table.values() for v in row.values())


def test_stance_sums_votes_per_theme():
    themes = np.array([0, 0, 1])
    result = stance(themes, [Votes(10, 2, 1), Votes(5, 3, 0), None])
    assert result[0] == {"agree": 15, "disagree": 5, "pass": 1, "agreement": 0.75}
    assert result[1]["agreement"] is None


def test_trend_counts_per_week():
    monday = dt.date(2026, 3, 2)
    dates = [monday, monday + dt.timedelta(days=6), monday + dt.timedelta(days=7), None]
    assert trend(np.array([0, 0, 0, 0]), dates) == {0: {"2026-03-02": 2, "2026-03-09": 1}}


def test_theme_whose_recent_share_rises_fast_is_emerging():
    start = dt.date(2026, 1, 1)
    themes, dates = [], []
    for day in range(60):
        themes += [0, 1]
        dates += [start + dt.timedelta(days=day)] * 2
        if day >= 50:  # theme 2 takes off in the last ten days
            themes += [2, 2]
            dates += [start + dt.timedelta(days=day)] * 2
        elif day % 10 == 0:
            themes.append(2)
            dates.append(start + dt.timedelta(days=day))
    result = emerging_themes(np.array(themes), dates, recent_days=14)
    assert result[2].emerging
    assert not result[0].emerging and not result[1].emerging


def test_group_of_new_contributions_far_from_every_theme_is_detected(use_embedder):
    old_texts, old_labels = sib200_subset(("sports", "geography"), 30)
    new_texts, _ = sib200_subset(("health",), 12)
    vectors = use_embedder.embed(old_texts + new_texts)
    centres = np.stack([vectors[: len(old_texts)][old_labels == t].mean(axis=0) for t in (0, 1)])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    is_new = np.arange(len(vectors)) >= len(old_texts)

    groups = new_clusters(vectors, centres, is_new, np.flatnonzero(~is_new), min_size=4)

    assert groups
    assert all(is_new[g].all() for g in groups)
    assert sum(len(g) for g in groups) >= 4

    # New contributions on an existing theme are not a new cluster.
    more_sports = use_embedder.embed(sib200_subset(("sports",), 45)[0][30:])
    vectors = np.vstack([vectors[: len(old_texts)], more_sports])
    is_new = np.arange(len(vectors)) >= len(old_texts)
    assert new_clusters(vectors, centres, is_new, np.flatnonzero(~is_new), min_size=4) == []


def test_theme_figures_gives_every_figure_of_each_theme_from_its_rows():
    monday = dt.date(2026, 3, 2)
    themes = np.array([0] * 12 + [1] * 3 + [-1])
    strata = [{"canal": "web"}] * 11 + [{}] + [{"canal": "papier"}] * 3 + [{"canal": "web"}]
    dates = [monday] * 6 + [monday + dt.timedelta(days=8)] * 6 + [None] * 4
    votes = [Votes(agree=1, disagree=0, passed=0)] * 12 + [None] * 3 + [Votes(agree=0, disagree=2, passed=1)]
    figures = theme_figures(themes, strata, dates, votes)
    assert set(figures) == {0, 1, -1}
    assert figures[0]["size"] == 12 and figures[0]["share"] == pytest.approx(12 / 16)
    assert figures[0]["weighted_share"] == pytest.approx(12 / 16)
    assert figures[0]["breakdown"] == {"canal": {"web": 11}}
    assert figures[1]["breakdown"] == {"canal": {"papier": None}}  # 3 people: hidden
    assert figures[0]["trend"] == {"2026-03-02": 6, "2026-03-09": 6} and figures[1]["trend"] == {}
    assert figures[0]["stance"] == {"agree": 12, "disagree": 0, "pass": 0, "agreement": 1.0}
    assert figures[-1]["stance"]["agreement"] == 0.0 and figures[1]["stance"]["agreement"] is None
    assert figures[-1]["emergence"] is None and figures[0]["emergence"] is not None
    assert "stance" not in theme_figures(themes, strata, dates, [None] * 16)[0]


def test_a_large_group_of_far_new_contributions_is_found_without_linking_every_pair(use_embedder):
    """Past ``max_linked`` far rows only a sample is linked (memory), and the others join its groups if
    close enough: the new topic is still flagged, with rows that linking every pair also groups, and new
    texts on an existing theme still flag nothing."""
    old_texts, old_labels = sib200_subset(("sports", "geography"), 30)
    new_texts, _ = sib200_subset(("health",), 30)
    vectors = use_embedder.embed(old_texts + new_texts)
    centres = np.stack([vectors[: len(old_texts)][old_labels == t].mean(axis=0) for t in (0, 1)])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    is_new = np.arange(len(vectors)) >= len(old_texts)
    reference = np.flatnonzero(~is_new)

    exact = set(np.concatenate(new_clusters(vectors, centres, is_new, reference, min_size=4)).tolist())
    sampled_groups = new_clusters(vectors, centres, is_new, reference, min_size=4, max_linked=20)
    assert sampled_groups and all(is_new[g].all() for g in sampled_groups)
    sampled = set(np.concatenate(sampled_groups).tolist())
    assert len(sampled) >= 8 and len(sampled & exact) >= 0.8 * len(sampled)

    more_sports = use_embedder.embed(sib200_subset(("sports",), 45)[0][30:])
    vectors = np.vstack([vectors[: len(old_texts)], more_sports])
    is_new = np.arange(len(vectors)) >= len(old_texts)
    assert new_clusters(vectors, centres, is_new, reference, min_size=4, max_linked=5) == []


def _steady(n_themes: int, days: int, per_day: int, seed: int):
    """Contributions at a steady rate, each to one of ``n_themes`` themes of unequal sizes at random."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(n_themes))
    start = dt.date(2026, 9, 1)
    themes, dates = [], []
    for day in range(days):
        count = rng.poisson(per_day)
        themes += list(rng.choice(n_themes, size=count, p=weights))
        dates += [start + dt.timedelta(days=day)] * count
    return themes, dates


def test_three_weeks_of_data_flag_no_theme():
    """Three weeks cannot tell a rise from the start of a consultation: nothing is even tested."""
    for seed in range(5):
        themes, dates = _steady(10, 21, 15, seed)
        themes += [3] * 30  # even a burst in the last days of a short consultation
        dates += [dates[-1]] * 30
        result = emerging_themes(np.array(themes), dates, recent_days=14)
        assert not any(e.emerging for e in result.values())
        assert all(e.p_value is None for e in result.values())


def test_steady_themes_are_not_emerging_a_significant_rise_is():
    flagged = 0
    for seed in range(10):
        themes, dates = _steady(10, 56, 15, seed)
        flagged += sum(e.emerging for e in emerging_themes(np.array(themes), dates).values())
    assert flagged == 0  # 100 steady themes over eight weeks, none flagged

    themes, dates = _steady(10, 56, 15, 0)
    last = dates[-1]
    themes += [7] * 25
    dates += [last - dt.timedelta(days=i % 10) for i in range(25)]
    result = emerging_themes(np.array(themes), dates)
    assert result[7].emerging and result[7].p_value < 0.005
    assert result[7].recent_count >= 25 and result[7].n_recent > result[7].recent_count
    assert sum(e.emerging for e in result.values()) == 1
