"""Time and memory of the opinion-group analysis on a large random vote matrix.

Draws ``--votes`` distinct (participant, proposal) cells at random (two hidden camps so the groups are
not trivial), runs ``analysis.pipeline.opinion.analyse_opinions`` and prints one JSON line: seconds per
stage (building the vote matrix, the whole analysis) and peak Python memory (tracemalloc) next to the
size a dense float64 matrix would take. Never asserts.

Run: ``python benchmarks/opinion_scale.py --participants 10000 --proposals 1000 [--votes 500000]``
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pipeline.opinion import analyse_opinions, build_vote_matrix  # noqa: E402


def random_votes(participants: int, proposals: int, votes: int, seed: int) -> list[tuple[int, int, int]]:
    rng = np.random.default_rng(seed)
    cells = rng.choice(participants * proposals, size=votes, replace=False)
    rows, cols = cells // proposals, cells % proposals
    camp = rng.integers(0, 2, size=participants)  # each camp leans one way on each proposal
    lean = rng.choice([-1, 1], size=proposals)
    agree_prob = np.where(camp[rows] == 0, 0.5 + 0.3 * lean[cols], 0.5 - 0.3 * lean[cols])
    draw = rng.random(votes)
    values = np.where(draw < agree_prob * 0.85, 1, np.where(draw < 0.85, -1, 0))
    return list(zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--proposals", type=int, default=1_000)
    parser.add_argument("--votes", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    votes = random_votes(args.participants, args.proposals, args.votes, args.seed)
    start = time.perf_counter()
    build_vote_matrix(votes)
    build_seconds = time.perf_counter() - start
    start = time.perf_counter()
    result = analyse_opinions(votes, seed=args.seed)
    seconds = time.perf_counter() - start
    # Memory in a second run: tracemalloc slows Python code down, so it must not touch the timing.
    tracemalloc.start()
    analyse_opinions(votes, seed=args.seed)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    dense_mb = args.participants * args.proposals * 8 / 1e6
    print(
        json.dumps(
            {
                "participants": args.participants,
                "proposals": args.proposals,
                "votes": len(votes),
                "status": result.status,
                "groups": len(result.groups),
                "participants_clustered": sum(p.group is not None for p in result.participants),
                "build_matrix_seconds": round(build_seconds, 3),
                "seconds": round(seconds, 3),
                "peak_traced_mb": round(peak / 1e6, 1),
                "dense_float64_matrix_mb": round(dense_mb, 1),
                "peak_vs_dense": round(peak / 1e6 / dense_mb, 3),
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
