"""How often Pacte's suggestion of themes for a recommendation (analysis.pipeline.match, TF-IDF cosine)
names the right theme, on the Convention Citoyenne pour le Climat proposals and their objectives.

Each objective of the CCC stands for a theme of a synthesis: its "document" is what a published theme
offers to the matcher (the objective's wording as label, and up to 3 of its proposals as quotes). Every
other proposal of the CCC plays a recommendation: the right theme is its objective (fine level) or its
theme (coarse level: the suggestion names any objective of the right theme). Prints one JSON line: n
queries, number of themes, top-1 and top-3 hit rates, the same with the suggestion floor (score >= 0.02,
``analysis.services.SUGGESTION_MINIMUM``), the share of queries with no suggestion, and the chance rates.

Run:
  python benchmarks/theme_links.py --csv ../shared/data/french/ccc-propositions/ccc_proposals.csv \\
      [--quotes 3] [--floor 0.02]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from analysis.pipeline.match import similarities  # noqa: E402

QUOTES = 3
FLOOR = 0.02


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", required=True, type=Path)
    parser.add_argument("--quotes", type=int, default=QUOTES, help="proposals per theme used as quotes")
    parser.add_argument("--floor", type=float, default=FLOOR, help="lowest score suggested")
    parser.add_argument(
        "--embeddings", action="store_true", help="cosine of the bundled USE embeddings instead of TF-IDF"
    )
    args = parser.parse_args()
    with args.csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_objective: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_objective[row["objective_id"]].append(row)
    objectives = sorted(by_objective)
    quoted = {o: by_objective[o][: args.quotes] for o in objectives}
    documents = [
        " ".join([by_objective[o][0]["objective"], *(r["proposal"] for r in quoted[o])]) for o in objectives
    ]
    theme_of = {o: by_objective[o][0]["theme_key"] for o in objectives}
    queries = [r for o in objectives for r in by_objective[o][args.quotes :]]
    texts = [q["proposal"] for q in queries]
    if args.embeddings:  # the alternative: the pipeline's own embedder (cached per text in production)
        from analysis.pipeline.embed import UseMultilingualEmbedder

        vectors = UseMultilingualEmbedder().embed([*texts, *documents])
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        scores = vectors[: len(texts)] @ vectors[len(texts) :].T
    else:
        scores = similarities(texts, documents)
    fine1 = fine3 = coarse1 = floor1 = floor3 = empty = 0
    for query, row in zip(queries, scores, strict=True):
        order = sorted(range(len(objectives)), key=lambda i: -row[i])
        top = [objectives[i] for i in order[:3]]
        kept = [objectives[i] for i in order[:3] if row[i] >= args.floor]
        fine1 += top[0] == query["objective_id"]
        fine3 += query["objective_id"] in top
        coarse1 += theme_of[top[0]] == query["theme_key"]
        floor1 += bool(kept) and kept[0] == query["objective_id"]
        floor3 += query["objective_id"] in kept
        empty += not kept
    n = len(queries)
    themes = len(set(theme_of.values()))
    print(
        json.dumps(
            {
                "scorer": "embeddings" if args.embeddings else "tfidf",
                "quotes": args.quotes,
                "floor": args.floor,
                "queries": n,
                "objectives": len(objectives),
                "themes": themes,
                "top1_objective": round(fine1 / n, 3),
                "top3_objective": round(fine3 / n, 3),
                "top1_theme": round(coarse1 / n, 3),
                "top1_objective_with_floor": round(floor1 / n, 3),
                "top3_objective_with_floor": round(floor3 / n, 3),
                "no_suggestion_share": round(empty / n, 3),
                "chance_top1_objective": round(1 / len(objectives), 3),
                "chance_top3_objective": round(3 / len(objectives), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
