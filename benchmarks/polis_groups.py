"""Our opinion groups vs Pol.is's own groups on a real Pol.is export.

Reads the folder with ``consultation.polis_export``, runs ``analysis.pipeline.opinion`` and compares our
groups with the ``group-id`` column of participants-votes.csv (adjusted Rand index on the participants both
clustered). Prints one JSON line; never asserts.

The comparison is of the method's groups, before the report's display rule (a group under 5 % of the
participants, or under 5 members, is not shown as a group): Pol.is shows such groups. ``groups_shown`` and
``participants_not_placed`` say what the report would show.

Run: ``python benchmarks/polis_groups.py ../shared/data/polis/brexit-consensus [--seed 0]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pipeline.opinion import OpinionParameters, analyse_opinions  # noqa: E402
from consultation.polis_export import read_polis_export  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    export = read_polis_export(args.folder)
    inputs = {
        "proposals": [c.comment_id for c in export.comments],
        "moderated_out": export.moderated_out_ids,
        "seed": args.seed,
    }
    start = time.perf_counter()
    # Every group the method finds, however small (the display rule off).
    result = analyse_opinions(
        export.vote_triples(), parameters=OpinionParameters(min_group_share=0.0, min_claim_votes=0), **inputs
    )
    seconds = time.perf_counter() - start
    shown = analyse_opinions(export.vote_triples(), **inputs)

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
            }
        )
    )


if __name__ == "__main__":
    main()
