"""Reduce stage: linear projections of the embeddings for clustering and for the 2-D map.

PCA (scikit-learn, exact eigen-decomposition of the covariance: d is small): it is deterministic, fast on
20 000 texts and can project new contributions into the same space. The number of themes is always chosen
in this space; only corpora of up to 2,000 texts have their themes drawn on a UMAP layout instead, where
UMAP's cost is small and its gain on few texts is large (see ``cluster`` and benchmarks/themes_quality.py).
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from .errors import PipelineError

# Ten components keep the broad topical directions of sentence embeddings and drop most of the
# style/length noise that makes distances in 512 dimensions nearly uniform.
DEFAULT_COMPONENTS = 10
DEFAULT_NEIGHBOURS = 15  # the neighbourhood size UMAP and BERTopic use by default
_SEARCH_COMPONENTS = 50  # neighbours are searched in a 50-d PCA space: 10x cheaper than 512-d, same ranks
# Up to this many texts, every pair is compared (exact neighbours; 3.5 s at 20 000 on one core). Beyond, the
# cost of comparing all pairs grows with the square of n (87 s at 100 000), so the search is restricted to
# nearby cells of a k-means partition (``_nearest_by_cells``).
EXACT_NEIGHBOURS_MAX = 20_000
_PROBED_CELLS = 10  # cells searched for the neighbours of each cell's members: its own and the 9 nearest
_REFINEMENTS = 2  # rounds of neighbours-of-neighbours after the cells (``_neighbours_of_neighbours``)
_BLOCK_VALUES = 1 << 24  # similarities computed at a time (64 MB of float32)


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
    if len(projected) <= EXACT_NEIGHBOURS_MAX:
        neighbours = (
            NearestNeighbors(n_neighbors=k).fit(projected).kneighbors(projected, return_distance=False)
        )
    else:
        neighbours = _nearest_by_cells(projected.astype(np.float32), k)
    return normalize(projected[neighbours].mean(axis=1)).astype(np.float32)


def _nearest_by_cells(unit: np.ndarray, k: int, *, seed: int = 0) -> np.ndarray:
    """The ``k`` nearest rows of each row of ``unit`` (unit vectors; itself included), searched only among
    the members of ``_PROBED_CELLS`` nearby cells of a k-means partition into about sqrt(n) cells: the
    inverted-file index of FAISS ("IVF-flat"). Cost n^1.5 instead of n^2, memory bounded by blocks; a
    true neighbour lying in a cell that is not searched can be missed; two rounds of neighbours of
    neighbours then recover part of them. Seeded: same input, same neighbours."""
    n = len(unit)
    n_cells = max(1, round(math.sqrt(n)))
    rng = np.random.default_rng(seed)
    sample = unit[rng.choice(n, size=min(n, 50 * n_cells), replace=False)]
    centres = (
        KMeans(n_clusters=n_cells, n_init=1, max_iter=20, random_state=seed).fit(sample).cluster_centers_
    )
    centres = centres.astype(np.float32)
    cell = np.empty(n, dtype=np.int64)
    block = max(1, _BLOCK_VALUES // n_cells)
    for start in range(0, n, block):
        cell[start : start + block] = np.argmax(unit[start : start + block] @ centres.T, axis=1)
    members = [np.flatnonzero(cell == c) for c in range(n_cells)]
    sizes = np.array([len(m) for m in members])
    nearest_cells = np.argsort(-(centres @ centres.T), axis=1, kind="stable")
    result = np.empty((n, k), dtype=np.int64)
    for c in np.flatnonzero(sizes):
        order = nearest_cells[c]
        # The nearest cells, at least _PROBED_CELLS of them and enough to hold k rows.
        enough = int(np.searchsorted(np.cumsum(sizes[order]), k)) + 1
        candidates = np.concatenate([members[j] for j in order[: max(_PROBED_CELLS, enough)]])
        vectors = unit[candidates]
        block = max(1, _BLOCK_VALUES // len(candidates))
        queries = members[c]
        for start in range(0, len(queries), block):
            rows = queries[start : start + block]
            similarity = unit[rows] @ vectors.T
            best = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
            result[rows] = candidates[best]
    for _ in range(_REFINEMENTS):
        result = _neighbours_of_neighbours(unit, result)
    return result


def _neighbours_of_neighbours(unit: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """One local join of NN-descent: each row's k nearest among its neighbours and their neighbours (a
    neighbour of a neighbour is likely a neighbour), which recovers most of those the cells missed."""
    n, k = neighbours.shape
    result = np.empty_like(neighbours)
    block = max(1, _BLOCK_VALUES // (k * k * unit.shape[1]))
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        candidates = np.sort(neighbours[neighbours[rows]].reshape(len(rows), k * k), axis=1)
        similarity = np.einsum("rcd,rd->rc", unit[candidates], unit[rows])
        similarity[:, 1:][candidates[:, 1:] == candidates[:, :-1]] = -np.inf  # each candidate once
        best = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        result[rows] = np.take_along_axis(candidates, best, axis=1)
    return result


def map_2d(vectors: np.ndarray) -> np.ndarray:
    """2-D coordinates for the theme map (first two principal components)."""
    vectors = _check(vectors)
    n_components = min(2, vectors.shape[1])
    coords = PCA(n_components=n_components, svd_solver="covariance_eigh").fit_transform(vectors)
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(len(coords))])
    return coords.astype(np.float32)
