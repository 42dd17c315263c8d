"""Themes found on real French consultation-like data agree with the topics people labelled.

SIB-200 French (dev split: 99 sentences, 7 topics) and the 146 proposals of the Convention Citoyenne
pour le Climat (6 themes) are small corpora, the size of many local consultations. The pipeline must find
a number of themes near the labelled one by itself and group texts so that they agree with the labels
clearly better (0.1 ARI, a difference a reader sees in the theme lists) than k-means does on the same
embeddings when it is told the true number of topics.
"""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from analysis.pipeline.cluster import ClusterParams, cluster

from .conftest import labelled_set

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module", params=["sib200-dev", "ccc"])
def labelled(request, use_embedder):
    texts, labels = labelled_set(request.param)
    return request.param, labels, use_embedder.embed(texts)


def test_themes_agree_with_human_labels_and_k_is_found_near_the_true_one(labelled):
    name, labels, vectors = labelled
    n_true = len(set(labels))
    told_k = [
        adjusted_rand_score(labels, KMeans(n_true, n_init=10, random_state=seed).fit_predict(vectors))
        for seed in SEEDS
    ]

    results = [cluster(vectors, ClusterParams(seed=seed)) for seed in SEEDS]
    # "Other" counts as one more group, as in benchmarks/themes_quality.py: outliers are not excused.
    found = [adjusted_rand_score(labels, r.themes) for r in results]

    assert all(abs(r.k - n_true) <= 2 for r in results), (name, [r.k for r in results], n_true)
    assert np.mean(found) > np.mean(told_k) + 0.1, (name, found, told_k)
    # Random grouping scores 0; below about 0.2 themes mix the labelled topics more than they separate them.
    assert min(found) > 0.2, (name, found)
    assert all(r.selection.layout == "umap" and "UMAP" in r.selection.explain() for r in results)


def test_large_corpora_keep_the_linear_space_and_say_so(four_topics):
    _, _, vectors = four_topics
    small = cluster(vectors, ClusterParams(seed=1))
    large = cluster(vectors, ClusterParams(seed=1, layout_max=len(vectors) - 1))

    assert small.selection.layout == "umap"
    assert large.selection.layout == "pca"
    assert "UMAP" not in large.selection.explain()
    assert large.summary()["k_selection"]["layout"] == "pca"
    # Same choice of k either way: the layout only changes how the k themes are drawn.
    assert small.k == large.k
