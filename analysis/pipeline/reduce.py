"""Reduce stage: linear projections of the embeddings for clustering and for the 2-D map.

PCA (scikit-learn, exact eigen-decomposition of the covariance: d is small): it is deterministic, fast on
20 000 texts and can project new contributions into the same space. The number of themes is always chosen
in this space; only corpora of up to 2,000 texts have their themes drawn on a UMAP layout instead, where
UMAP's cost is small and its gain on few texts is large (see ``cluster`` and benchmarks/themes_quality.py).
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from .errors import PipelineError

# Ten components keep the broad topical directions of sentence embeddings and drop most of the
# style/length noise that makes distances in 512 dimensions nearly uniform.
DEFAULT_COMPONENTS = 10
DEFAULT_NEIGHBOURS = 15  # the neighbourhood size UMAP and BERTopic use by default
_SEARCH_COMPONENTS = 50  # neighbours are searched in a 50-d PCA space: 10x cheaper than 512-d, same ranks


class ReduceError(PipelineError):
    """Embeddings that cannot be reduced."""


def _check(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or len(vectors) < 2:
        raise ReduceError("At least two embedded contributions are needed to reduce dimensions.")
    if not np.isfinite(vectors).all():
        raise ReduceError("The embeddings contain NaN or infinite values.")
    return vectors


def reduce_for_clustering(vectors: np.ndarray, *, n_components: int = DEFAULT_COMPONENTS) -> np.ndarray:
    """PCA to ``n_components`` (fewer if the data has fewer), then unit length so that Euclidean
    k-means on the result behaves like clustering on cosine."""
    vectors = _check(vectors)
    n_components = max(1, min(n_components, vectors.shape[0] - 1, vectors.shape[1]))
    projected = PCA(n_components=n_components, svd_solver="covariance_eigh").fit_transform(vectors)
    return normalize(projected).astype(np.float32)


def smooth_by_neighbours(vectors: np.ndarray, *, n_neighbors: int = DEFAULT_NEIGHBOURS) -> np.ndarray:
    """Replace each vector by the mean of its nearest neighbours (itself included), at unit length.

    One step of neighbourhood averaging removes much of the sentence-level noise (wording, length) while
    keeping what a text shares with the texts around it, which is what a theme is; this is the local
    structure UMAP exploits, at a fraction of its cost. On SIB-200 French it raised the ARI of the
    themes and made it steadier across seeds (benchmarks/themes_quality.py).
    """
    vectors = _check(vectors)
    n_components = max(1, min(_SEARCH_COMPONENTS, vectors.shape[0] - 1, vectors.shape[1]))
    projected = normalize(PCA(n_components=n_components, svd_solver="covariance_eigh").fit_transform(vectors))
    k = min(n_neighbors, len(projected))
    neighbours = NearestNeighbors(n_neighbors=k).fit(projected).kneighbors(projected, return_distance=False)
    return normalize(projected[neighbours].mean(axis=1)).astype(np.float32)


def map_2d(vectors: np.ndarray) -> np.ndarray:
    """2-D coordinates for the theme map (first two principal components)."""
    vectors = _check(vectors)
    n_components = min(2, vectors.shape[1])
    coords = PCA(n_components=n_components, svd_solver="covariance_eigh").fit_transform(vectors)
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(len(coords))])
    return coords.astype(np.float32)
