"""Opinion groups from positions: base clusters, groups, the choice of k and its smoothing, the candidates
rule (decision 0007) and Pol.is's own k-means (``clustering="polis"``, decision 0011), group numbering."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from .model import OpinionParameters

_BASE_RESTART_BUDGET = 30_000  # participants x candidate partitions (one base k-means each)


def _numbers(members: list[list[Hashable]], previous: Mapping[Hashable, int | None]) -> list[int]:
    """A number for each group: the previous number of the group it shares the most members with
    (Hungarian assignment on the member overlap, as Pol.is keeps its group ids), else the smallest
    number not taken; without a previous computation, 0, 1, ... in the given order (largest first)."""
    old = sorted({g for g in previous.values() if g is not None})
    numbers: list[int | None] = [None] * len(members)
    if old:
        column = {g: j for j, g in enumerate(old)}
        overlap = np.zeros((len(members), len(old)))
        for i, people in enumerate(members):
            for person in people:
                g = previous.get(person)
                if g is not None:
                    overlap[i, column[g]] += 1
        rows, cols = linear_sum_assignment(-overlap)
        for i, j in zip(rows, cols, strict=True):
            if overlap[i, j] > 0:
                numbers[i] = old[j]
    taken = {n for n in numbers if n is not None}
    free = (n for n in range(len(members) + len(taken) + 1) if n not in taken)
    return [n if n is not None else next(free) for n in numbers]


def _group(
    points: np.ndarray, params: OpinionParameters, seed: int, smoother: Mapping[str, int] | None = None
) -> tuple[np.ndarray, list, dict[str, int]]:
    """Participant labels (largest group first), the silhouette of each k tried, the k smoother's state.

    ``clustering="polis"``: Pol.is's two levels as published (``_polis_two_levels``), deterministic.
    ``clustering="candidates"``: several scikit-learn candidates (``_candidates``)."""
    labels, silhouettes, smoothed, _state = _group_with_state(points, params, seed, smoother)
    return labels, silhouettes, smoothed


def _group_with_state(
    points: np.ndarray,
    params: OpinionParameters,
    seed: int,
    smoother: Mapping[str, int] | None = None,
    warm: Mapping[str, Any] | None = None,
) -> tuple[np.ndarray, list, dict[str, int], dict[str, Any]]:
    """``_group``, and the clusters a next computation starts from: ``{"base": base label of each point,
    "groups": {k: group label of each point}, "warm": whether the groups shown come from the warm start}``.

    ``warm`` (``warm.previous_state``): the previous computation's clusters, as labels of these points
    (-1: not clustered then). When given, both levels are also run from them (Pol.is's rule over time,
    ``warm._warm_two_levels``). With ``clustering="polis"`` that run is the result, as in Pol.is. With
    ``clustering="candidates"`` it is one more candidate: for each k, its partition is kept unless the
    cold candidates' is lower in within-group sum of squares by more than ``warm_tolerance`` (a previous
    partition stuck in a poor optimum is left; a near-tie keeps the groups where they were)."""
    from .warm import _warm_two_levels

    warmed = _warm_two_levels(points, params, seed, warm) if warm is not None else None
    warm_used = False
    if params.clustering == "polis":
        labels_by_k, silhouettes, base_labels = warmed or _polis_two_levels(points, params)
        # Pol.is: `(apply max-key silhouette ks)`, the last k on a tie, i.e. the larger one.
        best_k = max(silhouettes, key=lambda k_score: (k_score[1], k_score[0]))[0] if silhouettes else 2
        k, smoothed = _smooth_k(best_k, smoother or {}, params, available=set(labels_by_k))
        participant_labels, warm_used = labels_by_k[k], warmed is not None
    else:
        participant_labels, silhouettes, smoothed, labels_by_k, base_labels = _candidates(
            points, params, seed, smoother
        )
        if warmed is not None:
            warm_by_k, _warm_silhouettes, base_labels = warmed
            for k, cold in list(labels_by_k.items()):
                previous = warm_by_k.get(k)
                if previous is not None and _within_sum_of_squares(points, previous) <= (
                    1 + params.warm_tolerance
                ) * _within_sum_of_squares(points, cold):
                    labels_by_k[k] = previous
                    if k == smoothed["smoothed_k"]:
                        participant_labels, warm_used = previous, True
    state = {"base": base_labels, "groups": labels_by_k, "warm": warm_used}
    # Stable naming: largest group first (ties: leftmost centre).
    groups = sorted(
        set(participant_labels.tolist()),
        key=lambda g: (-(participant_labels == g).sum(), points[participant_labels == g, 0].mean()),
    )
    rename = np.empty(max(groups) + 1, dtype=np.int64)
    rename[groups] = np.arange(len(groups))
    return rename[participant_labels], silhouettes, smoothed, state


def _polis_two_levels(
    points: np.ndarray, params: OpinionParameters
) -> tuple[dict[int, np.ndarray], list, np.ndarray]:
    """Pol.is's clustering of one update from scratch (conversation.clj ``:base-clusters``,
    ``:group-clusterings``, ``:group-clusterings-silhouettes``): ``base_clusters`` k-means clusters of the
    participants (``base_iters`` iterations at most), then, for every k from 2 to min(max_groups,
    2 + n_base // 12), a k-means of the base centres weighted by their sizes (``group_iters`` at most),
    each scored by the silhouette of the base centres. Both k-means start from the first distinct points
    in participant order (``init-clusters``). Returns participant labels per k, (k, silhouette) and the
    base label of each participant."""
    base_labels, centers = _polis_kmeans(points, params.base_clusters, max_iters=params.base_iters)
    weights = np.bincount(base_labels, minlength=len(centers)).astype(float)
    max_k = min(params.max_groups, 2 + len(centers) // 12)
    labels_by_k, silhouettes = {}, []
    for k in range(2, max_k + 1):
        labels, _ = _polis_kmeans(centers, k, weights=weights, max_iters=params.group_iters)
        if len(np.unique(labels)) < 2:  # fewer than two distinct base centres: no split to score
            continue
        labels_by_k[k] = labels[base_labels]
        silhouettes.append((k, _silhouette(centers, labels)))
    if not labels_by_k:  # a single base position: one group (the caller finds fewer than 2 groups)
        labels_by_k[2] = np.zeros(len(points), dtype=np.int64)
    return labels_by_k, silhouettes, base_labels


def _first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of the first k distinct rows, in row order (Pol.is ``init-clusters``)."""
    _, first = np.unique(points, axis=0, return_index=True)
    return np.sort(first)[:k]


def _polis_kmeans(
    points: np.ndarray, k: int, *, weights: np.ndarray | None = None, max_iters: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """Pol.is's k-means (clusters.clj ``kmeans`` without previous clusters): centres start at the first k
    distinct points; each step assigns every point to its nearest centre, drops the clusters left empty and
    moves each centre to the (weighted) mean of its members; it stops when no centre moved by 0.01 or more
    (``same-clustering?``) or after ``max_iters`` more steps. Returns labels 0..c-1 and the c centres."""
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    centers = points[_first_distinct(points, k)]
    for _ in range(max_iters + 1):
        # squared distances as |x|^2 - 2 x.c + |c|^2 (Pol.is computes them the same way, clusters.clj Q11)
        distances = (
            (points**2).sum(axis=1)[:, None] - 2 * points @ centers.T + (centers**2).sum(axis=1)[None, :]
        )
        labels = distances.argmin(axis=1)
        used, labels = np.unique(labels, return_inverse=True)  # empty clusters are dropped
        labels = labels.ravel()
        totals = np.bincount(labels, weights=w, minlength=len(used))
        sums = [np.bincount(labels, weights=w * column, minlength=len(used)) for column in points.T]
        new = np.stack(sums, axis=1) / np.maximum(totals, 1e-300)[:, None]
        old_sorted, new_sorted = _sorted_rows(centers[used]), _sorted_rows(new)
        centers = new
        if len(used) == len(old_sorted) and np.all(np.linalg.norm(old_sorted - new_sorted, axis=1) < 0.01):
            break
    return labels, centers


def _sorted_rows(rows: np.ndarray) -> np.ndarray:
    return rows[np.lexsort(rows.T[::-1])]


def _silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of the points (Pol.is ``silhouette``: a point alone in its cluster scores 0)."""
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    clusters = np.unique(labels)
    scores = np.zeros(len(points))
    for i in range(len(points)):
        own = labels == labels[i]
        if own.sum() == 1:
            continue
        a = distances[i, own].sum() / (own.sum() - 1)
        b = min(distances[i, labels == c].mean() for c in clusters if c != labels[i])
        scores[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return float(scores.mean())


def _candidates(
    points: np.ndarray, params: OpinionParameters, seed: int, smoother: Mapping[str, int] | None
) -> tuple[np.ndarray, list, dict[str, int], dict[int, np.ndarray], np.ndarray]:
    """Pacte's earlier rule (decision 0007): several scikit-learn candidates of the two levels from
    different seeds; k is the one most candidates choose (ties: the higher mean silhouette), and the
    partition the candidate with the lowest within-group sum of squares of the participants. Also returns
    that candidate's labels for every k and its base labels (the clusters a next computation starts from)."""
    distinct = np.unique(points, axis=0)
    if len(distinct) <= params.base_clusters:  # each distinct position is a base cluster: one candidate
        n_candidates = 1
    else:
        # One base k-means per candidate, bounded by a work budget (10,000 participants: 3 candidates).
        n_candidates = max(1, min(params.restarts, _BASE_RESTART_BUDGET // len(points)))
    seeds = np.random.SeedSequence(seed).generate_state(n_candidates)
    candidates = [_two_levels(points, params, int(s)) for s in seeds]
    votes_for_k: dict[int, list[float]] = {}
    for _labels_by_k, silhouettes, _base in candidates:
        best_k = max(silhouettes, key=lambda k_score: k_score[1])[0] if silhouettes else 2
        votes_for_k.setdefault(best_k, []).append(max((s for _, s in silhouettes), default=0.0))
    best_k = max(votes_for_k, key=lambda k: (len(votes_for_k[k]), float(np.mean(votes_for_k[k])), -k))
    k, smoothed = _smooth_k(best_k, smoother or {}, params, available={k for c in candidates for k in c[0]})
    chosen = min((c for c in candidates if k in c[0]), key=lambda c: _within_sum_of_squares(points, c[0][k]))
    return chosen[0][k], chosen[1], smoothed, chosen[0], chosen[2]


def _smooth_k(
    best_k: int, previous: Mapping[str, int], params: OpinionParameters, available: set[int]
) -> tuple[int, dict[str, int]]:
    """Pol.is's group-k smoother: the number of groups changes only once the new best k has been the
    best ``k_buffer`` computations in a row; until then the previous k is kept (if it can still be made)."""
    count = previous.get("last_k_count", 0) + 1 if previous.get("last_k") == best_k else 1
    kept = previous.get("smoothed_k")
    k = best_k if count >= params.k_buffer or kept is None or kept not in available else kept
    return k, {"last_k": best_k, "last_k_count": count, "smoothed_k": k}


def _within_sum_of_squares(points: np.ndarray, labels: np.ndarray) -> float:
    return float(
        sum(((points[labels == g] - points[labels == g].mean(axis=0)) ** 2).sum() for g in np.unique(labels))
    )


def _two_levels(points: np.ndarray, params: OpinionParameters, seed: int) -> tuple[dict, list, np.ndarray]:
    """One candidate: participant labels for every k tried, the silhouette of each k, the base labels."""
    distinct, base_labels = np.unique(points, axis=0, return_inverse=True)
    base_labels = base_labels.ravel()
    if len(distinct) <= params.base_clusters:  # few enough positions: each one is a base cluster
        centers = distinct
    else:
        base = KMeans(n_clusters=params.base_clusters, n_init=1, random_state=seed).fit(points)
        centers, base_labels = base.cluster_centers_, base.labels_
    n_base = len(centers)
    weights = np.bincount(base_labels, minlength=n_base).astype(float)
    if n_base == 2:  # two positions only: they are the two groups
        return {2: np.array([0, 1])[base_labels]}, [], base_labels
    # Pol.is: at most 2 + n_base / 12 groups, so small conversations are not over-split.
    max_k = min(params.max_groups, 2 + n_base // 12, n_base - 1)
    labels_by_k, silhouettes = {}, []
    for k in range(2, max_k + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(
            centers, sample_weight=weights
        )
        labels_by_k[k] = labels[base_labels]
        score = silhouette_score(centers, labels) if len(set(labels.tolist())) > 1 else -1.0
        silhouettes.append((k, float(score)))
    return labels_by_k, silhouettes, base_labels
