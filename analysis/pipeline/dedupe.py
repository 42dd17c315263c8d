"""Dedupe stage: group exact and near-duplicate contributions (copy-paste campaigns).

A campaign of 300 identical letters is one opinion voiced 300 times: downstream it counts once in theme
shares and is reported separately with its size. Near-duplicates are found on character n-gram TF-IDF
vectors (robust to a changed name, a typo or a signature) with a radius query of scikit-learn's
NearestNeighbors, then grouped transitively with scipy's connected components.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from .errors import PipelineError

DEFAULT_THRESHOLD = 0.85  # char 4-gram cosine: "je suis pour/contre X" (short) is ~0.82, stays apart

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


class DedupeError(PipelineError):
    """Bad dedupe input or parameter."""


@dataclass(frozen=True)
class DedupeResult:
    """Duplicate groups over the input texts (one group per distinct contribution)."""

    group: np.ndarray  # (n,) group id of each text, 0..n_groups-1 in order of first appearance
    representative: np.ndarray  # (n_groups,) index of the first text of each group: the one analysed
    size: np.ndarray  # (n_groups,) number of texts in each group
    threshold: float

    @property
    def campaigns(self) -> list[int]:
        """Group ids with more than one member, largest first."""
        ids = np.flatnonzero(self.size > 1)
        return [int(i) for i in ids[np.argsort(-self.size[ids], kind="stable")]]


def exact_key(text: str) -> str:
    """Key under which two texts are identical: accents, case, punctuation and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


def dedupe(texts: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD) -> DedupeResult:
    """Group texts whose normalised form is equal or whose char n-gram cosine is >= ``threshold``."""
    if not 0.0 < threshold <= 1.0:
        raise DedupeError(f"The near-duplicate threshold must be in (0, 1], got {threshold}.")
    n = len(texts)
    if n == 0:
        return DedupeResult(np.zeros(0, int), np.zeros(0, int), np.zeros(0, int), threshold)

    # Exact duplicates first: cheap, and it shrinks the near-duplicate search.
    keys = [exact_key(t) for t in texts]
    first_of_key: dict[str, int] = {}
    exact = np.array([first_of_key.setdefault(k, len(first_of_key)) for k in keys])
    unique_keys = list(first_of_key)

    links = _near_duplicate_links(unique_keys, threshold)
    _, key_component = connected_components(links, directed=False)
    component = key_component[exact]

    # Renumber components in order of first appearance so group 0 is the first text's group.
    _, first_index, inverse, size = np.unique(
        component, return_index=True, return_inverse=True, return_counts=True
    )
    order = np.argsort(first_index, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return DedupeResult(
        group=rank[inverse], representative=first_index[order], size=size[order], threshold=threshold
    )


def _near_duplicate_links(unique_texts: list[str], threshold: float) -> csr_matrix:
    n = len(unique_texts)
    if threshold >= 1.0 or n < 2 or not any(unique_texts):
        return csr_matrix((n, n), dtype=np.int8)
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), sublinear_tf=True, dtype=np.float32)
    try:
        matrix = vectors.fit_transform(unique_texts)
    except ValueError:  # only empty strings or one-character texts: nothing to compare
        return csr_matrix((n, n), dtype=np.int8)
    neighbours = NearestNeighbors(radius=1.0 - threshold, metric="cosine", algorithm="brute").fit(matrix)
    return neighbours.radius_neighbors_graph(matrix, mode="connectivity")
