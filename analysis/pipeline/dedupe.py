"""Dedupe stage: group exact and near-duplicate contributions (copy-paste campaigns).

A campaign of 300 identical letters is one opinion voiced 300 times: downstream it counts once in theme
shares and is reported separately with its size. Near-duplicates are found on character n-gram TF-IDF
vectors (robust to a changed name, a typo or a signature): candidate pairs come from MinHash
locality-sensitive hashing, each is checked with the exact cosine, and the links are grouped transitively
with scipy's connected components.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfTransformer

from .errors import PipelineError

DEFAULT_THRESHOLD = 0.85  # char 4-gram cosine: "je suis pour/contre X" (short) is ~0.82, stays apart

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")  # accents


class DedupeError(PipelineError):
    """Bad dedupe input or parameter."""


@dataclass(frozen=True)
class DedupeResult:
    """Duplicate groups over the input texts (one group per distinct contribution)."""

    group: np.ndarray  # (n,) group id of each text, 0..n_groups-1 in order of first appearance
    representative: np.ndarray  # (n_groups,) index of the first text of each group: the one analysed
    size: np.ndarray  # (n_groups,) number of texts in each group
    threshold: float

    @classmethod
    def from_groups(cls, group_ids: Sequence[int], threshold: float = DEFAULT_THRESHOLD) -> DedupeResult:
        """Rebuild a result from stored group ids (any numbering; renumbered in order of first appearance,
        as ``dedupe`` numbers them), so a caller that saved the grouping need not compute it again."""
        ids = np.asarray(group_ids, dtype=np.int64)
        if len(ids) == 0:
            return cls(np.zeros(0, int), np.zeros(0, int), np.zeros(0, int), threshold)
        _, first_index, inverse, size = np.unique(
            ids, return_index=True, return_inverse=True, return_counts=True
        )
        order = np.argsort(first_index, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        return cls(
            group=rank[inverse], representative=first_index[order], size=size[order], threshold=threshold
        )

    @property
    def campaigns(self) -> list[int]:
        """Group ids with more than one member, largest first."""
        ids = np.flatnonzero(self.size > 1)
        return [int(i) for i in ids[np.argsort(-self.size[ids], kind="stable")]]


def exact_key(text: str) -> str:
    """Key under which two texts are identical: accents, case, punctuation and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _NON_WORD.sub(" ", _COMBINING.sub("", decomposed)).strip()


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
    """Sparse graph linking texts whose char 4-gram TF-IDF cosine is >= ``threshold``.

    Comparing all pairs is quadratic (about 50 s for 20 000 texts), so candidate pairs come from
    MinHash locality-sensitive hashing on the 4-gram sets: texts that agree on all the minima of one
    band of ``_ROWS`` hash permutations share a bucket. Every candidate is then checked with the exact
    cosine, so LSH can only miss a link (rarely, for pairs near the threshold), never invent one.
    """
    n = len(unique_texts)
    empty = csr_matrix((n, n), dtype=np.int8)
    if threshold >= 1.0 or n < 2:
        return empty
    matrix = _char_ngram_tfidf(unique_texts)
    if matrix.nnz == 0:  # only texts shorter than one n-gram: nothing to compare
        return empty
    rows, cols = _lsh_candidates(matrix)
    if len(rows) == 0:
        return empty
    keep = _pair_cosines(matrix, rows, cols) >= threshold
    return csr_matrix((np.ones(keep.sum(), dtype=np.int8), (rows[keep], cols[keep])), shape=(n, n))


def _pair_cosines(matrix: csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Cosine of each candidate pair (rows of unit vectors), ``_PAIRS_PER_CHUNK`` pairs at a time."""
    cosine = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), _PAIRS_PER_CHUNK):
        span = slice(start, start + _PAIRS_PER_CHUNK)
        cosine[span] = np.asarray(matrix[rows[span]].multiply(matrix[cols[span]]).sum(axis=1)).ravel()
    return cosine


_GRAM = 4
# Candidate pairs checked at a time: the two gathered row sets of a chunk hold about 2 x 100 000 x (n-grams
# per text) values, tens of MB, where all pairs at once held 3 GB on 100 000 texts.
_PAIRS_PER_CHUNK = 100_000
_TEXTS_PER_BLOCK = 10_000  # texts hashed at a time
_BUCKETS = 1 << 22  # 4 M hashed n-gram columns: collisions are negligible for near-duplicate checks


def _char_ngram_tfidf(texts: list[str]) -> csr_matrix:
    """L2-normalised TF-IDF of character 4-grams (sublinear tf), one row per text.

    The n-grams are hashed with numpy on the code points (the hashing trick, into ``_BUCKETS`` columns),
    ``_TEXTS_PER_BLOCK`` texts at a time: scikit-learn's char analyzer does this in a Python loop per
    text, several times slower on 20 000 texts, and the whole corpus at once took several 64-bit arrays
    as long as all its characters together (gigabytes at 100 000 texts). Weighting is scikit-learn's
    TfidfTransformer.
    """
    counts = vstack(
        [
            _hashed_counts(texts[start : start + _TEXTS_PER_BLOCK])
            for start in range(0, len(texts), _TEXTS_PER_BLOCK)
        ],
        format="csr",
    )
    if counts.nnz == 0:
        return csr_matrix((len(texts), 0), dtype=np.float32)
    used = np.flatnonzero(np.bincount(counts.indices, minlength=_BUCKETS))
    counts = counts[:, used]  # drop empty columns: LSH permutes the columns
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts).astype(np.float32).tocsr()


def _hashed_counts(texts: list[str]) -> csr_matrix:
    """Count of each hashed character 4-gram in each text, (len(texts), _BUCKETS)."""
    separator = "\x00"  # a code point that never occurs in a key, so no n-gram spans two texts
    codes = np.frombuffer((separator.join(texts) + separator).encode("utf-32-le"), dtype=np.uint32)
    is_separator = codes == 0
    doc = np.cumsum(is_separator) - is_separator  # index of the text each position belongs to
    codes = codes.astype(np.uint64)
    last = len(codes) - _GRAM + 1
    if last <= 0:  # a block of one text shorter than one n-gram
        return csr_matrix((len(texts), _BUCKETS), dtype=np.float32)
    valid = ~np.logical_or.reduce([is_separator[i : i + last] for i in range(_GRAM)])
    if not valid.any():
        return csr_matrix((len(texts), _BUCKETS), dtype=np.float32)
    key = np.zeros(last, dtype=np.uint64)
    for i in range(_GRAM):
        key = key * np.uint64(1_000_003) + codes[i : i + last]  # wraps: a hash of the 4 code points
    column = (key % np.uint64(_BUCKETS)).astype(np.int64)[valid]
    counts = csr_matrix(
        (np.ones(len(column), dtype=np.float32), (doc[:last][valid], column)), shape=(len(texts), _BUCKETS)
    )
    counts.sum_duplicates()
    return counts


# A pair at the default threshold (cosine 0.85, 4-gram Jaccard about 0.74) shares a band with
# probability 1 - (1 - 0.74^4)^10 = 0.97; unrelated texts (Jaccard ~0.05) almost never do.
_BANDS, _ROWS = 10, 4


def _lsh_candidates(matrix: csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (row, col): in some band, ``col`` shares the bucket of its first member ``row``."""
    n_features = matrix.shape[1]
    has_grams = np.diff(matrix.indptr) > 0
    starts = matrix.indptr[:-1][has_grams]
    ids = np.flatnonzero(has_grams)
    rng = np.random.default_rng(0)  # fixed: the same corpus always gives the same candidates
    pairs = []
    for _ in range(_BANDS):
        bucket = np.zeros(len(ids), dtype=np.uint64)
        for _ in range(_ROWS):
            rank = rng.permutation(n_features).astype(np.uint64)  # a random order of the n-grams
            minimum = np.minimum.reduceat(rank[matrix.indices], starts)
            bucket = bucket * np.uint64(1_000_003) + minimum  # wraps: a hash of the band's minima
        order = np.argsort(bucket, kind="stable")
        sorted_bucket = bucket[order]
        first = np.r_[True, sorted_bucket[1:] != sorted_bucket[:-1]]
        leader = order[np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))]
        linked = leader != order
        pairs.append(np.column_stack([ids[leader[linked]], ids[order[linked]]]))
    unique_pairs = np.unique(np.vstack(pairs), axis=0) if pairs else np.zeros((0, 2), dtype=int)
    return unique_pairs[:, 0], unique_pairs[:, 1]
