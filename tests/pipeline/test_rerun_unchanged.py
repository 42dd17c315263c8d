"""A rerun of exactly the previous run's texts keeps its themes without drawing fresh ones to compare
(``keep_previous``): those would be the previous run's own draw, and the comparison cannot redraw the
themes (docs/decisions/0023-demo-rerun-theme-sizes.md). Synthetic vectors, linear path: no model. The
fresh method is counted through ``_refined`` (one call per number of themes tried, at each level)."""

from __future__ import annotations

import numpy as np

from analysis.pipeline.cluster import NEW, ClusterParams, cluster

PARAMS = ClusterParams(seed=0, layout_max=0)


def _topics(seed: int, n_per: int = 30, k: int = 5, dim: int = 24) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    points = centres[np.repeat(np.arange(k), n_per)] + rng.normal(scale=0.12, size=(k * n_per, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_the_same_texts_keep_their_themes_without_drawing_fresh_ones(fresh_draws):
    vectors = _topics(0)
    first = cluster(vectors, PARAMS)
    compared = cluster(vectors, PARAMS, previous=first.themes, previous_subthemes=first.subthemes)
    assert fresh_draws  # the comparison draws fresh themes (themes and sub-themes)
    fresh_draws.clear()

    kept = cluster(
        vectors, PARAMS, previous=first.themes, previous_subthemes=first.subthemes, keep_previous=True
    )

    assert fresh_draws == []
    assert kept.selection.method == "kept-previous" and kept.selection.unchanged
    assert kept.selection.previous_score is None  # nothing was compared
    # The decision the comparison made, at both levels, "Other" included.
    assert compared.selection.method == "kept-previous"
    assert np.array_equal(kept.themes, compared.themes) and np.array_equal(kept.themes, first.themes)
    assert np.array_equal(kept.subthemes, compared.subthemes)
    assert kept.subtheme_selection and all(s.unchanged for s in kept.subtheme_selection.values())
    assert "kept without drawing fresh ones" in kept.summary()["k_selection"]["explanation"]


def test_a_new_text_or_a_number_of_themes_still_draws_fresh_themes(fresh_draws):
    """The flag is the caller's word; a text the previous run did not have, or an organiser's number of
    themes, means the themes are compared (or drawn) as before."""
    vectors = _topics(1)
    first = cluster(vectors[:-1], PARAMS)
    fresh_draws.clear()
    previous = np.concatenate([first.themes, [NEW]])

    again = cluster(vectors, PARAMS, previous=previous, keep_previous=True)

    assert fresh_draws
    assert not again.selection.unchanged and again.selection.previous_score is not None
    fresh_draws.clear()
    set_k = ClusterParams(seed=0, layout_max=0, k=3)
    assert cluster(vectors[:-1], set_k, previous=first.themes, keep_previous=True).k == 3
    assert fresh_draws
