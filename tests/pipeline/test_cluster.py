"""Themes found automatically match real topics, reproducibly, with an "Other" bucket."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from analysis.pipeline.cluster import OTHER, ClusterError, ClusterParams, cluster


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
