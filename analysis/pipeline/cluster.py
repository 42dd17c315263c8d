"""Cluster stage: themes and sub-themes, with the number of themes chosen from the data.

Method (per level):
1. smooth each embedding with its nearest neighbours, then reduce (PCA, unit length; see ``reduce``);
   the neighbourhood stays smaller than the smallest theme the search considers (``_smoothing_size``);
2. over-segment with k-means into many micro-clusters, then merge their centres with Ward linkage: the
   partitions for every candidate k are nested, so the choice of k is not at the mercy of one k-means
   restart;
3. for each candidate k, refine the merged partition with one k-means seeded from its centres and score
   it by the silhouette on cosine distance;
4. choose the smallest k whose silhouette is within ``k_tolerance`` (relative) of the best: silhouette
   curves of text embeddings are flat near the top, and the parsimony rule avoids splitting a theme for a
   noise-level gain (the same idea as the one-standard-error rule);
5. for corpora of up to ``layout_max`` distinct contributions, draw the k themes with k-means on a UMAP
   layout of the embeddings (5-D, cosine, 15 neighbours, min_dist 0, seeded), the space BERTopic
   clusters in: on a hundred or so texts the linear space of step 1 separates topics poorly, while UMAP's
   layout pulls each neighbourhood together and pushes the others apart. At the same k, over 5 seeds,
   the ARI against human labels rose from 0.18 to 0.27 (SIB-200 French dev, 99 texts), from 0.20 to
   0.32 (CCC proposals, 146 texts) and from 0.41 to 0.46 (SIB-200, 1,004 texts), and stayed at 0.33 on
   204 and 701 texts (benchmarks/themes_quality.py). UMAP's distances are not used to choose k: the
   layout exaggerates a few coarse islands, and a silhouette on it picks too few themes. The bound is a
   matter of cost: at 2,000 texts the clustering stage takes about 6 s on one core, as long as the
   embedding, plus about 6 s of numba compilation on UMAP's first call in a process; at 20,000 texts
   UMAP alone took 26 s for the themes, before the sub-themes, against a budget of 20 % of the
   embedding (about 17 s in all), so larger corpora keep the partition of step 3;
6. contributions much further from their theme centre (in the original embedding space) than the rest
   of their theme go to "Other" (-1).

A rerun (``previous``: each row's theme in the consultation's earlier run, ``NEW`` for rows it did not
have) builds two partitions: the **carried** one (each row keeps its previous theme; new rows, and rows
that were in "Other", join the nearest theme centre in the reduced space) and the **fresh** one (steps
1-5). It keeps the carried one unless that scores below what the fresh method itself reaches from seed
to seed: the fresh groups are drawn ``RERUN_DRAWS`` times at the k chosen (seeds seed, seed + 1, ..: a
new UMAP layout, or new micro-clusters on the linear path), every partition is scored by the silhouette
(cosine) in the original embedding space, which none of them was fit to (the reduced space is smoothed
over the very neighbour graph the fresh layout cuts along, and favoured the fresh partition), and the
carried one is redrawn only below the one-sided ``RERUN_CONFIDENCE`` prediction bound of one more fresh
draw (mean - t * sd * sqrt(1 + 1/m)) and by more than the one-sided 95 % bound of the paired per-text
silhouette differences (which texts the corpus holds is noise too). Adding 5 % of texts moved k by one
on a flat silhouette curve and redrew every boundary (ARI 0.38-0.80 between the runs on the texts both
had); kept, 0.98-1.00, while a new topic of a third more texts is still drawn afresh
(docs/decisions/0018-rerun-noise-margin.md). When the previous themes are kept, the rows the previous run
had keep its verdict on "Other" and only new rows are tested for it, so the same texts analysed again get
the same themes (docs/decisions/0023-demo-rerun-theme-sizes.md).
Sub-themes follow the same rule inside a theme whose members mostly come from one previous theme.
``keep_previous`` (the caller knows the corpus is exactly the previous run's, drawn the same way) keeps the
previous themes without drawing fresh ones: those would be the previous run's own draw, and the
comparison cannot redraw the themes (docs/decisions/0023-demo-rerun-theme-sizes.md).

Why this rule and not another (each alternative measured): docs/decisions/0001-number-of-themes.md.

Everything is seeded; the result carries the parameters, the seed, the silhouette per k, how the themes
were drawn and an input hash so a run can be audited and reproduced.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.stats import t as t_dist
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import silhouette_samples, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .errors import PipelineError
from .reduce import DEFAULT_COMPONENTS, DEFAULT_NEIGHBOURS, reduce_for_clustering, smooth_by_neighbours

OTHER = -1
NEW = -2  # in ``previous``: a row the previous run did not have
# A rerun redraws its themes only when the carried ones score below what the fresh method itself reaches
# from seed to seed: RERUN_DRAWS fresh draws, a one-sided bound at RERUN_CONFIDENCE
# (docs/decisions/0018-rerun-noise-margin.md).
RERUN_DRAWS = 3
RERUN_CONFIDENCE = 0.95


class ClusterError(PipelineError):
    """Bad clustering input or parameter."""


@dataclass(frozen=True)
class ClusterParams:
    """Knobs of the clustering; defaults are the tested general method."""

    seed: int = 0
    k: int | None = None  # organiser override of the number of themes
    min_k: int = 2
    max_k: int = 15  # also bounded by sqrt(n / 2): a theme needs contributions to be one
    k_tolerance: float = 0.04  # relative silhouette tolerance of the parsimony rule
    n_components: int = DEFAULT_COMPONENTS
    n_neighbors: int = DEFAULT_NEIGHBOURS  # smoothing and UMAP neighbourhood (below 2: neither)
    layout_max: int = 2000  # corpora up to this many distinct texts get their themes drawn on UMAP (0: never)
    layout_components: int = 5  # dimensions of the UMAP layout (as BERTopic)
    other_z: float = 3.0  # robust z-score of distance to centre beyond which a text goes to "Other"
    min_subtheme_parent: int = 20  # themes smaller than this are not split into sub-themes
    max_subthemes: int = 6
    silhouette_sample: int = 2000  # silhouette on a seeded sample: O(n^2) otherwise


@dataclass(frozen=True)
class KSelection:
    """How the number of clusters was chosen (shown to the organiser)."""

    method: str  # "silhouette-parsimony", "kept-previous", "override" or "too-few-contributions"
    k: int
    scores: dict[int, float] = field(default_factory=dict)  # silhouette (cosine) per candidate k
    layout: str = "pca"  # space the k groups were drawn in: "umap" (small corpora) or "pca"
    previous_score: float | None = None  # silhouette of the previous run's themes carried to this corpus
    fresh_score: float | None = None  # silhouette of the partition found afresh, for comparison
    fresh_scores: tuple[float, ...] = ()  # silhouettes of the fresh method's draws (seeds seed, seed + 1, ..)
    threshold: float | None = None  # below it, the previous themes are worse than the fresh method's noise
    sampling_margin: float | None = None  # and the gap must exceed this (per-text differences, 95 %)
    unchanged: bool = False  # kept without drawing fresh themes: the corpus was the previous run's

    def explain(self) -> str:
        drawn = (
            " The groups were then drawn on a UMAP map of each contribution's nearest neighbours."
            if self.layout == "umap"
            else ""
        )
        if self.method == "override":
            return f"{self.k} themes, as set by the organiser.{drawn}"
        if self.method == "too-few-contributions":
            return f"{self.k} theme(s): too few distinct contributions to compare several groupings."
        if self.unchanged:
            return (
                f"{self.k} themes, those of the previous analysis (same corpus), "
                "kept without drawing fresh ones."
            )
        best = max(self.scores, key=self.scores.__getitem__)
        if self.method == "kept-previous":
            return (
                f"{self.k} themes, those of the previous analysis (new contributions joined the nearest): "
                f"their separation score ({self.previous_score:.3f}) is within the noise of themes found "
                f"afresh ({', '.join(f'{s:.3f}' for s in self.fresh_scores)}; seeds' bound "
                f"{self.threshold:.3f}, per-text margin {self.sampling_margin or 0:.3f})."
            )
        return (
            f"{self.k} themes: the smallest number whose separation score (silhouette, cosine) is close to "
            f"the best one ({self.scores[best]:.3f} at k={best}), "
            f"among k={min(self.scores)}..{max(self.scores)}.{drawn}"
        )


@dataclass(frozen=True)
class Partition:
    labels: np.ndarray  # (n,) cluster per row, OTHER for outliers
    centres: np.ndarray  # (k, d) unit centres in the reduced space
    selection: KSelection


@dataclass(frozen=True)
class ClusterResult:
    """Themes and sub-themes of a corpus (rows = distinct contributions)."""

    themes: np.ndarray  # (n,) theme id 0..k-1, or OTHER
    subthemes: np.ndarray  # (n,) sub-theme id within its theme (0 when the theme is not split), OTHER
    centres: np.ndarray  # (k, dim) unit theme centres in the ORIGINAL embedding space
    selection: KSelection
    subtheme_selection: dict[int, KSelection]
    params: ClusterParams
    input_hash: str
    space: np.ndarray | None = None  # (n, n_components) the space the themes were searched in

    def map_2d(self, vectors: np.ndarray) -> np.ndarray:
        """2-D map coordinates from the neighbourhoods the themes were found on (``map_layout``)."""
        return map_layout(vectors, self)

    @property
    def k(self) -> int:
        return self.selection.k

    def summary(self) -> dict:
        """JSON-friendly record of how the run was made (parameters, seed, choice of k, input hash)."""
        return {
            "k": self.k,
            "k_selection": {**asdict(self.selection), "explanation": self.selection.explain()},
            "subthemes": {t: s.k for t, s in self.subtheme_selection.items()},
            "params": asdict(self.params),
            "seed": self.params.seed,
            "input_hash": self.input_hash,
            "n_other": int((self.themes == OTHER).sum()),
        }


def matrix_hash(vectors: np.ndarray) -> str:
    """sha256 of the float32 bytes of the input: same embeddings, same hash."""
    data = np.ascontiguousarray(vectors, dtype=np.float32)
    return hashlib.sha256(str(data.shape).encode() + data.tobytes()).hexdigest()


def _candidate_range(n: int, params: ClusterParams) -> range:
    upper = min(params.max_k, int(math.sqrt(n / 2)), n - 1)
    return range(params.min_k, upper + 1)


def _smoothing_size(n: int, params: ClusterParams) -> int:
    """Neighbours averaged by the smoothing step: at most ``n_neighbors``, and at most sqrt(n / 2).

    With up to sqrt(n / 2) candidate themes, an average theme at the largest k has sqrt(2n) members;
    a neighbourhood of half that stays inside one theme instead of averaging two together (on 99 texts
    of 7 topics, 15 neighbours blurred the topics and the silhouette chose 3 themes)."""
    return min(params.n_neighbors, int(math.sqrt(n / 2)))


def _neighbour_graph(vectors: np.ndarray, n_neighbors: int) -> tuple[np.ndarray, np.ndarray]:
    """Each text's nearest neighbours (itself first) and cosine distances rounded to 0.01.

    UMAP's optimisation is chaotic: a change in the last bit of one embedding (the model rounds a text
    differently depending on the texts batched with it, so cached and fresh vectors differ there) gave
    another layout and other themes. Rounded distances, ranked with ties broken by position, do not move
    with such noise (unless one lies within float noise of a rounding boundary, which is rare), so the
    layout depends on who is near whom and how near, not on the cache."""
    vectors = np.asarray(vectors, dtype=np.float64)
    distances = np.round(np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0), 2)
    np.fill_diagonal(distances, -1.0)  # itself first, even among identical texts
    order = np.argsort(distances, axis=1, kind="stable")[:, :n_neighbors]
    nearest = np.take_along_axis(distances, order, axis=1)
    nearest[:, 0] = 0.0
    return order, nearest.astype(np.float32)


def _umap_layout(vectors: np.ndarray, params: ClusterParams) -> np.ndarray:
    """Seeded UMAP layout (as in BERTopic and kouchou-ai) of the nearest-neighbour graph of the texts."""
    import umap  # imported here: it loads numba, which only small corpora need

    n_neighbors = min(params.n_neighbors, len(vectors) - 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "n_jobs overridden by random_state": determinism is the point
        layout = umap.UMAP(
            n_components=params.layout_components,
            n_neighbors=n_neighbors,
            min_dist=0.0,
            metric="cosine",
            random_state=params.seed,
            precomputed_knn=(*_neighbour_graph(vectors, n_neighbors), None),
        ).fit_transform(vectors)
    return np.asarray(layout, dtype=np.float32)


def _uses_layout(n: int, params: ClusterParams) -> bool:
    """A UMAP layout needs a neighbourhood small next to the set: at least 4 neighbourhoods of texts."""
    return params.layout_max > 0 and params.n_neighbors >= 2 and 4 * params.n_neighbors <= n


def _partition(
    reduced: np.ndarray,
    params: ClusterParams,
    k: int | None,
    max_k: int | None = None,
    vectors: np.ndarray | None = None,
    previous: np.ndarray | None = None,
    embeddings: np.ndarray | None = None,
    keep: bool = False,
) -> Partition:
    """Choose k on ``reduced``; when ``vectors`` is given (small corpora), draw the k groups on their UMAP
    layout instead of refining them in ``reduced``. ``previous`` (each row's group in the previous run,
    negative for none) keeps the previous groups unless fresh ones clearly beat them; with ``keep``, they
    are kept without drawing fresh ones."""
    n = len(reduced)
    groups = _previous_groups(previous)
    if keep and k is None and len(groups) > 1:
        kept = _previous_partition(reduced, previous, groups)
        centres = np.stack([reduced[kept == j].mean(axis=0) for j in range(len(groups))])
        return Partition(kept, normalize(centres), KSelection("kept-previous", len(groups), unchanged=True))
    if k is not None:
        candidates = range(k, k + 1)
    else:
        bounded = params if max_k is None else ClusterParams(**{**asdict(params), "max_k": max_k})
        candidates = _candidate_range(n, bounded)
    if len(candidates) == 0 or n < 3:
        labels = np.zeros(n, dtype=int)
        return Partition(
            labels, normalize(reduced.mean(axis=0, keepdims=True)), KSelection("too-few-contributions", 1)
        )

    # Micro-clusters: enough of them to hold every candidate partition, few enough for Ward to be instant.
    n_micro = min(n, max(candidates.stop * 3, min(200, round(n ** (2 / 3)))))
    micro = KMeans(n_clusters=n_micro, n_init=1, random_state=params.seed).fit(reduced)
    rng = np.random.default_rng(params.seed)
    sample = rng.choice(n, size=min(n, params.silhouette_sample), replace=False)
    # One distance matrix for all candidates: recomputing it per k was most of the clustering time.
    distances = np.clip(1.0 - reduced[sample] @ reduced[sample].T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)

    scored: dict[int, tuple[float, np.ndarray, np.ndarray]] = {}
    for candidate in candidates:
        refined = _refined(reduced, micro, candidate, params.seed)
        labels = refined.labels_
        score = (
            float(silhouette_score(distances, labels[sample], metric="precomputed"))
            if 1 < len(np.unique(labels[sample])) < len(sample)
            else -1.0
        )
        scored[candidate] = (score, labels, refined.cluster_centers_)

    scores = {c: round(s[0], 4) for c, s in scored.items()}
    best_candidate = max(s[0] for s in scored.values())
    if k is not None:
        chosen, method = k, "override"
    else:
        best = best_candidate
        chosen = min(c for c, s in scored.items() if s[0] >= best - params.k_tolerance * abs(best))
        method = "silhouette-parsimony"
    _, labels, centres = scored[chosen]
    layout_used = vectors is not None and chosen > 1 and _uses_layout(n, params)
    if layout_used:
        layout = _umap_layout(vectors, params)
        labels = KMeans(n_clusters=chosen, n_init=10, random_state=params.seed).fit_predict(layout)
        centres = np.stack([reduced[labels == j].mean(axis=0) for j in range(chosen)])
    if k is None and len(groups) > 1:
        kept = _previous_partition(reduced, previous, groups)
        judged = reduced if embeddings is None else embeddings
        kept_each, fresh_each = (_silhouettes(judged, lab, sample) for lab in (kept, labels))
        kept_score, fresh_score = float(kept_each.mean()), float(fresh_each.mean())
        # Which texts the corpus holds is noise too: the gap must also exceed the one-sided 95 % bound of
        # the paired per-text differences (the seeds' spread is nil where k-means always lands alike).
        gap = fresh_each - kept_each
        sampling = float(1.645 * gap.std(ddof=1) / math.sqrt(len(gap))) if len(gap) > 1 else 0.0
        fresh_scores = [fresh_score]
        # A score at least the seeded draw's is above the bound whatever the other draws give (each of
        # three draws lies within 1.16 sd of their mean, the bound 3.37 sd below it; true up to 6 draws):
        # draw more only when below it. Only the drawing is reseeded, k stays: with k chosen again per
        # seed (SIB-200, 9 or 8 themes), the spread grew enough to keep the previous themes when a third
        # of the texts were a new topic.
        if fresh_score - kept_score > sampling:
            fresh_scores += [
                _silhouette(
                    judged,
                    _redraw(
                        reduced, params, chosen, vectors if layout_used else None, n_micro, params.seed + i
                    ),
                    sample,
                )
                for i in range(1, RERUN_DRAWS)
            ]
        threshold = _noise_threshold(fresh_scores) if len(fresh_scores) > 1 else fresh_score
        compared = {
            "previous_score": round(kept_score, 4),
            "fresh_score": round(fresh_scores[0], 4),
            "fresh_scores": tuple(round(s, 4) for s in fresh_scores),
            "threshold": round(threshold, 4),
        }
        compared["sampling_margin"] = round(sampling, 4)
        if kept_score >= threshold or fresh_score - kept_score <= sampling:
            centres = np.stack([reduced[kept == j].mean(axis=0) for j in range(len(groups))])
            selection = KSelection("kept-previous", len(groups), scores, **compared)
            return Partition(kept, normalize(centres), selection)
        selection = KSelection(method, chosen, scores, "umap" if layout_used else "pca", **compared)
        return Partition(labels.copy(), normalize(centres), selection)
    selection = KSelection(method, chosen, scores, layout="umap" if layout_used else "pca")
    return Partition(labels.copy(), normalize(centres), selection)


def _refined(reduced: np.ndarray, micro: KMeans, k: int, seed: int) -> KMeans:
    """The micro-clusters merged into ``k`` by Ward on their centres, refined by one seeded k-means."""
    merged = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(micro.cluster_centers_)
    coarse = merged[micro.labels_]
    sizes = np.bincount(coarse, minlength=k)
    # Identical vectors can leave a merged group empty; k-means++ then starts from scratch.
    start = (
        np.stack([reduced[coarse == j].mean(axis=0) for j in range(k)]) if sizes.min() > 0 else "k-means++"
    )
    return KMeans(n_clusters=k, init=start, n_init=1, random_state=seed).fit(reduced)


def _redraw(
    reduced: np.ndarray, params: ClusterParams, k: int, layout_of: np.ndarray | None, n_micro: int, seed: int
) -> np.ndarray:
    """The fresh method's k groups drawn again with another seed: on a new UMAP layout of ``layout_of``
    when the groups are drawn on one, else from new micro-clusters in ``reduced``."""
    if layout_of is not None:
        layout = _umap_layout(layout_of, ClusterParams(**{**asdict(params), "seed": seed}))
        return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(layout)
    micro = KMeans(n_clusters=n_micro, n_init=1, random_state=seed).fit(reduced)
    return _refined(reduced, micro, k, seed).labels_


def _silhouettes(space: np.ndarray, labels: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """Each sampled text's silhouette (cosine) under ``labels`` in ``space``; -1 each when undefined."""
    if not 1 < len(np.unique(labels[sample])) < len(sample):
        return np.full(len(sample), -1.0)
    rows = normalize(space[sample])
    distances = np.clip(1.0 - rows @ rows.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    return silhouette_samples(distances, labels[sample], metric="precomputed")


def _silhouette(space: np.ndarray, labels: np.ndarray, sample: np.ndarray) -> float:
    """Silhouette (cosine) of ``labels`` on the rows ``sample`` of ``space``; -1 when undefined."""
    return float(_silhouettes(space, labels, sample).mean())


def _noise_threshold(scores: list[float]) -> float:
    """The lowest score one more draw of the fresh method would reach with probability ``RERUN_CONFIDENCE``
    (one-sided prediction bound from the draws' mean and spread, Student's t): a partition scoring below it
    is worse than the method's own noise."""
    draws = np.asarray(scores, dtype=float)
    if len(draws) < 2:
        return float(draws[0])
    m = len(draws)
    return float(
        draws.mean() - t_dist.ppf(RERUN_CONFIDENCE, m - 1) * draws.std(ddof=1) * math.sqrt(1 + 1 / m)
    )


def _previous_partition(reduced: np.ndarray, previous: np.ndarray, groups: list[int]) -> np.ndarray:
    """The previous run's partition carried to this corpus: each row the previous run had keeps its
    group (numbered by its rank in ``groups``); a new row, or one that was in "Other", joins the group
    whose centre (mean direction of its kept rows) is nearest."""
    rank = {g: i for i, g in enumerate(groups)}
    labels = np.array([rank.get(int(g), -1) for g in previous], dtype=int)
    centres = normalize(np.stack([reduced[labels == i].mean(axis=0) for i in range(len(groups))]))
    loose = labels < 0
    if loose.any():
        labels[loose] = np.argmax(reduced[loose] @ centres.T, axis=1)
    return labels


def _previous_groups(previous: np.ndarray | None) -> list[int]:
    """The previous run's groups that still hold rows (its "Other" and new rows left out)."""
    if previous is None:
        return []
    return sorted(int(g) for g in np.unique(previous) if g >= 0)


def _mark_outliers(vectors: np.ndarray, labels: np.ndarray, z: float) -> np.ndarray:
    """Send to OTHER the rows whose similarity to their cluster centre (mean direction of its members,
    original space) is a robust outlier within their cluster: median - z * MAD."""
    labels = labels.copy()
    similarity = np.zeros(len(vectors))
    for cluster in np.unique(labels):
        members = labels == cluster
        centre = normalize(vectors[members].mean(axis=0, keepdims=True))[0]
        similarity[members] = vectors[members] @ centre
    for cluster in np.unique(labels):
        members = labels == cluster
        if members.sum() < 5:
            continue
        values = similarity[members]
        median = np.median(values)
        spread = 1.4826 * np.median(np.abs(values - median))
        if spread > 0:
            outliers = np.flatnonzero(members)[values < median - z * spread]
            labels[outliers] = OTHER
    return labels


def _outliers(vectors: np.ndarray, partition: Partition, z: float, previous: np.ndarray | None) -> np.ndarray:
    """The partition's labels with its outliers sent to OTHER. When the previous run's groups were kept,
    the rows it had keep its verdict (in "Other" or in their group) and only the new rows are tested,
    against their group as it stands: testing every row again after the previous "Other" had joined the
    nearest group moved a few texts in or out of "Other" on every rerun of the very same texts
    (docs/decisions/0023-demo-rerun-theme-sizes.md)."""
    if partition.selection.method != "kept-previous" or previous is None:
        return _mark_outliers(vectors, partition.labels, z)
    labels = partition.labels.copy()
    labels[previous == OTHER] = OTHER
    new = previous == NEW
    labels[new] = _mark_outliers(vectors, labels, z)[new]
    return labels


def _space(vectors: np.ndarray, params: ClusterParams) -> np.ndarray:
    """The space clusters are searched in: neighbour-smoothed, then PCA-reduced, unit vectors."""
    # A neighbourhood must stay small next to the themes, or smoothing averages them together.
    n_neighbors = _smoothing_size(len(vectors), params)
    smoothed = smooth_by_neighbours(vectors, n_neighbors=n_neighbors) if n_neighbors > 1 else vectors
    return reduce_for_clustering(smoothed, n_components=params.n_components)


def cluster(
    vectors: np.ndarray,
    params: ClusterParams | None = None,
    previous: np.ndarray | None = None,
    previous_subthemes: np.ndarray | None = None,
    keep_previous: bool = False,
) -> ClusterResult:
    """Two-level clustering of L2-normalised embeddings (one row per distinct contribution).

    ``previous`` and ``previous_subthemes`` (one int per row): the row's theme and sub-theme in the
    previous run of the same consultation (``NEW`` or ``OTHER`` when it had none), to start from.
    ``keep_previous``: the caller knows the previous run had exactly these texts (none gone either) and
    drew its themes with the same model, seed and no organiser's number: its themes and sub-themes are
    kept without drawing fresh ones to compare (ignored when a row is ``NEW`` or ``k`` is set)."""
    # Many small k-means fits: OpenMP/BLAS threads cost more than they give (8x slower measured on a
    # shared 2-core host), and parallelism belongs to the task level anyway.
    with threadpool_limits(limits=1):
        return _cluster(vectors, params, previous, previous_subthemes, keep_previous)


def _cluster(
    vectors: np.ndarray,
    params: ClusterParams | None,
    previous: np.ndarray | None = None,
    previous_subthemes: np.ndarray | None = None,
    keep_previous: bool = False,
) -> ClusterResult:
    params = params or ClusterParams()
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or len(vectors) == 0:
        raise ClusterError("There is nothing to cluster: no embedded contribution.")
    n = len(vectors)
    if params.k is not None and not 1 <= params.k <= n:
        raise ClusterError(
            f"The number of themes must be between 1 and {n} (the distinct contributions), got {params.k}."
        )
    input_hash = matrix_hash(vectors)
    for given in (previous, previous_subthemes):
        if given is not None and len(given) != n:
            raise ClusterError(f"The previous themes cover {len(given)} contributions, not {n}.")
    previous = None if previous is None else np.asarray(previous, dtype=int)
    keep = keep_previous and previous is not None and params.k is None and not (previous == NEW).any()
    # Whether UMAP draws the groups is decided once for the corpus, so sub-themes follow their themes.
    layout = vectors if n <= params.layout_max else None

    space = None
    if n < 3 or params.k == 1:
        themes = np.zeros(n, dtype=int)
        selection = KSelection("override" if params.k == 1 else "too-few-contributions", 1)
    else:
        space = _space(vectors, params)
        top = _partition(
            space, params, params.k, vectors=layout, previous=previous, embeddings=vectors, keep=keep
        )
        themes, selection = _outliers(vectors, top, params.other_z, previous), top.selection

    subthemes = np.where(themes == OTHER, OTHER, 0)
    subtheme_selection: dict[int, KSelection] = {}
    for theme in range(selection.k):
        members = np.flatnonzero(themes == theme)
        if len(members) < params.min_subtheme_parent:
            continue
        sub_previous = _previous_subthemes(previous, previous_subthemes, members)
        sub = _partition(
            _space(vectors[members], params),
            params,
            None,
            max_k=params.max_subthemes,
            vectors=None if layout is None else vectors[members],
            previous=sub_previous,
            embeddings=vectors[members],
            keep=keep,
        )
        # Sub-theme outliers stay in their theme (sub-theme 0 would mislead): keep them unassigned.
        subthemes[members] = _outliers(vectors[members], sub, params.other_z, sub_previous)
        subtheme_selection[theme] = sub.selection

    centres = np.stack(
        [
            vectors[themes == t].mean(axis=0) if (themes == t).any() else np.zeros(vectors.shape[1])
            for t in range(selection.k)
        ]
    )
    return ClusterResult(
        themes=themes,
        subthemes=subthemes,
        centres=normalize(centres).astype(np.float32),
        selection=selection,
        subtheme_selection=subtheme_selection,
        params=params,
        input_hash=input_hash,
        space=space,
    )


def _previous_subthemes(
    previous: np.ndarray | None, subthemes: np.ndarray | None, members: np.ndarray
) -> np.ndarray | None:
    """The previous sub-themes of a new theme's members, when they mostly come from one previous theme
    (the theme it continues): its sub-themes are the ones to start from; otherwise none."""
    if previous is None or subthemes is None or len(members) == 0:
        return None
    before = previous[members]
    known = before[before >= 0]
    if len(known) == 0:
        return None
    values, counts = np.unique(known, return_counts=True)
    parent = values[np.argmax(counts)]
    if counts.max() < 0.5 * len(members):
        return None
    return np.where(before == parent, np.asarray(subthemes, dtype=int)[members], NEW)


MAP_SAMPLE = 5000  # texts laid out by UMAP for the map; the others are placed beside their neighbours


def map_layout(vectors: np.ndarray, clusters: ClusterResult) -> np.ndarray:
    """2-D coordinates for the theme map, from the same neighbourhoods the themes were found on.

    Corpora whose themes were drawn on a UMAP layout (``layout_max``) get a 2-D UMAP of the very same
    nearest-neighbour graph and seed; larger ones a seeded 2-D UMAP of the space their themes were
    searched in (neighbour-smoothed PCA), fitted on a seeded sample of ``MAP_SAMPLE`` texts, each other
    text placed at the mean position of its 5 nearest sampled texts in that space. A principal-component
    plane, the map before, mixed every theme into one cloud. Too few texts for a neighbourhood: zeros."""
    import umap

    params = clusters.params
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    if n < 4 or params.n_neighbors < 2:
        return np.zeros((n, 2), dtype=np.float32)
    n_neighbors = min(params.n_neighbors, n - 1)
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore")
        if n <= params.layout_max or clusters.space is None:
            layout = umap.UMAP(
                n_components=2,
                n_neighbors=n_neighbors,
                min_dist=0.1,
                metric="cosine",
                random_state=params.seed,
                precomputed_knn=(*_neighbour_graph(vectors, n_neighbors), None),
            ).fit_transform(vectors)
            return np.asarray(layout, dtype=np.float32)
        space = clusters.space
        sample = np.sort(np.random.default_rng(params.seed).choice(n, size=min(n, MAP_SAMPLE), replace=False))
        placed = umap.UMAP(
            n_components=2, n_neighbors=n_neighbors, min_dist=0.1, random_state=params.seed
        ).fit_transform(space[sample])
    coordinates = np.empty((n, 2), dtype=np.float32)
    coordinates[sample] = placed
    rest = np.setdiff1d(np.arange(n), sample)
    block = max(1, (1 << 22) // len(sample))
    for start in range(0, len(rest), block):
        rows = rest[start : start + block]
        nearest = np.argpartition(-(space[rows] @ space[sample].T), 4, axis=1)[:, :5]
        coordinates[rows] = placed[nearest].mean(axis=1)
    return coordinates
