"""Speed of the broad-listening pipeline, and what the embedding and cleaning caches save on a rerun.

Builds a corpus of ``--n`` distinct French texts by pairing real SIB-200 sentences (shared data), runs
the default pipeline (USE multilingual) once with empty in-memory caches (embeddings and cleaned texts),
then reruns it with the same caches after replacing 5 % of the texts with new ones. The model is loaded
before timing so both runs measure steady state. Prints one JSON line:

- ``embed_s``: embedding time of the first run;
- ``total_s``: whole first run (clean, dedupe, embed, cluster, label, synthesise);
- ``overhead_ratio``: (total - embed) / embed, everything that is not embedding (goal <= 0.20);
- ``rerun_new_5pct_ratio``: rerun time / first run time (goal <= 0.15);
- ``stages_s``: time per stage of both runs.

Run: ``python benchmarks/pipeline.py --n 20000`` (default 5000 to stay short on a shared machine).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analysis.pipeline import (  # noqa: E402
    Contribution,
    InMemoryCleaningCache,
    InMemoryEmbeddingCache,
    UseMultilingualEmbedder,
    run_pipeline,
)


def shared_data() -> Path:
    if os.environ.get("PACTE_SHARED_DATA"):
        return Path(os.environ["PACTE_SHARED_DATA"])
    candidates = (REPO / ".." / "shared" / "data", REPO / ".." / ".." / "shared" / "data")
    return next((p for p in candidates if p.is_dir()), candidates[0])


def sentences() -> list[str]:
    folder = shared_data() / "french" / "sib200-fra"
    result = []
    for split in ("train", "dev", "test"):
        with open(folder / f"{split}.tsv", encoding="utf-8") as handle:
            result += [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    return result


def corpus(n: int, pool: list[str], rng: np.random.Generator, taken: set[tuple[int, int]]) -> list[str]:
    """``n`` texts, each two distinct real sentences never paired before (so no text repeats)."""
    texts = []
    while len(texts) < n:
        a, b = (int(x) for x in rng.integers(0, len(pool), size=2))
        if a != b and (a, b) not in taken:
            taken.add((a, b))
            texts.append(f"{pool[a]} {pool[b]}")
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    pool = sentences()
    taken: set[tuple[int, int]] = set()
    texts = corpus(args.n, pool, rng, taken)
    embedder = UseMultilingualEmbedder()
    embedder.embed(["chargement du modèle"])  # load outside the timings
    cache, cleaning = InMemoryEmbeddingCache(), InMemoryCleaningCache()

    started = time.perf_counter()
    first = run_pipeline(
        [Contribution(id=i, text=t) for i, t in enumerate(texts)], embedder, cache, cleaning_cache=cleaning
    )
    first_s = time.perf_counter() - started

    n_new = max(1, args.n // 20)
    replaced = rng.choice(args.n, size=n_new, replace=False)
    for index, text in zip(replaced, corpus(n_new, pool, rng, taken), strict=True):
        texts[index] = text
    started = time.perf_counter()
    second = run_pipeline(
        [Contribution(id=i, text=t) for i, t in enumerate(texts)], embedder, cache, cleaning_cache=cleaning
    )
    rerun_s = time.perf_counter() - started

    embed_s = first.run["timings_s"]["embed"]
    print(
        json.dumps(
            {
                "n": args.n,
                "embed_s": round(embed_s, 2),
                "total_s": round(first_s, 2),
                "overhead_ratio": round((first_s - embed_s) / embed_s, 3),
                "rerun_s": round(rerun_s, 2),
                "rerun_new_5pct_ratio": round(rerun_s / first_s, 3),
                "k_found": first.run["clustering"]["k"],
                "stages_s": {"first": first.run["timings_s"], "rerun": second.run["timings_s"]},
            }
        )
    )


if __name__ == "__main__":
    main()
