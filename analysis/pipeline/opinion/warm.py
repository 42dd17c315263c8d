"""Pol.is's rule over time: each computation starts both k-means from the previous one's clusters.

Pol.is (conversation.clj ``:base-clusters``, ``:group-clusterings`` with ``:last-clusters``; clusters.clj
``clean-start-clusters``) never clusters a grown conversation from scratch: the previous base clusters,
recentred on their members' current positions, start the base k-means (the most distant points split off
into new clusters when some are missing), and the previous clustering for each k starts that k's group
k-means. Groups then move the way k-means moves them, a few votes at a time, and keep their identity.

Pacte saves the clusters with each computation (``OpinionResult.clusters``: the clustered participants,
their base cluster and their group for every k tried) and starts from them. The previous clusters are
used by membership, not by coordinates: the axes of a new PCA may turn or flip, the people stay. Without
a previous computation, or when no previous group can be rebuilt from today's participants, the cold rule
applies (``clustering``). Group numbers then follow by member overlap (``clustering._numbers``), which is
also the fallback when the warm start is off.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from .model import OpinionParameters


def saved_state(ids: Sequence[Hashable], state: Mapping[str, Any]) -> dict[str, Any]:
    """The clusters to save with a result: participant ids of the points, and their labels (JSON-ready)."""
    return {
        "participants": list(ids),
        "base": [int(b) for b in state["base"]],
        "groups": {str(k): [int(g) for g in labels] for k, labels in sorted(state["groups"].items())},
    }


def without_participant(saved: Mapping[str, Any], participant: Hashable) -> dict[str, Any]:
    """A saved state (``saved_state``) with one participant's entries removed (erasure)."""
    keep = [i for i, p in enumerate(saved.get("participants", [])) if p != participant]
    base = saved.get("base") or []
    return {
        "participants": [saved["participants"][i] for i in keep],
        "base": [base[i] for i in keep] if base else [],
        "groups": {k: [labels[i] for i in keep] for k, labels in saved.get("groups", {}).items()},
    }


def previous_state(saved: Mapping[str, Any] | None, ids: Sequence[Hashable]) -> dict[str, Any] | None:
    """A saved state (``saved_state``) as labels of the participants clustered now (``ids``, in point
    order): -1 for someone not clustered then. None when nobody clustered now was clustered then."""
    if not saved or not saved.get("participants"):
        return None
    row = {p: i for i, p in enumerate(saved["participants"])}
    index = np.array([row.get(p, -1) for p in ids], dtype=np.int64)
    if not (index >= 0).any():
        return None

    def take(labels: Sequence[int]) -> np.ndarray:
        labels = np.asarray(labels, dtype=np.int64)
        return np.where(index >= 0, labels[np.maximum(index, 0)], -1)

    return {
        "base": take(saved.get("base", [])) if saved.get("base") else np.full(len(ids), -1),
        "groups": {int(k): take(labels) for k, labels in saved.get("groups", {}).items()},
    }


def _recentred(points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The centre of each previous cluster on its members' current positions (clusters left without
    members are dropped, as Pol.is drops empty clusters)."""
    kept = np.unique(labels[labels >= 0])
    return np.array([points[labels == c].mean(axis=0) for c in kept]).reshape(-1, points.shape[1])


def _fill_farthest(points: np.ndarray, centres: np.ndarray, n: int) -> np.ndarray:
    """Up to n centres: while some are missing, the point farthest from every centre becomes one (Pol.is
    splits the most distant points off into new clusters)."""
    centres = list(centres)
    while len(centres) < n:
        distances = ((points[:, None, :] - np.array(centres)[None]) ** 2).sum(axis=2).min(axis=1)
        farthest = int(distances.argmax())
        if distances[farthest] <= 0:  # every point already sits on a centre
            break
        centres.append(points[farthest])
    return np.array(centres)


def _warm_two_levels(
    points: np.ndarray, params: OpinionParameters, seed: int, warm: Mapping[str, Any]
) -> tuple[dict[int, np.ndarray], list, np.ndarray] | None:
    """The two levels started from the previous clusters: participant labels per k, (k, silhouette of the
    base centres), base labels. None when no previous group clustering can be rebuilt (the caller then
    uses the cold rule)."""
    distinct, inverse = np.unique(points, axis=0, return_inverse=True)
    if len(distinct) <= params.base_clusters:  # few positions: each one is a base cluster (as cold)
        centres, base_labels = distinct, inverse.ravel()
    else:
        start = _recentred(points, warm["base"])
        if len(start) == 0:
            start = points[:1]
        start = _fill_farthest(points, start, params.base_clusters)
        base = KMeans(
            n_clusters=len(start), init=start, n_init=1, max_iter=params.base_iters, random_state=seed
        ).fit(points)
        centres, base_labels = base.cluster_centers_, base.labels_
    n_base = len(centres)
    if n_base < 3:
        return None
    weights = np.bincount(base_labels, minlength=n_base).astype(float)
    max_k = min(params.max_groups, 2 + n_base // 12, n_base - 1)
    labels_by_k, silhouettes, warmed = {}, [], False
    for k in range(2, max_k + 1):
        previous = warm["groups"].get(k)
        start = _recentred(points, previous) if previous is not None else np.empty((0, points.shape[1]))
        if len(start) >= 2:  # the previous clustering for k, its lost groups split off the farthest
            start = _fill_farthest(centres, start, k)
        if len(start) == k:
            warmed = True
            model = KMeans(n_clusters=k, init=start, n_init=1, max_iter=params.group_iters, random_state=seed)
        else:  # no previous clustering for this k: Pol.is starts it cold
            model = KMeans(n_clusters=k, n_init=10, random_state=seed)
        labels = model.fit_predict(centres, sample_weight=weights)
        labels_by_k[k] = labels[base_labels]
        score = silhouette_score(centres, labels) if len(set(labels.tolist())) > 1 else -1.0
        silhouettes.append((k, float(score)))
    return (labels_by_k, silhouettes, base_labels) if warmed else None
