"""Opinion groups on a larger, sparser copy of a Pol.is conversation: which clustering rule holds at scale?

The held-out conversations of issue 20 are large (about 2,000 participants) and most of their participants
voted on few statements. We have none such. This builds one from a shared export: participants are drawn
with replacement up to ``--participants``; a share ``--sparse`` of the copies keeps only a random 7 to 20
of their original votes (Pol.is's in-conv threshold is 7). Each copy keeps its original's Pol.is
``group-id`` as its label: Pol.is's own answer for that person, not a re-computation of Pol.is's method.
Copies are then clustered by each rule below, on the same positions (``analysis.pipeline.opinion``'s
projection), and scored by the adjusted Rand index against those labels (copies both clustered and
labelled). Never asserts; one JSON line per conversation and draw.

Rules (all on the same positions, all with k by the silhouette of the base centres, as Pol.is):
- ``candidates``: the default (decision 0007): ten two-level candidates (scikit-learn, one base k-means
  each), the one with the lowest within-group sum of squares of the participants.
- ``candidates_group_objective``: the same ten candidates, the one whose group k-means reached the lowest
  weighted sum of squares of its base centres (the objective Pol.is's group level minimises).
- ``one_candidate``: one candidate (a plain re-implementation of the published two levels), seeds 0-4.
- ``polis``: Pol.is's k-means from scratch (``clustering="polis"``, decision 0011).

Run: ``python benchmarks/polis_bootstrap.py /work/shared/data/polis/canadian-electoral-reform
--participants 2000 --sparse 0.7 --draws 2``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pipeline import opinion  # noqa: E402
from analysis.pipeline.opinion import OpinionParameters  # noqa: E402
from consultation.polis_export import read_polis_export  # noqa: E402


def bootstrap(export, n: int, sparse_share: float, rng: np.random.Generator):
    """Vote triples of n copies of participants drawn with replacement, and each copy's Pol.is label."""
    by_voter: dict[int, list[tuple[int, int]]] = {}
    for v in export.votes:
        by_voter.setdefault(v.voter_id, []).append((v.comment_id, v.value))
    voters = sorted(by_voter)
    triples, labels, thinned = [], {}, set()
    for copy, original in enumerate(rng.choice(voters, size=n, replace=True).tolist()):
        votes = by_voter[original]
        if rng.random() < sparse_share and len(votes) > 7:
            keep = int(rng.integers(7, 21))
            if keep < len(votes):
                votes = [votes[i] for i in sorted(rng.choice(len(votes), size=keep, replace=False))]
                thinned.add(copy)
        triples.extend((copy, comment, value) for comment, value in votes)
        if export.polis_groups.get(original) is not None:
            labels[copy] = export.polis_groups[original]
    return triples, labels, thinned


def lloyd(points: np.ndarray, centres: np.ndarray, iters: int = 100) -> np.ndarray:
    """Plain k-means steps from given centres (Pol.is's warm start at the group level, one level only)."""
    for _ in range(iters):
        labels = ((points[:, None] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
        new = np.array([points[labels == g].mean(axis=0) for g in range(len(centres))])
        if np.allclose(new, centres):
            break
        centres = new
    return labels


def two_levels(points: np.ndarray, params: OpinionParameters, seed: int) -> dict:
    """One candidate, keeping what the rules need: labels per k, silhouettes, base-level objective per k."""
    base = KMeans(n_clusters=params.base_clusters, n_init=1, random_state=seed).fit(points)
    centers, base_labels = base.cluster_centers_, base.labels_
    weights = np.bincount(base_labels, minlength=len(centers)).astype(float)
    max_k = min(params.max_groups, 2 + len(centers) // 12, len(centers) - 1)
    out = {"labels": {}, "silhouettes": [], "group_objective": {}}
    for k in range(2, max_k + 1):
        group = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(centers, sample_weight=weights)
        out["labels"][k] = group.labels_[base_labels]
        out["silhouettes"].append((k, float(silhouette_score(centers, group.labels_))))
        out["group_objective"][k] = float(group.inertia_)
    return out


def best_k(silhouettes: list) -> int:
    return max(silhouettes, key=lambda ks: ks[1])[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--sparse", type=float, default=0.7)
    parser.add_argument("--draws", type=int, default=2)
    args = parser.parse_args()
    params = OpinionParameters()
    for folder in args.folders:
        export = read_polis_export(folder)
        proposals = [c.comment_id for c in export.comments]
        excluded = export.moderated_out_ids | export.meta_ids
        for draw in range(args.draws):
            start = time.perf_counter()
            triples, truth, thinned = bootstrap(
                export, args.participants, args.sparse, np.random.default_rng(draw)
            )
            matrix = opinion.build_vote_matrix(triples, proposals=proposals, moderated_out=excluded)
            positions, _ = opinion._project(matrix, 0)
            members = opinion._clustered_participants(matrix, params)
            points = positions[members]
            ids = [matrix.participants[i] for i in members]
            labelled = np.array([p in truth for p in ids])
            truth_labels = np.array([truth[p] for p in ids if p in truth])
            sparse_copy = np.array([p in thinned for p in ids])

            def score(labels: np.ndarray, labelled=labelled, truth_labels=truth_labels) -> dict:
                sizes = sorted(np.bincount(labels).tolist(), reverse=True)
                return {
                    "ari": round(float(adjusted_rand_score(truth_labels, labels[labelled])), 3),
                    "sizes": [s for s in sizes if s],
                }

            candidates = [
                two_levels(points, params, int(s)) for s in np.random.SeedSequence(0).generate_state(10)
            ]
            ks = [best_k(c["silhouettes"]) for c in candidates]
            k = max(set(ks), key=lambda kk: (ks.count(kk), -kk))
            able = [c for c in candidates if k in c["labels"]]
            row = {
                "conversation": folder.name,
                "draw": draw,
                "participants": args.participants,
                "sparse_share": args.sparse,
                "clustered": len(members),
                "truth_sizes": sorted(np.bincount(truth_labels).tolist(), reverse=True),
                "median_votes_clustered": float(np.median(matrix.votes_per_participant()[members])),
            }
            default = opinion._group(points, params, 0)[0]
            variants = {
                "candidates": score(default)
                | {
                    "ari_full_voters": round(
                        float(
                            adjusted_rand_score(
                                truth_labels[~sparse_copy[labelled]], default[labelled & ~sparse_copy]
                            )
                        ),
                        3,
                    ),
                    "ari_thinned_voters": round(
                        float(
                            adjusted_rand_score(
                                truth_labels[sparse_copy[labelled]], default[labelled & sparse_copy]
                            )
                        ),
                        3,
                    ),
                },
                "candidates_group_objective": score(
                    min(able, key=lambda c: c["group_objective"][k])["labels"][k]
                ),
            }
            single = [score(opinion._group(points, replace(params, restarts=1), s)[0]) for s in range(5)]
            variants["one_candidate"] = {
                "ari_mean": round(float(np.mean([s["ari"] for s in single])), 3),
                "aris": [s["ari"] for s in single],
                "sizes": [s["sizes"] for s in single],
            }
            # History as Pol.is lives it, roughly: groups found first among the full voters (the copies not
            # thinned), then k-means steps on everyone from those groups' centres.
            dense = opinion._group(points[~sparse_copy], params, 0)[0]
            centres = np.array([points[~sparse_copy][dense == g].mean(axis=0) for g in np.unique(dense)])
            variants["warm_from_full_voters"] = score(lloyd(points, centres))
            for n_base in (50, 200):
                variants[f"base_clusters_{n_base}"] = score(
                    opinion._group(points, replace(params, base_clusters=n_base), 0)[0]
                )
            variants["polis"] = score(opinion._group(points, replace(params, clustering="polis"), 0)[0])
            # Pol.is's labels in these positions: a k-means fixed point? (decision 0011's diagnostic)
            row["truth_wcss_vs_candidates"] = round(
                opinion._within_sum_of_squares(points[labelled], truth_labels)
                / opinion._within_sum_of_squares(points[labelled], default[labelled]),
                4,
            )
            row["variants"] = variants
            row["seconds"] = round(time.perf_counter() - start, 1)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
