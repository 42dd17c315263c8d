"""Which step of our opinion groups moves them away from Pol.is's own groups? (decision 0008)

For each Pol.is export folder given, computes the participants' positions once (the steps Pacte shares with
Pol.is), then clusters them with each variant below and prints the adjusted Rand index against Pol.is's
``group-id`` (participants both placed), the group sizes and the k chosen. Never asserts.

Variants of the clustering (the positions are the same):
- ``polis``: Pol.is's k-means as published (clusters.clj), started from the first distinct points, its
  iteration limits (100 base, 20 group); the default since decision 0008.
- ``polis_converged``: the same, run until no centre moves (no iteration limit).
- ``polis_shuffled``: the same, first distinct points in a random participant order (Pol.is keeps in-conv
  participants in a hash set, so its "first" points are in no meaningful order); seeds 0-9.
- ``candidates``: decision 0007 (ten scikit-learn candidates, lowest within-group sum of squares).
- ``sklearn_one``: one scikit-learn candidate (k-means++ base, 10 inits at the group level); seeds 0-9.
- ``one_level``: k-means++ on the participants directly, k by their silhouette (red-dwarf without base
  clusters); seed 0.

Variants of the positions (clustered with ``candidates``, the default): ``no_scaling`` (no sqrt(n / n_votes)
stretch), ``scaling_without_moderated`` (moderated-out statements not counted as votes),
``power_iteration`` (Pol.is's PCA: 100 power iterations from a vector of ones instead of an exact SVD),
``no_top_up`` (in-conv without the 15 most active), ``threshold_7`` (in-conv at 7 votes even with fewer
statements).

Also prints, for Pol.is's own partition in our positions: its within-group sum of squares relative to ours,
and the share of participants nearer another group's centre (0 = a fixed point of k-means).

Run: ``python benchmarks/polis_ablation.py /work/shared/data/polis/*`` (one JSON line per conversation).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pipeline import opinion  # noqa: E402
from analysis.pipeline.opinion import OpinionParameters  # noqa: E402
from consultation.polis_export import read_polis_export  # noqa: E402

SEEDS = range(10)


def power_iteration_components(centred, n_components: int = 2, iters: int = 100) -> np.ndarray:
    """Pol.is pca.clj: power iteration from a vector of ones, deflating each component found."""
    dense = centred.toarray()
    components = []
    for _ in range(n_components):
        vector = np.ones(dense.shape[1])
        for _ in range(iters):
            product = dense.T @ (dense @ vector)
            norm = np.linalg.norm(product)
            if norm == 0:
                break
            vector = product / norm
        components.append(vector)
        dense = dense - np.outer(dense @ vector, vector) / (vector @ vector)
    return np.array(components)


def positions(matrix, variant: str) -> np.ndarray:
    if variant == "power_iteration":
        centred = matrix.centred()
        points = np.asarray(centred @ power_iteration_components(centred).T)
        n_votes = np.maximum(matrix.votes_per_participant() + matrix.n_moderated_out_voted, 1)
        return points * np.sqrt(matrix.n_proposals_voted / n_votes)[:, None]
    points, _ = opinion._project(matrix, 0)
    if variant == "no_scaling":
        n_votes = np.maximum(matrix.votes_per_participant() + matrix.n_moderated_out_voted, 1)
        return points / np.sqrt(matrix.n_proposals_voted / n_votes)[:, None]
    if variant == "scaling_without_moderated":
        with_moderated = np.maximum(matrix.votes_per_participant() + matrix.n_moderated_out_voted, 1)
        without = np.maximum(matrix.votes_per_participant(), 1)
        factor = np.sqrt(len(matrix.proposals) / without) / np.sqrt(matrix.n_proposals_voted / with_moderated)
        return points * factor[:, None]
    return points


def clustered(matrix, variant: str) -> np.ndarray:
    params = OpinionParameters()
    if variant == "no_top_up":
        params = replace(params, min_clustered=0)
    if variant == "threshold_7":
        return np.flatnonzero((matrix.participation >= 7) & (matrix.votes_per_participant() > 0))
    return opinion._clustered_participants(matrix, params)


def polis_labels(points: np.ndarray, params: OpinionParameters, order: np.ndarray | None = None):
    if order is None:
        order = np.arange(len(points))
    labels, silhouettes, _ = opinion._group(points[order], params, 0)
    result = np.empty_like(labels)
    result[order] = labels
    return result, silhouettes


def one_level(points: np.ndarray, seed: int):
    best = None
    for k in range(2, 6):
        labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(points)
        score = silhouette_score(points, labels)
        if best is None or score > best[1]:
            best = (labels, score)
    return best[0]


def wcss(points: np.ndarray, labels: np.ndarray) -> float:
    return opinion._within_sum_of_squares(points, labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    args = parser.parse_args()
    for folder in (f for f in args.folders if f.is_dir()):
        export = read_polis_export(folder)
        matrix = opinion.build_vote_matrix(
            export.vote_triples(),
            proposals=[c.comment_id for c in export.comments],
            moderated_out=export.moderated_out_ids | export.meta_ids,  # Pol.is zeroes both
        )
        theirs = {p: g for p, g in export.polis_groups.items() if g is not None}
        row = {
            "conversation": folder.name,
            "polis_group_sizes": sorted(np.bincount(list(theirs.values())))[::-1],
        }
        row["polis_group_sizes"] = [int(n) for n in row["polis_group_sizes"] if n]

        def score(indices: np.ndarray, labels: np.ndarray, matrix=matrix, theirs=theirs) -> dict:
            ours = {matrix.participants[i]: int(g) for i, g in zip(indices, labels, strict=True)}
            both = sorted(set(ours) & set(theirs))
            ari = adjusted_rand_score([theirs[p] for p in both], [ours[p] for p in both])
            sizes = sorted(np.bincount(labels).tolist(), reverse=True)
            return {"ari": round(float(ari), 3), "sizes": [s for s in sizes if s]}

        base_points = positions(matrix, "exact")
        members = clustered(matrix, "default")
        points = base_points[members]
        polis = OpinionParameters(clustering="polis")
        candidates = OpinionParameters(clustering="candidates")
        reference, _ = polis_labels(points, candidates)
        ours_wcss = wcss(points, reference)

        def score_here(labels: np.ndarray, points=points, members=members, ours_wcss=ours_wcss) -> dict:
            # within-group sum of squares relative to the candidates' partition (same k or not)
            return score(members, labels) | {"wcss_ratio": round(wcss(points, labels) / ours_wcss, 4)}

        variants = {}
        labels, silhouettes = polis_labels(points, polis)
        variants["polis"] = score_here(labels) | {"silhouettes": [[k, round(s, 3)] for k, s in silhouettes]}
        labels, _ = polis_labels(points, replace(polis, base_iters=10_000, group_iters=10_000))
        variants["polis_converged"] = score_here(labels)
        shuffled = [
            score(members, polis_labels(points, polis, np.random.default_rng(s).permutation(len(points)))[0])
            for s in SEEDS
        ]
        variants["polis_shuffled"] = summary(shuffled)
        variants["candidates"] = score_here(reference)
        single = [
            score(members, opinion._group(points, replace(candidates, restarts=1), s)[0]) for s in SEEDS
        ]
        variants["sklearn_one"] = summary(single)
        variants["one_level"] = score_here(one_level(points, 0))
        for variant in ("no_scaling", "scaling_without_moderated", "power_iteration"):
            moved = positions(matrix, variant)[members]
            variants[variant] = score(members, polis_labels(moved, candidates)[0])
            if variant == "power_iteration":
                variants[variant]["max_position_difference"] = round(
                    float(np.abs(np.abs(moved) - np.abs(points)).max()), 6
                )
        for variant in ("no_top_up", "threshold_7"):
            chosen = clustered(matrix, variant)
            variants[variant] = score(chosen, polis_labels(base_points[chosen], candidates)[0]) | {
                "clustered": len(chosen)
            }
        # Pol.is's own partition, in our positions, on the participants both clustered.
        mask = np.array([matrix.participants[i] in theirs for i in members])
        their_labels = np.array([theirs[matrix.participants[i]] for i in members[mask]])
        row["polis_partition"] = partition_diagnostics(points[mask], their_labels, reference[mask])
        row["variants"] = variants
        print(json.dumps(row), flush=True)


def partition_diagnostics(points: np.ndarray, theirs: np.ndarray, ours: np.ndarray) -> dict:
    """Is Pol.is's partition a converged k-means partition of our positions? Its within-group sum of squares
    relative to ours, and the share of participants nearer another of its groups' centres than their own."""
    groups = np.unique(theirs)
    centres = np.array([points[theirs == g].mean(axis=0) for g in groups])
    nearest = groups[((points[:, None] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)]
    return {
        "wcss_vs_candidates": round(wcss(points, theirs) / wcss(points, ours), 4),
        "share_nearer_another_centre": round(float((nearest != theirs).mean()), 3),
    }


def summary(scores: list[dict]) -> dict:
    aris = [s["ari"] for s in scores]
    return {"ari_mean": round(float(np.mean(aris)), 3), "ari_min": min(aris), "ari_max": max(aris)}


if __name__ == "__main__":
    main()
