"""The theme map: a 2-D layout of the neighbourhoods the themes were found on, where themes stand apart."""

import numpy as np
from sklearn.metrics import silhouette_score

from analysis.pipeline.cluster import ClusterParams, cluster, map_layout


def test_the_map_shows_separate_themes(four_topics):
    _texts, topics, vectors = four_topics
    clusters = cluster(vectors, ClusterParams(seed=0))
    coordinates = map_layout(vectors, clusters)
    assert coordinates.shape == (len(vectors), 2) and np.isfinite(coordinates).all()
    themes = clusters.themes
    kept = themes >= 0
    # On the first two principal components the same themes scored about 0 (one cloud).
    assert silhouette_score(coordinates[kept], themes[kept]) > 0.3
    assert silhouette_score(coordinates, topics) > 0.3


def test_the_map_is_the_same_for_the_same_input(four_topics):
    _texts, _topics, vectors = four_topics
    clusters = cluster(vectors, ClusterParams(seed=1))
    assert np.array_equal(map_layout(vectors, clusters), map_layout(vectors, clusters))


def test_large_corpora_are_mapped_from_a_sample_of_the_clustering_space(four_topics, monkeypatch):
    import analysis.pipeline.cluster as stage

    _texts, topics, vectors = four_topics
    clusters = cluster(vectors, ClusterParams(seed=0, layout_max=0))
    monkeypatch.setattr(stage, "MAP_SAMPLE", 100)  # 160 texts: 60 placed beside their sampled neighbours
    coordinates = map_layout(vectors, clusters)
    assert coordinates.shape == (len(vectors), 2) and np.isfinite(coordinates).all()
    assert silhouette_score(coordinates, topics) > 0.2
