"""Themes found automatically match real topics, reproducibly, with an "Other" bucket."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from analysis.pipeline.cluster import NEW, OTHER, ClusterError, ClusterParams, cluster


def test_themes_recover_real_topics_with_k_chosen_from_the_data(four_topics):
    _, truth, vectors = four_topics
    result = cluster(vectors, ClusterParams(seed=3))
    found = result.themes != OTHER
    assert adjusted_rand_score(truth[found], result.themes[found]) > 0.3
    assert result.selection.method == "silhouette-parsimony"
    assert 2 <= result.k <= 8
    assert set(result.selection.scores) >= {2, 3, 4}
    assert "themes" in result.selection.explain()


def test_same_seed_same_themes_and_the_run_is_recorded(four_topics):
    _, _, vectors = four_topics
    first = cluster(vectors, ClusterParams(seed=7))
    second = cluster(vectors, ClusterParams(seed=7))
    assert np.array_equal(first.themes, second.themes)
    assert np.array_equal(first.subthemes, second.subthemes)
    assert first.input_hash == second.input_hash
    summary = first.summary()
    assert summary["seed"] == 7 and summary["params"]["seed"] == 7
    assert summary["input_hash"] == first.input_hash
    assert cluster(vectors[::-1].copy(), ClusterParams(seed=7)).input_hash != first.input_hash


def test_organiser_override_of_the_number_of_themes(four_topics):
    _, _, vectors = four_topics
    result = cluster(vectors, ClusterParams(k=3))
    assert result.k == 3
    assert result.selection.method == "override"
    assert set(np.unique(result.themes)) - {OTHER} == {0, 1, 2}


def test_large_themes_get_subthemes(four_topics):
    _, _, vectors = four_topics
    result = cluster(vectors, ClusterParams(min_subtheme_parent=20))
    split = [t for t, s in result.subtheme_selection.items() if s.k > 1]
    assert split
    members = result.themes == split[0]
    assert len(np.unique(result.subthemes[members][result.subthemes[members] != OTHER])) > 1


def test_points_far_from_every_centre_go_to_other():
    rng = np.random.default_rng(0)
    directions = np.eye(40)[:3]
    blobs = np.vstack([d + 0.15 * rng.standard_normal((60, 40)) for d in directions])
    strays = rng.standard_normal((4, 40))
    vectors = np.vstack([blobs, strays])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    result = cluster(vectors, ClusterParams(k=3))

    assert (result.themes[-4:] == OTHER).sum() >= 3
    assert (result.themes[:-4] == OTHER).mean() < 0.05


def test_tiny_corpus_is_one_theme():
    vectors = np.eye(2, 8, dtype=np.float32)
    result = cluster(vectors)
    assert result.k == 1
    assert result.themes.tolist() == [0, 0]


def test_bad_inputs_are_clear_errors(four_topics):
    with pytest.raises(ClusterError, match="nothing to cluster"):
        cluster(np.zeros((0, 8)))
    with pytest.raises(ClusterError, match="between 1 and"):
        cluster(four_topics[2][:5], ClusterParams(k=9))


def test_neighbours_searched_by_cells_give_the_same_themes(four_topics, monkeypatch):
    """Corpora above EXACT_NEIGHBOURS_MAX search each text's neighbours in nearby k-means cells instead of
    comparing all pairs; on four clear topics the themes and sub-themes are the same."""
    from analysis.pipeline import reduce

    _, _, vectors = four_topics
    exact = cluster(vectors, ClusterParams(seed=3))
    monkeypatch.setattr(reduce, "EXACT_NEIGHBOURS_MAX", 0)
    by_cells = cluster(vectors, ClusterParams(seed=3))

    assert by_cells.k == exact.k
    assert by_cells.themes.tolist() == exact.themes.tolist()
    assert by_cells.subthemes.tolist() == exact.subthemes.tolist()


def test_cell_search_finds_nearly_every_true_neighbour(four_topics):
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import normalize

    from analysis.pipeline.reduce import _nearest_by_cells

    _, _, vectors = four_topics
    unit = normalize(vectors).astype(np.float32)
    true = NearestNeighbors(n_neighbors=10).fit(unit).kneighbors(unit, return_distance=False)
    found = _nearest_by_cells(unit, 10)

    assert (found == np.arange(len(unit))[:, None]).any(axis=1).all()  # each text is its own neighbour
    assert np.mean([len(set(a) & set(b)) for a, b in zip(found, true, strict=True)]) / 10 > 0.9
    assert np.array_equal(found, _nearest_by_cells(unit, 10))  # seeded


def _blobs(n_per: int, seed: int, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(len(centres)), n_per)
    points = centres[truth] + rng.normal(scale=0.12, size=(len(truth), centres.shape[1]))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32), truth


def test_a_rerun_with_5_percent_new_texts_keeps_the_previous_themes():
    """The previous run's themes are kept when they fit as well as fresh ones (within the fresh method's
    own noise): the texts both runs hold stay grouped alike, the new ones join the nearest theme."""
    centres = np.random.default_rng(0).normal(size=(6, 24))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    old, truth = _blobs(40, 1, centres)
    new, new_truth = _blobs(2, 2, centres)  # 12 new texts: 5 %
    params = ClusterParams(seed=0, layout_max=0)
    first = cluster(old, params)
    both = np.vstack([old, new])
    previous = np.concatenate([first.themes, np.full(len(new), NEW)])
    again = cluster(both, params, previous=previous)

    assert again.selection.method == "kept-previous"
    selection = again.selection
    assert selection.previous_score >= min(
        selection.threshold, selection.fresh_score - selection.sampling_margin
    )
    assert adjusted_rand_score(first.themes, again.themes[: len(old)]) >= 0.99
    for blob in range(6):  # each new text joins the theme most of its blob is in (or "Other", far out)
        home = np.bincount(first.themes[truth == blob][first.themes[truth == blob] >= 0]).argmax()
        assert set(again.themes[len(old) :][new_truth == blob]) <= {home, OTHER}
    fresh = cluster(both, params)  # without the previous themes: found afresh, as before
    assert fresh.selection.method == "silhouette-parsimony"


def test_previous_themes_that_no_longer_fit_are_redrawn():
    centres = np.random.default_rng(0).normal(size=(6, 24))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    vectors, truth = _blobs(40, 1, centres)
    scrambled = np.random.default_rng(3).integers(0, 6, size=len(vectors))  # a grouping that fits nothing
    params = ClusterParams(seed=0, layout_max=0)
    again = cluster(vectors, params, previous=scrambled)
    assert again.selection.method == "silhouette-parsimony"
    assert again.selection.previous_score < again.selection.fresh_score
    assert adjusted_rand_score(truth, again.themes) > 0.9
