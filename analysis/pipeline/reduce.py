"""Reduce stage: linear projections of the embeddings for clustering and for the 2-D map.

PCA (scikit-learn, exact eigen-decomposition of the covariance: d is small) rather than UMAP in the
product path: it is deterministic, fast on 20 000 texts, can
project new contributions into the same space, and on French labelled sets clustering its output matched
a UMAP-based pipeline (see benchmarks/themes_quality.py).
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.preprocessing import normalize

from .errors import PipelineError

# Ten components keep the broad topical directions of sentence embeddings and drop most of the
# style/length noise that makes distances in 512 dimensions nearly uniform.
DEFAULT_COMPONENTS = 10


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


def map_2d(vectors: np.ndarray) -> np.ndarray:
    """2-D coordinates for the theme map (first two principal components)."""
    vectors = _check(vectors)
    n_components = min(2, vectors.shape[1])
    coords = PCA(n_components=n_components, svd_solver="covariance_eigh").fit_transform(vectors)
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(len(coords))])
    return coords.astype(np.float32)
