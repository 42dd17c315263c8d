"""A rerun that keeps the previous themes keeps the previous "Other" too: a text the previous run had
stays where it was (in "Other" or in its theme), and only new texts are tested for being far from their
theme (docs/decisions/0023-demo-rerun-theme-sizes.md). Synthetic vectors, linear path: no model."""

from __future__ import annotations

import numpy as np

from analysis.pipeline.cluster import NEW, OTHER, ClusterParams, cluster


def _topics(seed: int, n_per: int = 30, k: int = 5, dim: int = 24) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    points = centres[np.repeat(np.arange(k), n_per)] + rng.normal(scale=0.12, size=(k * n_per, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32), centres


PARAMS = ClusterParams(seed=0, layout_max=0)


def test_the_same_texts_again_get_the_same_themes_and_the_same_other():
    vectors, _ = _topics(0)
    first = cluster(vectors, PARAMS)
    again = cluster(vectors, PARAMS, previous=first.themes, previous_subthemes=first.subthemes)

    assert again.selection.method == "kept-previous"
    assert np.array_equal(again.themes, first.themes)
    assert np.array_equal(again.subthemes, first.subthemes)


def test_a_text_the_previous_run_put_in_other_stays_there():
    """An organiser saw this text in "Other"; nothing changed, so a rerun does not move it into a theme
    (before, it joined the nearest theme and stayed there unless it was again an outlier of that theme)."""
    vectors, _ = _topics(1)
    first = cluster(vectors, PARAMS)
    previous = first.themes.copy()
    typical = int(np.flatnonzero(previous >= 0)[0])  # a text well inside its theme, put in "Other" before
    previous[typical] = OTHER
    again = cluster(vectors, PARAMS, previous=previous)

    assert again.selection.method == "kept-previous"
    assert again.themes[typical] == OTHER
    assert np.array_equal(again.themes, previous)


def test_new_texts_are_still_sent_to_other_when_far_from_every_theme():
    vectors, centres = _topics(2)
    first = cluster(vectors, PARAMS)
    rng = np.random.default_rng(3)
    near = centres[[0, 1]] + rng.normal(scale=0.12, size=(2, centres.shape[1]))
    far = rng.normal(size=(1, centres.shape[1]))  # about orthogonal to every topic
    added = np.vstack([near, far])
    added /= np.linalg.norm(added, axis=1, keepdims=True)
    both = np.vstack([vectors, added]).astype(np.float32)
    previous = np.concatenate([first.themes, np.full(len(added), NEW)])
    again = cluster(both, PARAMS, previous=previous)

    assert again.selection.method == "kept-previous"
    assert np.array_equal(again.themes[: len(vectors)], first.themes)  # the old texts where they were
    assert again.themes[-1] == OTHER
    assert (again.themes[-3:-1] >= 0).all()  # texts like a topic's join its theme
