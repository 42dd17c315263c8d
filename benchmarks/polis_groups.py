"""Our opinion groups vs Pol.is's own groups on a real Pol.is export.

Reads the folder with ``consultation.polis_export``, runs ``analysis.pipeline.opinion`` and compares our
groups with the ``group-id`` column of participants-votes.csv (adjusted Rand index on the participants both
clustered). Prints one JSON line; never asserts.

The comparison is of the method's groups, before the report's display rule (a group under 5 % of the
participants, or under 5 members, is not shown as a group): Pol.is shows such groups. ``groups_shown`` and
``participants_not_placed`` say what the report would show.

``polis_partition_wcss_ratio`` and ``polis_partition_off_centre_share`` say whether Pol.is's own partition is
a converged k-means partition of our positions (decision 0008): its within-group sum of squares relative to
ours (1.00x: a near-tie between two k-means optima, which one is reported depends on Pol.is's update
history) and the share of participants nearer another of its groups' centres (0: a k-means fixed point).
A ratio well above 1 or a large share points at a step where our positions differ from Pol.is's.

Which Pol.is computed the export's ``group-id`` (decision 0020): the one of the conversation's last update,
dated by ``last_vote``. Pol.is filled missing votes with 0 until 2017-10-21 (with the column mean since);
``ari_vs_polis_zero_fill`` clusters positions made by that older rule, and ``ari_vs_polis_pca_clustered``
positions whose PCA is fitted on the clustered participants only, as plain re-implementations do (Pol.is
fits it on every voter). ``ari_vs_polis_rule_of_last_vote`` uses Pol.is's rule of that date: ours since
2017-10-21; the zero fill before, with 50 base clusters before 2017-04-14 and moderated-out statements kept as
ordinary ones before 2017-02-27. All diagnostics, never the result: on the shared conversations last updated
in 2019 the zero fill reads 0.10 and 0.07 where the current rule reads 0.96 and 0.87.

Whether the second axis is determined at all (decision 0020, addendum): ``pc_variance_shares`` gives the
share of variance of the first three principal components. When the second and third are nearly equal, the
second axis is any direction of their plane, and Pol.is's power iteration, started each update from the
previous update's axes, ends on the one its history leads to, not necessarily ours.
``polis_split_angle_degrees`` (two groups on both sides) is the angle between the line joining Pol.is's two
group centres and the line joining ours, in our positions: near 0, both split the same map along the same
direction (a gap in ARI is then where the boundary falls); large, Pol.is split along another direction.

Run: ``python benchmarks/polis_groups.py ../shared/data/polis/brexit-consensus [--seed 0]
[--clustering candidates|polis]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pipeline import opinion  # noqa: E402
from analysis.pipeline.opinion import OpinionParameters, analyse_opinions  # noqa: E402
from benchmarks.polis_positions import positions  # noqa: E402
from consultation.polis_export import read_polis_export  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clustering", choices=("candidates", "polis"), default="candidates")
    args = parser.parse_args()

    export = read_polis_export(args.folder)
    inputs = {
        "proposals": [c.comment_id for c in export.comments],
        "moderated_out": export.moderated_out_ids | export.meta_ids,  # Pol.is zeroes both
        "seed": args.seed,
    }
    start = time.perf_counter()
    # Every group the method finds, however small (the display rule off).
    parameters = OpinionParameters(min_group_share=0.0, min_claim_votes=0, clustering=args.clustering)
    result = analyse_opinions(export.vote_triples(), parameters=parameters, **inputs)
    seconds = time.perf_counter() - start
    shown = analyse_opinions(
        export.vote_triples(), parameters=OpinionParameters(clustering=args.clustering), **inputs
    )

    ours = {p.participant: p.group for p in result.participants if p.group is not None}
    theirs = {p: g for p, g in export.polis_groups.items() if g is not None}
    both = sorted(set(ours) & set(theirs))
    ari = adjusted_rand_score([theirs[p] for p in both], [ours[p] for p in both]) if both else None
    print(
        json.dumps(
            {
                "conversation": args.folder.name,
                "status": result.status,
                "participants": result.n_participants,
                "participants_clustered": len(ours),
                "polis_clustered": len(theirs),
                "clustered_by_both": len(both),
                "clustered_only_by_us": len(set(ours) - set(theirs)),
                "clustered_only_by_polis": len(set(theirs) - set(ours)),
                "groups": len(result.groups),
                "polis_groups": len(set(theirs.values())),
                "group_sizes": [g.size for g in result.groups],
                "polis_group_sizes": sorted(
                    (list(theirs.values()).count(g) for g in set(theirs.values())), reverse=True
                ),
                "silhouettes": [[k, round(s, 3)] for k, s in result.silhouettes],
                "ari_vs_polis": None if ari is None else round(ari, 4),
                "groups_shown": len(shown.groups),
                "participants_not_placed": shown.n_unplaced,
                "seconds": round(seconds, 3),
                **polis_partition(result, theirs, both),
                **axes(export, result, theirs, both),
                "last_vote": last_vote(export),
                **other_rules(export, parameters, args.seed, theirs),
            }
        )
    )


def last_vote(export) -> str | None:
    """Date of the export's last vote: the code of that date computed its group-id (decision 0020)."""
    stamps = [v.timestamp_ms for v in export.votes if v.timestamp_ms is not None]
    return datetime.fromtimestamp(max(stamps) / 1000, tz=UTC).date().isoformat() if stamps else None


def other_rules(export, parameters: OpinionParameters, seed: int, theirs: dict) -> dict:
    """ARI against Pol.is of the same clustering on positions made by another rule (decision 0020)."""
    matrix = opinion.build_vote_matrix(
        export.vote_triples(),
        proposals=[c.comment_id for c in export.comments],
        moderated_out=export.moderated_out_ids | export.meta_ids,
    )
    members = opinion._clustered_participants(matrix, parameters)
    ids = [matrix.participants[i] for i in members]
    both = np.array([p in theirs for p in ids])
    truth = [theirs[p] for p, ok in zip(ids, both, strict=True) if ok]

    def score(points: np.ndarray, params: OpinionParameters = parameters) -> float | None:
        labels = opinion._group(points[members], params, seed)[0]
        return round(float(adjusted_rand_score(truth, labels[both])), 4) if both.sum() > 1 else None

    out = {
        "ari_vs_polis_zero_fill": score(positions(matrix, "zero", members)),
        "ari_vs_polis_pca_clustered": score(positions(matrix, "mean_in_conv", members)),
    }
    # Pol.is's rule at the date of the last vote (delphi/docs/MATH_ALGORITHM_HISTORY.md): ours since
    # 2017-10-21; before, missing votes filled with 0; before 2017-04-14, 50 base clusters; before 2017-02-27,
    # moderated-out statements kept in the matrix as ordinary ones (moderation only filtered the claims).
    date = last_vote(export)
    if date is None or date >= "2017-10-21":
        out["ari_vs_polis_rule_of_last_vote"] = score(opinion._project(matrix, 0)[0])
    else:
        old = replace(parameters, base_clusters=100 if date >= "2017-04-14" else 50)
        if date < "2017-02-27":  # same participants: moderated votes already count in their participation
            unmoderated = opinion.build_vote_matrix(
                export.vote_triples(), proposals=[c.comment_id for c in export.comments]
            )
            out["ari_vs_polis_rule_of_last_vote"] = score(positions(unmoderated, "zero", members), old)
        else:
            out["ari_vs_polis_rule_of_last_vote"] = score(positions(matrix, "zero", members), old)
    return out


def axes(export, result, theirs: dict, both: list) -> dict:
    """Shares of variance of the first three components, and the angle between Pol.is's split and ours."""
    from sklearn.decomposition import TruncatedSVD

    matrix = opinion.build_vote_matrix(
        export.vote_triples(),
        proposals=[c.comment_id for c in export.comments],
        moderated_out=export.moderated_out_ids | export.meta_ids,
    )
    centred = matrix.centred()
    shares = None
    if min(centred.shape) > 3:
        svd = TruncatedSVD(n_components=3, algorithm="arpack", random_state=0).fit(centred)
        shares = [round(float(r), 4) for r in svd.explained_variance_ratio_]
    angle = None
    group = {p.participant: p.group for p in result.participants}
    if len({theirs[p] for p in both}) == 2 and len({group[p] for p in both}) == 2:
        position = {p.participant: (p.x, p.y) for p in result.participants}
        points = np.array([position[p] for p in both])

        def split(labels: np.ndarray) -> np.ndarray:
            first, second = np.unique(labels)
            return points[labels == second].mean(axis=0) - points[labels == first].mean(axis=0)

        a = split(np.array([theirs[p] for p in both]))
        b = split(np.array([group[p] for p in both]))
        cosine = abs(float(a @ b)) / (float(np.linalg.norm(a) * np.linalg.norm(b)) or 1.0)
        angle = round(float(np.degrees(np.arccos(min(1.0, cosine)))), 1)
    return {"pc_variance_shares": shares, "polis_split_angle_degrees": angle}


def polis_partition(result, theirs: dict, both: list) -> dict:
    """Pol.is's partition in our positions: within-group sum of squares relative to ours, and the share of
    participants nearer another of its groups' centres than their own."""
    if len(both) < 2:
        return {"polis_partition_wcss_ratio": None, "polis_partition_off_centre_share": None}
    position = {p.participant: (p.x, p.y) for p in result.participants}
    group = {p.participant: p.group for p in result.participants}
    points = np.array([position[p] for p in both])
    polis_labels = np.array([theirs[p] for p in both])
    our_labels = np.array([group[p] for p in both])

    def within(labels: np.ndarray) -> float:
        return float(
            sum(((points[labels == g] - points[labels == g].mean(axis=0)) ** 2).sum() for g in set(labels))
        )

    labels = np.unique(polis_labels)
    centres = np.array([points[polis_labels == g].mean(axis=0) for g in labels])
    nearest = labels[((points[:, None] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)]
    ours = within(our_labels)
    return {
        "polis_partition_wcss_ratio": round(within(polis_labels) / ours, 4) if ours else None,
        "polis_partition_off_centre_share": round(float((nearest != polis_labels).mean()), 3),
    }


if __name__ == "__main__":
    main()
