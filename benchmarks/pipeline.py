"""Speed of the broad-listening pipeline, and what the embedding and cleaning caches save on a rerun.

Builds a corpus of ``--n`` distinct French texts by pairing real SIB-200 sentences (shared data), runs
the default pipeline (USE multilingual) once with empty in-memory caches (embeddings and cleaned texts),
then reruns it with the same caches after replacing 5 % of the texts with new ones. The model is loaded
before timing so both runs measure steady state. Prints one JSON line:

- ``embed_s``: embedding time of the first run;
- ``total_s``: whole first run (clean, dedupe, embed, cluster, label, synthesise);
- ``overhead_ratio``: (total - embed) / embed, everything that is not embedding (goal <= 0.20);
- ``rerun_new_5pct_ratio``: rerun time / first run time (goal <= 0.15);
- ``rerun_theme_ari``: adjusted Rand index between the first-level themes of the two runs, on the 95 %
  of texts both share (stability of the themes when 5 % of the texts are new; goal >= 0.9). The rerun
  is given the first run's themes of the texts it kept, as the platform gives a rerun the themes of
  the consultation's previous run (``--cold-rerun``: not given, every theme found afresh);
- ``rerun_method``: how the rerun's themes were chosen (``kept-previous`` or a fresh choice), with
  ``rerun_previous_score`` and ``rerun_fresh_scores``, the silhouettes it compared (carried themes, the
  fresh method's draws), ``rerun_threshold``, the bound of the draws' spread, and
  ``rerun_sampling_margin``, the per-text noise margin: the carried themes are redrawn only when below
  the bound by more than the margin (docs/decisions/0018-rerun-noise-margin.md);
- ``stages_s``: time per stage of both runs;
- ``first_run``: the first run's seconds per stage with ``reduce`` (neighbour smoothing, PCA, the 2-D
  map) taken out of ``cluster`` and ``label`` (keywords, quotes) out of ``synthesise``, and the peak
  resident memory of the process during each stage (MB, sampled every 10 ms), next to its resident
  memory when the run started (``rss_start_mb``, model and corpus loaded) and its lifetime peak
  (``ru_maxrss_mb``).

``--embedder sentences`` replaces the model by a stand-in for measuring the other stages on large
corpora: each text is two SIB-200 sentences, and its vector is the sum of the two sentences' real USE
vectors (embedded once, before timing), so clustering sees the corpus' real structure while the embed
stage costs almost nothing. ``--no-rerun`` skips the rerun. ``--metadata`` gives every contribution a
date over twelve weeks and 60 % of them a gender, an age band and a region (seeded), so the synthesis
computes weekly trends, emerging themes and breakdowns as on a real consultation.

Run: ``python benchmarks/pipeline.py --n 20000`` (default 5000 to stay short on a shared machine);
``python benchmarks/pipeline.py --n 200000 --embedder sentences --no-rerun`` for the stages after
embedding at scale.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analysis.pipeline import (  # noqa: E402
    Contribution,
    InMemoryCleaningCache,
    InMemoryEmbeddingCache,
    UseMultilingualEmbedder,
    run_pipeline,
)
from analysis.pipeline import cluster as cluster_stage  # noqa: E402
from analysis.pipeline import run as run_module  # noqa: E402
from analysis.pipeline.clean import normalise  # noqa: E402


def sentences(folder: Path) -> list[str]:
    """The SIB-200 French sentences of the three splits in `folder`."""
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


class SentenceSumEmbedder:
    """Stand-in for the model on large corpora: a text made of two pool sentences gets the normalised sum
    of their real USE vectors; any other text a seeded random vector."""

    model_id = "benchmark-sentence-sum"

    def __init__(self, pool: list[str]) -> None:
        model = UseMultilingualEmbedder()
        self._vectors = model.embed(pool)
        self._index = {normalise(s): i for i, s in enumerate(pool)}

    def _vector(self, text: str) -> np.ndarray:
        start = 0
        while (space := text.find(" ", start)) >= 0:
            a, b = self._index.get(text[:space]), self._index.get(text[space + 1 :])
            if a is not None and b is not None:
                return self._vectors[a] + self._vectors[b]
            start = space + 1
        seed = int.from_bytes(text.encode("utf-8")[:8].ljust(8, b"\0"), "little") ^ len(text)
        return np.random.default_rng(seed).normal(size=self._vectors.shape[1]).astype(np.float32)

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.stack([self._vector(t) for t in texts]).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class StageMeter:
    """Seconds and peak resident memory per stage of one run: wraps the stage functions that
    ``run_pipeline`` calls inside its coarser stages, and samples the resident set in a thread."""

    def __init__(self) -> None:
        self.stage = "setup"
        self.seconds: dict[str, float] = {}
        self.peak_mb: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            stage, rss = self.stage, _rss_mb()
            self.peak_mb[stage] = max(self.peak_mb.get(stage, 0.0), rss)

    def progress(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage and stage in ("clean", "embed", "cluster", "synthesise"):
            self.stage = stage

    @contextmanager
    def measuring(self):
        self.rss_start = _rss_mb()
        self._thread.start()
        patched = [
            (run_module, "dedupe", "dedupe"),
            (cluster_stage, "smooth_by_neighbours", "reduce"),
            (cluster_stage, "reduce_for_clustering", "reduce"),
            (cluster_stage, "map_layout", "map"),
            (run_module, "word_counts", "label"),
            (run_module, "keywords", "label"),
            (run_module, "representative_quotes", "label"),
        ]
        originals = [(module, name, getattr(module, name)) for module, name, _ in patched]
        for module, name, stage in patched:
            setattr(module, name, self._timed(getattr(module, name), stage))
        try:
            yield self
        finally:
            for module, name, original in originals:
                setattr(module, name, original)
            self._stop.set()
            self._thread.join()

    def _timed(self, function, stage: str):
        def timed(*args, **kwargs):
            outer, self.stage = self.stage, stage
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started
                self.stage = outer

        return timed

    def report(self, timings: dict[str, float]) -> dict:
        seconds = dict(timings)
        inside = self.seconds.get("reduce", 0.0) + self.seconds.get("map", 0.0)
        seconds["cluster"] = seconds["cluster"] - inside
        seconds["map"] = self.seconds.get("map", 0.0)
        seconds.setdefault("title", 0.0)
        seconds["synthesise"] = seconds["synthesise"] - self.seconds.get("label", 0.0)
        seconds["reduce"] = self.seconds.get("reduce", 0.0)
        seconds["label"] = self.seconds.get("label", 0.0)
        order = ("clean", "dedupe", "embed", "reduce", "cluster", "map", "label", "title", "synthesise")
        return {
            "seconds": {stage: round(seconds[stage], 2) for stage in order},
            "peak_rss_mb": {stage: round(self.peak_mb.get(stage, 0.0)) for stage in order},
            "rss_start_mb": round(self.rss_start),
            "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }


def metadata(n: int, wanted: bool, seed: int) -> list[dict]:
    """Keyword arguments of each contribution: nothing, or a date and (for 60 %) strata."""
    if not wanted:
        return [{} for _ in range(n)]
    rng = np.random.default_rng(seed + 1)
    start = dt.date(2026, 9, 1)
    days = rng.integers(0, 84, size=n)
    given = rng.random(n) < 0.6
    genders, ages, regions = rng.integers(0, 2, n), rng.integers(0, 5, n), rng.integers(0, 13, n)
    return [
        {
            "date": start + dt.timedelta(days=int(days[i])),
            "strata": {"gender": "FM"[genders[i]], "age": f"a{ages[i]}", "region": f"r{regions[i]}"}
            if given[i]
            else {},
        }
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument(
        "--sib200",
        type=Path,
        default=REPO / "tests" / "data" / "french" / "sib200-fra",
        help="folder of SIB-200 French train/dev/test.tsv (default: the copy in tests/data)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embedder", choices=("use", "sentences"), default="use")
    parser.add_argument("--no-rerun", action="store_true", help="only the first run")
    parser.add_argument("--metadata", action="store_true", help="dates and strata on the contributions")
    parser.add_argument(
        "--cold-rerun", action="store_true", help="rerun without the first run's themes (found afresh)"
    )
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    pool = sentences(args.sib200)
    taken: set[tuple[int, int]] = set()
    texts = corpus(args.n, pool, rng, taken)
    embedder = SentenceSumEmbedder(pool) if args.embedder == "sentences" else UseMultilingualEmbedder()
    embedder.embed(["chargement du modèle"])  # load outside the timings
    cache, cleaning = InMemoryEmbeddingCache(), InMemoryCleaningCache()

    meter = StageMeter()
    contributions = [
        Contribution(id=i, text=t, **extra)
        for i, (t, extra) in enumerate(zip(texts, metadata(args.n, args.metadata, args.seed), strict=True))
    ]
    with meter.measuring():
        started = time.perf_counter()
        first = run_pipeline(contributions, embedder, cache, cleaning_cache=cleaning, progress=meter.progress)
        first_s = time.perf_counter() - started
    first_run = meter.report(first.run["timings_s"])
    del contributions
    embed_s = first.run["timings_s"]["embed"]
    figures = {
        "n": args.n,
        "embedder": embedder.model_id,
        "embed_s": round(embed_s, 2),
        "total_s": round(first_s, 2),
        "overhead_ratio": round((first_s - embed_s) / embed_s, 3),
        "k_found": first.run["clustering"]["k"],
        "silhouette_by_k": first.run["clustering"]["k_selection"]["scores"],
        "n_distinct": first.run["n_distinct"],
        "first_run": first_run,
    }
    if args.no_rerun:
        print(json.dumps(figures))
        return

    n_new = max(1, args.n // 20)
    replaced = rng.choice(args.n, size=n_new, replace=False)
    for index, text in zip(replaced, corpus(n_new, pool, rng, taken), strict=True):
        texts[index] = text
    started = time.perf_counter()
    kept = sorted(set(range(args.n)) - {int(i) for i in replaced})
    kept_ids = set(kept)
    previous = {c["id"]: (c["theme"], c["subtheme"]) for c in first.contributions if c["id"] in kept_ids}
    second = run_pipeline(
        [Contribution(id=i, text=t) for i, t in enumerate(texts)],
        embedder,
        cache,
        cleaning_cache=cleaning,
        previous=None if args.cold_rerun else previous,
    )
    rerun_s = time.perf_counter() - started
    # Stability of the first-level themes: do the texts both runs share stay grouped alike?
    before = {c["id"]: c["theme"] for c in first.contributions}
    after = {c["id"]: c["theme"] for c in second.contributions}
    stability = adjusted_rand_score([before[i] for i in kept], [after[i] for i in kept])

    print(
        json.dumps(
            {
                **figures,
                "rerun_s": round(rerun_s, 2),
                "rerun_new_5pct_ratio": round(rerun_s / first_s, 3),
                "rerun_theme_ari": round(float(stability), 3),
                "rerun_k": second.run["clustering"]["k"],
                "rerun_method": second.run["clustering"]["k_selection"]["method"],
                # Silhouette of the first run's themes carried over, of the fresh method's draws, and the
                # bound below which the carried themes are worse than the fresh method's own noise.
                "rerun_previous_score": second.run["clustering"]["k_selection"].get("previous_score"),
                "rerun_fresh_scores": second.run["clustering"]["k_selection"].get("fresh_scores"),
                "rerun_threshold": second.run["clustering"]["k_selection"].get("threshold"),
                "rerun_sampling_margin": second.run["clustering"]["k_selection"].get("sampling_margin"),
                "stages_s": {"first": first.run["timings_s"], "rerun": second.run["timings_s"]},
            }
        )
    )


if __name__ == "__main__":
    main()
