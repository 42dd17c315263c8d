"""Quality of first-level themes against human labels, next to two published approaches.

Runs the default pipeline (USE multilingual, number of themes chosen by the pipeline) on a labelled
CSV/TSV and compares its themes with the labels (adjusted Rand index, normalised mutual information;
"Other" counts as one group). On the same embeddings it runs two baselines:

- BERTopic-style: UMAP to 5 dimensions (cosine, 15 neighbours, min_dist 0) + HDBSCAN
  (min_cluster_size 10), outliers kept as one group;
- kouchou-ai-style: UMAP to 2 dimensions + k-means with cbrt(n)^2 clusters (kouchou-ai's default lower
  level) + Ward on the centres cut at the TRUE number of labels (an advantage our pipeline does not get).

Prints one JSON line: n, k_found, ari, nmi, bertopic_ari, bertopic_nmi, kouchou_ari, kouchou_nmi.
``--themes-out F.json`` also writes each theme's title, keywords, summary, size and majority label.

Run (several files are concatenated; TSV if the name ends in .tsv):
  python benchmarks/themes_quality.py --csv ../shared/data/french/sib200-fra/{train,dev,test}.tsv \\
      --text-column text --label-column category
  python benchmarks/themes_quality.py --csv ../shared/data/french/ccc-propositions/ccc_proposals.csv \\
      --text-column proposal --label-column theme
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.cluster import HDBSCAN, AgglomerativeClustering, KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analysis.pipeline import (  # noqa: E402
    Contribution,
    InMemoryEmbeddingCache,
    PipelineParams,
    UseMultilingualEmbedder,
    run_pipeline,
)
from analysis.pipeline.cluster import ClusterParams  # noqa: E402
from analysis.pipeline.embed import embed_with_cache  # noqa: E402


def read_rows(paths: list[str], text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t" if path.endswith(".tsv") else ",")
            for row in reader:
                if row.get(text_column, "").strip():
                    texts.append(row[text_column])
                    labels.append(row[label_column])
    return texts, labels


def bertopic_style(vectors: np.ndarray, seed: int) -> np.ndarray:
    import umap

    reduced = umap.UMAP(n_components=5, n_neighbors=15, min_dist=0.0, metric="cosine", random_state=seed)
    return HDBSCAN(min_cluster_size=10).fit_predict(reduced.fit_transform(vectors))


def kouchou_style(vectors: np.ndarray, n_labels: int, seed: int) -> np.ndarray:
    import umap

    points = umap.UMAP(n_components=2, metric="cosine", random_state=seed).fit_transform(vectors)
    n_fine = min(len(vectors) - 1, max(n_labels + 1, round(len(vectors) ** (1 / 3)) ** 2))
    fine = KMeans(n_clusters=n_fine, n_init=4, random_state=seed).fit(points)
    merged = AgglomerativeClustering(n_clusters=n_labels, linkage="ward").fit_predict(fine.cluster_centers_)
    return merged[fine.labels_]


def write_themes(path: str, result, labels: list[str]) -> None:
    """One entry per first-level theme found (not "Other"): its title, keywords, summary, size (texts,
    copies included) and the human label most of its texts carry, so titles can be judged against it."""
    found = []
    for theme in result.themes:
        if theme["other"]:
            continue
        members = [labels[c["id"]] for c in result.contributions if c["theme"] == theme["theme"]]
        found.append(
            {
                "title": theme.get("title", ""),
                "keywords": theme.get("keywords", []),
                "summary": theme.get("summary", ""),
                "size": len(members),
                "majority_label": Counter(members).most_common(1)[0][0] if members else None,
            }
        )
    text = json.dumps({"themes": found}, ensure_ascii=False, indent=2)
    Path(path).write_text(text + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", nargs="+", required=True)
    parser.add_argument("--text-column", required=True)
    parser.add_argument("--label-column", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--themes-out",
        metavar="F.json",
        help='write {"themes": [{"title", "keywords", "summary", "size", "majority_label"}]} to F.json',
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # UMAP/numba chatter would break the one-line output

    texts, labels = read_rows(args.csv, args.text_column, args.label_column)
    embedder, cache = UseMultilingualEmbedder(), InMemoryEmbeddingCache()
    params = PipelineParams(cluster=ClusterParams(seed=args.seed))
    result = run_pipeline([Contribution(id=i, text=t) for i, t in enumerate(texts)], embedder, cache, params)
    themes = [c["theme"] for c in result.contributions]

    # Baselines cluster the very same vectors (read back from the cache, so nothing is re-embedded).
    vectors = embed_with_cache(embedder, [c["text"] for c in result.contributions], cache)
    bertopic = bertopic_style(vectors, args.seed)
    kouchou = kouchou_style(vectors, len(set(labels)), args.seed)

    def scores(found):
        return round(adjusted_rand_score(labels, found), 4), round(
            normalized_mutual_info_score(labels, found), 4
        )

    if args.themes_out:
        write_themes(args.themes_out, result, labels)
    ari, nmi = scores(themes)
    bertopic_ari, bertopic_nmi = scores(bertopic)
    kouchou_ari, kouchou_nmi = scores(kouchou)
    print(
        json.dumps(
            {
                "n": len(texts),
                "n_labels": len(set(labels)),
                "k_found": result.run["clustering"]["k"],
                "ari": ari,
                "nmi": nmi,
                "bertopic_ari": bertopic_ari,
                "bertopic_nmi": bertopic_nmi,
                "bertopic_k": int(len(set(bertopic.tolist()))),
                "kouchou_ari": kouchou_ari,
                "kouchou_nmi": kouchou_nmi,
            }
        )
    )


if __name__ == "__main__":
    main()
