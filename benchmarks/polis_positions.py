"""Which positions and clustering do Pol.is's groups follow on large sparse conversations? (decision 0020)

The held-out conversations of issue 20 are large and sparse, and a "plain re-implementation of the published
method" read closer to Pol.is there than we do. Plain re-implementations differ from Pol.is's code in known
ways (red-dwarf ``implementations/``, compdemocracy's analysis notebooks): a single k-means of the
participants, k by their own silhouette; the PCA fitted on the participants kept for clustering only;
missing votes filled with 0. Pol.is's own code filled missing votes with 0 too, until 2017-10-21
(delphi/docs/MATH_ALGORITHM_HISTORY.md, commit 90b5b9e62), and an export's ``group-id`` is the one computed
by whatever code ran the conversation's last update. This measures each variant, one at a time, on:

- each export itself: ARI against Pol.is's ``group-id`` (participants both clustered), group sizes, and
  decision 0011's fixed-point diagnostics of Pol.is's partition in these positions (its within-group sum of
  squares relative to ours, and the share of its participants nearer another of its groups' centres);
  ``few_votes``: the same ARI restricted to participants with at most 15 votes;
- large sparse copies (``benchmarks/polis_bootstrap.py``'s ``bootstrap``: participants drawn with
  replacement, a share thinned to 7-20 votes, each copy labelled with its original's Pol.is group): ARI,
  sizes, and ARI on the thinned copies alone. The labels there are the originals' (from all their votes): a
  measure of how well few votes recover a person's group, not of fidelity to Pol.is, which would place a
  thinned copy from its few votes.

Position variants (the clustering is the default, ten candidates):
- ``mean``: ours and Pol.is's since 2017-10-21: missing votes at the statement's mean, PCA on every
  participant, sparsity-aware projection (sqrt(n / n_votes)).
- ``mean_in_conv``: the same, with the PCA and the means fitted on the clustered participants only.
- ``zero``: Pol.is before 2017-10-21: missing votes filled with 0 (a pass), the centre the mean of that
  filled matrix, the same sparsity-aware projection of the votes cast.
Clustering variant (on ``mean`` positions): ``one_level``: k-means++ (10 inits) of the participants, k in
2..5 by their silhouette (red-dwarf without base clusters).

``--synthetic N``: instead, N synthetic conversations of two camps of known size (``sparse_camps``: 450 and
150, 70 % of them voting on 7-15 of 60 statements seen at random, 300 visitors with 1-6 votes): sizes and ARI
against the camps for each position rule, and for Pol.is's own mechanics over time (``replay_camps``: the
participants arriving in a random order, an update every 30 of them, both k-means started from the previous
update's clusters as ``benchmarks/polis_replay.py`` does). ``--arrival``: the same camps as a conversation
unfolds (``arriving_camps``: statements appear over time, each person votes on those already there), Pol.is's
mechanics replayed in arrival order.

Run: ``python benchmarks/polis_positions.py /work/shared/data/polis/15-per-hour-seattle [--draws 1]
[--participants 2000 --sparse 0.7]``, or ``python benchmarks/polis_positions.py --synthetic 3``. One JSON
line per conversation (and per draw). Never asserts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pipeline import opinion  # noqa: E402
from analysis.pipeline.opinion import OpinionParameters  # noqa: E402
from benchmarks.polis_bootstrap import bootstrap  # noqa: E402
from benchmarks.polis_replay import warm_kmeans  # noqa: E402
from consultation.polis_export import read_polis_export  # noqa: E402

POSITIONS = ("mean", "mean_in_conv", "zero")


def sparse_camps(
    majority: int = 450, minority: int = 150, visitors: int = 300, statements: int = 60, *, seed: int = 0
) -> tuple[list[tuple[int, int, int]], dict[int, str]]:
    """Two camps; 70 % of their members vote on 7 to 15 random statements, the rest on all of them; and
    visitors with 1 to 6 votes (not enough to be placed). Two statements in five divide the camps (85 %
    against 15 % agreement), the others both camps agree with 70 % of the time; one vote in ten is a pass."""
    rng = np.random.default_rng(seed)
    divisive = np.arange(statements) % 5 < 2
    leans_a = np.arange(statements) % 2 == 0
    agree = {
        "A": np.where(divisive, np.where(leans_a, 0.85, 0.15), 0.7),
        "B": np.where(divisive, np.where(leans_a, 0.15, 0.85), 0.7),
    }
    votes, camp_of = [], {}
    people = ["A"] * majority + ["B"] * minority
    for person, camp in enumerate(people):
        camp_of[person] = camp
        seen = int(rng.integers(7, 16)) if rng.random() < 0.7 else statements
        for j in rng.choice(statements, size=seen, replace=False):
            value = 0 if rng.random() < 0.1 else (1 if rng.random() < agree[camp][j] else -1)
            votes.append((person, int(j), value))
    for visitor in range(len(people), len(people) + visitors):
        camp = "A" if rng.random() < majority / len(people) else "B"
        for j in rng.choice(statements, size=int(rng.integers(1, 7)), replace=False):
            votes.append((visitor, int(j), 1 if rng.random() < agree[camp][j] else -1))
    return votes, camp_of


def arriving_camps(
    majority: int = 450, minority: int = 150, visitors: int = 300, statements: int = 60, *, seed: int = 0
) -> tuple[list[tuple[int, int, int]], dict[int, str]]:
    """``sparse_camps`` as a conversation unfolds: camp members and visitors arrive in a random order (their
    id is their rank), the statements appear one after another over that time, and each person votes only on
    the statements already there (a full voter on all of them): missing votes are no longer at random."""
    rng = np.random.default_rng(seed)
    divisive = np.arange(statements) % 5 < 2
    leans_a = np.arange(statements) % 2 == 0
    agree = {
        "A": np.where(divisive, np.where(leans_a, 0.85, 0.15), 0.7),
        "B": np.where(divisive, np.where(leans_a, 0.15, 0.85), 0.7),
    }
    people = ["A"] * majority + ["B"] * minority + ["visitor"] * visitors
    rng.shuffle(people)
    votes, camp_of = [], {}
    for person, camp in enumerate(people):
        there = max(3, round(statements * (person + 1) / len(people)))
        if camp == "visitor":
            camp = "A" if rng.random() < majority / (majority + minority) else "B"
            seen = int(rng.integers(1, 7))
        else:
            camp_of[person] = camp
            seen = int(rng.integers(7, 16)) if rng.random() < 0.7 else there
        for j in rng.choice(there, size=min(seen, there), replace=False):
            value = 0 if rng.random() < 0.1 else (1 if rng.random() < agree[camp][j] else -1)
            votes.append((person, int(j), value))
    return votes, camp_of


def replay_camps(votes: list[tuple[int, int, int]], step: int, order_seed: int | None) -> dict:
    """Pol.is's mechanics over time on the votes: participants arrive in a random order (``order_seed``; None:
    in id order) with all their votes, an update every ``step`` of them (cumulative in-conv, both k-means
    from the previous update's clusters, k smoothed over 4 updates). Returns each clustered participant's
    final group."""
    by_person: dict[int, list[tuple[int, int]]] = {}
    for person, statement, value in votes:
        by_person.setdefault(person, []).append((statement, value))
    people = sorted(by_person)
    if order_seed is not None:
        np.random.default_rng(order_seed).shuffle(people)
    in_conv: set[int] = set()
    base, groups, smoother, seen = None, {}, {}, []
    for start in range(0, len(people), step):
        seen += [(p, c, v) for p in people[start : start + step] for c, v in by_person[p]]
        matrix = opinion.build_vote_matrix(seen)
        if matrix.shape[0] < 15:
            continue
        points = opinion._project(matrix, 0)[0]
        threshold = min(7, matrix.n_proposals_voted)
        in_conv |= {matrix.participants[i] for i in np.flatnonzero(matrix.participation >= threshold)}
        names = [p for p in matrix.participants if p in in_conv]
        row = {p: i for i, p in enumerate(matrix.participants)}
        base = warm_kmeans(points[[row[p] for p in names]], names, 100, base, None, 100)
        ids = [c["id"] for c in base]
        centres = np.array([c["center"] for c in base])
        weights = np.array([len(c["members"]) for c in base], float)
        silhouettes = {}
        for k in range(2, min(5, 2 + len(base) // 12) + 1):
            groups[k] = warm_kmeans(centres, ids, k, groups.get(k), weights, 20)
            of = {b: j for j, c in enumerate(groups[k]) for b in c["members"]}
            labels = np.array([of[b] for b in ids])
            silhouettes[k] = opinion._silhouette(centres, labels) if len(groups[k]) > 1 else 0.0
        best = max(silhouettes, key=lambda k: (silhouettes[k], k))
        count = smoother.get("count", 0) + 1 if smoother.get("best") == best else 1
        kept = best if count >= 4 or "k" not in smoother else smoother["k"]
        smoother = {"best": best, "count": count, "k": kept}
    group_of_base = {b: c["id"] for c in groups[smoother["k"]] for b in c["members"]}
    return {p: group_of_base[c["id"]] for c in base for p in c["members"]}


def on_synthetic(seed: int, params: OpinionParameters, arrival: bool = False) -> dict:
    votes, camp_of = (arriving_camps if arrival else sparse_camps)(seed=seed)
    matrix = opinion.build_vote_matrix(votes)
    members = opinion._clustered_participants(matrix, params)
    camps = np.array([camp_of[matrix.participants[i]] == "B" for i in members], dtype=int)
    row: dict = {"seed": seed, "camp_sizes": sizes(camps)}
    found = {}
    for variant in POSITIONS:
        found[variant] = opinion._group(positions(matrix, variant, members)[members], params, 0)[0]
        row[variant] = {"ari_vs_camps": ari(camps, found[variant]), "sizes": sizes(found[variant])}
    row["zero_vs_mean_ari"] = ari(found["mean"], found["zero"])  # two Pol.is eras, one conversation
    for order in [None] if arrival else range(2):
        group_of = replay_camps(votes, 30, order)
        placed = [p for p in group_of if p in camp_of]
        labels = np.unique([group_of[p] for p in placed], return_inverse=True)[1].ravel()
        truth = np.array([camp_of[p] == "B" for p in placed], dtype=int)
        row[f"polis_over_time_{order or 0}"] = {"ari_vs_camps": ari(truth, labels), "sizes": sizes(labels)}
    return row


def positions(matrix: opinion.VoteMatrix, variant: str, members: np.ndarray) -> np.ndarray:
    """Every participant's position under one rule (dense: the conversations here are small enough)."""
    if variant == "mean":
        return opinion._project(matrix, 0)[0]
    n, m = matrix.shape
    votes = np.full((n, m), np.nan)
    votes[matrix.rows, matrix.cols] = matrix.values
    voted = ~np.isnan(votes)
    if variant == "zero":
        filled = np.where(voted, votes, 0.0)
        centre = filled.mean(axis=0)
        fitted = filled - centre
    elif variant == "mean_in_conv":
        seen = voted[members].sum(axis=0)
        sums = np.where(voted[members], votes[members], 0.0).sum(axis=0)
        centre = np.divide(sums, seen, out=np.zeros(m), where=seen > 0)
        fitted = np.where(voted[members], votes[members] - centre, 0.0)
    else:
        raise ValueError(variant)
    components = np.linalg.svd(fitted, full_matrices=False)[2][:2]
    projected = np.where(voted, votes - centre, 0.0) @ components.T
    n_votes = np.maximum(voted.sum(axis=1) + matrix.n_moderated_out_voted, 1)
    return projected * np.sqrt(matrix.n_proposals_voted / n_votes)[:, None]


def one_level(points: np.ndarray, seed: int = 0) -> np.ndarray:
    best = None
    for k in range(2, 6):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(points)
        score = silhouette_score(points, labels)
        if best is None or score > best[1]:
            best = (labels, score)
    return best[0]


def fixed_point(points: np.ndarray, theirs: np.ndarray, ours: np.ndarray) -> dict:
    groups = np.unique(theirs)
    centres = np.array([points[theirs == g].mean(axis=0) for g in groups])
    nearest = groups[((points[:, None] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)]
    return {
        "polis_partition_wcss_ratio": round(
            opinion._within_sum_of_squares(points, theirs) / opinion._within_sum_of_squares(points, ours), 4
        ),
        "polis_partition_off_centre_share": round(float((nearest != theirs).mean()), 3),
    }


def ari(truth: np.ndarray, labels: np.ndarray) -> float | None:
    return round(float(adjusted_rand_score(truth, labels)), 3) if len(truth) > 1 else None


def sizes(labels: np.ndarray) -> list[int]:
    return [int(s) for s in sorted(np.bincount(labels).tolist(), reverse=True) if s]


def on_export(export, params: OpinionParameters) -> dict:
    matrix = opinion.build_vote_matrix(
        export.vote_triples(),
        proposals=[c.comment_id for c in export.comments],
        moderated_out=export.moderated_out_ids | export.meta_ids,
    )
    members = opinion._clustered_participants(matrix, params)
    ids = [matrix.participants[i] for i in members]
    labelled = np.array([export.polis_groups.get(p) is not None for p in ids])
    truth = np.array([export.polis_groups[p] for p, ok in zip(ids, labelled, strict=True) if ok])
    few = matrix.votes_per_participant()[members][labelled] <= 15
    row: dict = {
        "polis_group_sizes": sizes(truth),
        "clustered": len(members),
        "few_votes_labelled": int(few.sum()),
    }
    for variant in POSITIONS:
        points = positions(matrix, variant, members)[members]
        labels = opinion._group(points, params, 0)[0]
        row[variant] = {
            "ari": ari(truth, labels[labelled]),
            "few_votes_ari": ari(truth[few], labels[labelled][few]),
            "sizes": sizes(labels),
        } | fixed_point(points[labelled], truth, labels[labelled])
        if variant == "mean":
            single = one_level(points)
            row["one_level"] = {
                "ari": ari(truth, single[labelled]),
                "few_votes_ari": ari(truth[few], single[labelled][few]),
                "sizes": sizes(single),
            }
    return row


def on_copies(export, params: OpinionParameters, n: int, sparse: float, draw: int) -> dict:
    triples, truth_of, thinned = bootstrap(export, n, sparse, np.random.default_rng(draw))
    matrix = opinion.build_vote_matrix(
        triples,
        proposals=[c.comment_id for c in export.comments],
        moderated_out=export.moderated_out_ids | export.meta_ids,
    )
    members = opinion._clustered_participants(matrix, params)
    ids = [matrix.participants[i] for i in members]
    labelled = np.array([p in truth_of for p in ids])
    truth = np.array([truth_of[p] for p in ids if p in truth_of])
    thin = np.array([p in thinned for p in ids])[labelled]
    row: dict = {"draw": draw, "clustered": len(members), "truth_sizes": sizes(truth)}

    def scores(labels: np.ndarray) -> dict:
        return {
            "ari": ari(truth, labels[labelled]),
            "ari_thinned": ari(truth[thin], labels[labelled][thin]),
            "sizes": sizes(labels),
        }

    for variant in POSITIONS:
        points = positions(matrix, variant, members)[members]
        row[variant] = scores(opinion._group(points, params, 0)[0])
        if variant == "mean":
            row["one_level"] = scores(one_level(points))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="*")
    parser.add_argument("--synthetic", type=int, default=0)
    parser.add_argument("--arrival", action="store_true", help="synthetic: statements appear over time")
    parser.add_argument("--draws", type=int, default=1)
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--sparse", type=float, default=0.7)
    args = parser.parse_args()
    params = OpinionParameters()
    for seed in range(args.synthetic):
        print(json.dumps(on_synthetic(seed, params, args.arrival)), flush=True)
    for folder in args.folders:
        export = read_polis_export(folder)
        start = time.perf_counter()
        row = {"conversation": folder.name, "export": on_export(export, params)}
        row["copies"] = [
            on_copies(export, params, args.participants, args.sparse, draw) for draw in range(args.draws)
        ]
        row["seconds"] = round(time.perf_counter() - start, 1)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
