"""Stability of the first-level themes on a rerun, and what it costs against human labels.

For each scenario the clustering stage (``cluster()`` on USE multilingual embeddings of the cleaned texts)
runs on a first corpus, then on a rerun corpus twice: "before", without the first run's themes (found
afresh), and "after", given them (``previous``, as the platform gives a rerun the themes of the previous
run). Prints one markdown row per scenario and rerun seed:

- k of the first run and of each rerun; ARI between the first run's themes and each rerun's on the texts
  both hold (stability; issue 18's goal >= 0.9);
- the rule's verdict ("kept" or "fresh"), the silhouette (cosine, original embeddings) of the carried
  themes, of the fresh method's draws (one when no more were needed), the bound below which the carried
  themes count as worse than the method's own noise, and the sampling margin the gap must also exceed;
- ARI against the labels of the first run (on its texts) and of each rerun (the price of stability: a
  kept rerun inherits the first run's agreement), and for the new-topic scenario the share of the new
  topic's texts in the theme holding most of them and that theme's purity.

Scenarios (``--sets``): ``ccc`` (146 CCC proposals) and ``sib200`` (1,004 SIB-200 French sentences):
first run on a seeded random 95 %, rerun on the whole set; ``pairs`` (the corpus of
``benchmarks/pipeline.py``: ``--n`` texts of two random SIB-200 sentences, no real topics; 5 % of them
replaced); ``new-topic``: SIB-200 without its science/technology sentences, then with them (252 new
texts, a third of the first corpus): a rerun that must find a new theme; ``small-new-topic``: the same on
150 sentences (25 of each other topic, seeded), then 45 science/technology ones (30 %).

Run: ``python benchmarks/rerun_stability.py --sets ccc sib200 --seeds 0 1 2`` (about a minute per
SIB-200 seed on one core; ``--cache DIR`` keeps the embeddings between invocations).
"""

from __future__ import annotations

import argparse
import csv
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analysis.pipeline import UseMultilingualEmbedder  # noqa: E402
from analysis.pipeline.clean import clean_texts  # noqa: E402
from analysis.pipeline.cluster import NEW, ClusterParams, cluster  # noqa: E402

DATA = REPO / "tests" / "data" / "french"
NEW_TOPIC = "science/technology"


def _rows(path: Path, text: str, label: str, delimiter: str = ",") -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=delimiter) if r[text].strip()]
    return [r[text] for r in rows], [r[label] for r in rows]


def sib200() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for split in ("train", "dev", "test"):
        t, lab = _rows(DATA / "sib200-fra" / f"{split}.tsv", "text", "category", "\t")
        texts, labels = texts + t, labels + lab
    return texts, labels


class Embeddings:
    """USE vectors of cleaned texts, kept in ``cache`` (a folder) when given."""

    def __init__(self, cache: Path | None) -> None:
        self.cache, self.model = cache, UseMultilingualEmbedder()

    def __call__(self, name: str, texts: list[str]) -> np.ndarray:
        path = None if self.cache is None else self.cache / f"{name}.npy"
        if path is not None and path.exists():
            return np.load(path)
        vectors = self.model.embed([c.text for c in clean_texts(texts)])
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
        return vectors


def scenario(name: str, seed: int, n: int, embed: Embeddings):
    """(first vectors, rerun vectors, rows of the first run kept, their rows in the rerun, rerun labels)."""
    if name == "pairs":
        sys.path.insert(0, str(REPO / "benchmarks"))
        from pipeline import corpus, sentences  # the very corpus of benchmarks/pipeline.py

        rng = np.random.default_rng(seed)
        pool, taken = sentences(DATA / "sib200-fra"), set()
        texts = corpus(n, pool, rng, taken)
        replaced = rng.choice(n, size=max(1, n // 20), replace=False)
        first = embed(f"pairs-{n}-{seed}", texts)
        again = first.copy()
        again[replaced] = embed(f"pairs-{n}-{seed}-new", corpus(len(replaced), pool, rng, taken))
        kept = np.setdiff1d(np.arange(n), replaced)
        return first, again, kept, kept, None
    if name == "new-topic":
        texts, labels = sib200()
        vectors, labels = embed("sib200", texts), np.array(labels)
        first = np.flatnonzero(labels != NEW_TOPIC)
        return vectors[first], vectors, np.arange(len(first)), first, labels
    if name == "small-new-topic":  # 25 sentences of each other topic, then 45 (30 %) of the new one
        texts, labels = sib200()
        vectors, labels = embed("sib200", texts), np.array(labels)
        rng = np.random.default_rng(seed)
        old = [rng.choice(np.flatnonzero(labels == c), 25, replace=False) for c in sorted(set(labels))]
        first = np.concatenate(
            [rows for c, rows in zip(sorted(set(labels)), old, strict=True) if c != NEW_TOPIC]
        )
        rows = np.concatenate([first, rng.choice(np.flatnonzero(labels == NEW_TOPIC), 45, replace=False)])
        return vectors[first], vectors[rows], np.arange(len(first)), np.arange(len(first)), labels[rows]
    texts, labels = (
        sib200()
        if name == "sib200"
        else _rows(DATA / "ccc-propositions" / "ccc_proposals.csv", "proposal", "theme")
    )
    vectors = embed(name, texts)
    first = np.sort(
        np.random.default_rng(seed).choice(len(texts), size=round(0.95 * len(texts)), replace=False)
    )
    return vectors[first], vectors, np.arange(len(first)), first, np.array(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets",
        nargs="+",
        default=["ccc", "sib200"],
        choices=["ccc", "sib200", "pairs", "new-topic", "small-new-topic"],
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--n", type=int, default=1000, help="texts of the pairs corpus")
    parser.add_argument("--cache", type=Path, help="folder keeping the embeddings between invocations")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # UMAP/numba chatter
    embed = Embeddings(args.cache)

    print(
        "| corpus | seed | before: k, ARI | after: k, ARI, verdict "
        "| silhouette carried / fresh draws / bound / sampling margin "
        "| ARI vs labels: first run, rerun before / after "
        "| new topic: share in one theme, purity, before / after |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in args.sets:
        for seed in args.seeds:
            first_v, again_v, in_first, in_again, labels = scenario(name, seed, args.n, embed)
            params = ClusterParams(seed=seed)
            found = cluster(first_v, params)
            first = found.themes
            previous = np.full(len(again_v), NEW)
            previous[in_again] = first[in_first]
            before = cluster(again_v, params)
            after = cluster(again_v, params, previous=previous)
            sel = after.selection

            def stability(result, first=first, in_first=in_first, in_again=in_again):
                return adjusted_rand_score(first[in_first], result.themes[in_again])

            def vs_labels(result, labels=labels):
                return "—" if labels is None else f"{adjusted_rand_score(labels, result.themes):.3f}"

            first_vs_labels = (
                "—" if labels is None else f"{adjusted_rand_score(labels[in_again], first[in_first]):.3f}"
            )

            topic = "—"
            if name.endswith("new-topic"):
                added = np.setdiff1d(np.arange(len(again_v)), in_again)

                def share(themes, added=added):
                    values, counts = np.unique(themes[added], return_counts=True)
                    top = values[counts.argmax()]
                    return f"{counts.max() / len(added):.2f}, {counts.max() / (themes == top).sum():.2f}"

                topic = f"{share(before.themes)} / {share(after.themes)}"
            verdict = "kept" if sel.method == "kept-previous" else "fresh"
            # Runs of the code before the noise bound (``git worktree``) compared one fresh score.
            draws = ", ".join(f"{s:.4f}" for s in getattr(sel, "fresh_scores", (sel.fresh_score,)))
            bound = getattr(sel, "threshold", None)
            margin = getattr(sel, "sampling_margin", None)
            print(
                f"| {name} ({len(first_v)} + {len(again_v) - len(in_again)}) | {seed} "
                f"| {found.k} → {before.k}, {stability(before):.3f} "
                f"| {found.k} → {after.k}, **{stability(after):.3f}**, {verdict} "
                f"| {sel.previous_score:.4f} / {draws} / {'—' if bound is None else f'{bound:.4f}'} "
                f"/ {'—' if margin is None else f'{margin:.4f}'} "
                f"| {first_vs_labels} / {vs_labels(before)} / {vs_labels(after)} | {topic} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
