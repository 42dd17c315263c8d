"""The whole broad-listening pipeline as one call: clean -> dedupe -> embed -> cluster -> label -> synthesise.

``run_pipeline`` is the entry point for the Celery orchestration: it takes plain dataclasses, reports
progress through a callback, and returns a ``PipelineResult`` whose ``to_dict()`` is JSON-serialisable.
Callers that split the embedding into parallel tasks call ``embed.embed_with_cache`` per chunk first;
the run then finds every vector in the cache and embeds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .carried import PreviousLook, carried_coordinates, carry_titles
from .clean import DEFAULT_MAX_CHARS, CleaningCache, clean_texts
from .cluster import NEW, OTHER, ClusterParams, ClusterResult, cluster
from .dedupe import DEFAULT_THRESHOLD, DedupeResult, dedupe
from .embed import Embedder, EmbeddingCache, chunks, embed_with_cache, text_hash
from .errors import PipelineError
from .label import keywords, representative_quotes, word_counts
from .notes import Note, note
from .synthesise import MIN_CELL, Votes, new_clusters, rake, theme_figures, votes_per_unit
from .title import Group, titles_and_summaries

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Contribution:
    """One text to analyse, with what the platform knows about it."""

    id: str | int
    text: str
    source: str = "answer"  # answer, proposal, minutes, recommendation, import
    date: dt.date | None = None
    strata: Mapping[str, str] = field(default_factory=dict)  # only what the contributor chose to give
    votes: Votes | None = None  # for proposals


@dataclass(frozen=True)
class PipelineParams:
    cluster: ClusterParams = field(default_factory=ClusterParams)
    near_duplicate_threshold: float = DEFAULT_THRESHOLD
    max_chars: int = DEFAULT_MAX_CHARS
    reference_margins: Mapping[str, Mapping[str, float]] | None = None  # population shares per stratum
    n_keywords: int = 8
    n_quotes: int = 5
    recent_days: int = 14
    min_cell: int = MIN_CELL
    embed_chunk_size: int = 1000


@dataclass
class PipelineResult:
    """Everything a run produced; ``to_dict()`` is what gets stored."""

    run: dict[str, Any]
    contributions: list[dict[str, Any]]
    themes: list[dict[str, Any]]
    campaigns: list[dict[str, Any]]
    new_clusters: list[list[str | int]]
    notes: list[Note]
    coordinates: np.ndarray  # (n_distinct, 2) map positions, in the order of ``run["distinct_ids"]``

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "contributions": self.contributions,
            "themes": self.themes,
            "campaigns": self.campaigns,
            "new_clusters": self.new_clusters,
            "notes": self.notes,
            "coordinates": self.coordinates.round(4).tolist(),
        }


def corpus_hash(contributions: Sequence[Contribution]) -> str:
    """sha256 over (id, text hash) in order: the same corpus gives the same hash."""
    digest = hashlib.sha256()
    for c in contributions:
        digest.update(f"{c.id}\t{text_hash(c.text)}\n".encode())
    return digest.hexdigest()


def run_pipeline(
    contributions: Sequence[Contribution],
    embedder: Embedder,
    cache: EmbeddingCache | None = None,
    params: PipelineParams | None = None,
    progress: Progress | None = None,
    cleaning_cache: CleaningCache | None = None,
    duplicates: DedupeResult | None = None,
    previous: Mapping[str | int, tuple[int, int]] | None = None,
    previous_unchanged: bool = False,
    previous_look: PreviousLook | None = None,
) -> PipelineResult:
    """Analyse a corpus. Raises ``PipelineError`` (with a message for the organiser) on unusable input.

    The caches only save work: a run gives the same result whatever they hold. ``duplicates`` is the
    dedupe of the non-empty cleaned texts, in order, when the caller already computed it (the Celery
    preparation does, and stores it): it is used instead of deduping again. ``previous``: contribution
    id -> (theme, sub-theme) in the consultation's previous run, for the contributions it had with the
    same text; the clustering keeps those themes while they score about as well as new ones
    (``cluster``), so a rerun with a few new texts does not redraw every theme. ``previous_unchanged``:
    the previous run had exactly these contributions, drawn the same way; its themes are kept without
    drawing fresh ones to compare (``cluster``'s ``keep_previous``). ``previous_look``: the previous run's
    map positions and titles; when its themes were kept unchanged they are carried over instead of being
    computed again (``carried``), so an unchanged rerun neither moves a point nor renames a theme."""
    params = params or PipelineParams()
    report = progress or (lambda stage, done, total: None)
    timings: dict[str, float] = {}
    notes: list[Note] = []
    if not contributions:
        raise PipelineError("The corpus is empty: there is no contribution to analyse.")
    if len({c.id for c in contributions}) != len(contributions):
        raise PipelineError("Two contributions share the same id; ids must be unique.")

    started = time.perf_counter()
    report("clean", 0, len(contributions))
    cleaned_all = clean_texts(
        [c.text for c in contributions], max_chars=params.max_chars, cache=cleaning_cache
    )
    kept = [i for i, c in enumerate(cleaned_all) if c.text]
    if not kept:
        raise PipelineError(
            "Every contribution is empty once whitespace is removed: there is nothing to analyse."
        )
    if len(kept) < len(contributions):
        notes.append(note("empty_left_out", count=len(contributions) - len(kept)))
    items = [contributions[i] for i in kept]
    cleaned = [cleaned_all[i] for i in kept]
    texts = [c.text for c in cleaned]
    _note_count(notes, "truncated", sum(c.truncated for c in cleaned), max_chars=params.max_chars)
    _note_count(notes, "other_language", sum(c.likely_other_language for c in cleaned))
    _note_count(notes, "health_flag", sum(c.health_flag for c in cleaned))
    report("clean", len(contributions), len(contributions))
    timings["clean"] = time.perf_counter() - started

    started = time.perf_counter()
    if duplicates is None:
        groups = dedupe(texts, threshold=params.near_duplicate_threshold)
    elif len(duplicates.group) != len(texts):
        raise PipelineError(
            f"The duplicate groups given cover {len(duplicates.group)} texts, not the {len(texts)} analysed."
        )
    else:
        groups = duplicates
    distinct = groups.representative
    if len(distinct) == 1:
        notes.append(note("single_theme"))
    timings["dedupe"] = time.perf_counter() - started

    started = time.perf_counter()
    distinct_texts = [texts[i] for i in distinct]
    parts = []
    for done, span in enumerate(chunks(len(distinct_texts), params.embed_chunk_size)):
        report("embed", done * params.embed_chunk_size, len(distinct_texts))
        parts.append(embed_with_cache(embedder, distinct_texts[span.start : span.stop], cache))
    vectors = normalize(np.vstack(parts)).astype(np.float32)
    report("embed", len(distinct_texts), len(distinct_texts))
    timings["embed"] = time.perf_counter() - started

    # Clustering, the map and labelling are many small BLAS calls: extra threads cost more than they give
    # on a shared host (seconds of jitter measured for one 2-D PCA); parallelism is at the task level.
    with threadpool_limits(limits=1):
        started = time.perf_counter()
        report("cluster", 0, 1)
        k = params.cluster.k
        if k is not None and k > len(distinct):
            notes.append(note("k_capped", asked=k, distinct=len(distinct)))
            k = len(distinct)
        before = _previous_of_distinct(items, groups, previous)
        clusters = cluster(
            vectors,
            ClusterParams(**{**asdict(params.cluster), "k": k}),
            previous=None if before is None else before[0],
            previous_subthemes=None if before is None else before[1],
            keep_previous=previous_unchanged,
        )
        # An unchanged rerun (its themes kept as they were) shows the previous run's map as it was.
        look = previous_look if previous_unchanged and clusters.selection.unchanged else None
        distinct_ids = [items[i].id for i in distinct]
        coordinates = None if look is None else carried_coordinates(distinct_ids, look)
        carried = [] if coordinates is None else ["map"]
        if coordinates is None:
            coordinates = clusters.map_2d(vectors)
        report("cluster", 1, 1)
        timings["cluster"] = time.perf_counter() - started

        started = time.perf_counter()
        report("synthesise", 0, 1)
        distinct_items = [items[i] for i in distinct]
        distinct_flags = np.array([cleaned[i].health_flag for i in distinct])
        # A group of copies is analysed once, but each copy was voted on by its own voters: the group's
        # row carries the votes on all of them.
        group_votes = votes_per_unit(
            [int(g) for g in groups.group], [item.votes for item in items], len(distinct)
        )
        themes = _describe_themes(
            distinct_items, distinct_texts, vectors, clusters, ~distinct_flags, params, notes, group_votes
        )
        recent = _recent_mask(distinct_items, params.recent_days)
        found = _new_groups(vectors, clusters.themes, recent)
        report("synthesise", 1, 1)
        timings["synthesise"] = time.perf_counter() - started

    # Outside the one-thread limit: titling embeds phrases and sentences, as the embed stage does.
    started = time.perf_counter()
    if look is not None and carry_titles(themes, look):
        carried.append("titles")
    else:
        # Phrases and sentences read the texts' cache (a sentence may be a whole text) but are not kept.
        _add_titles(
            themes,
            distinct_texts,
            vectors,
            clusters,
            ~distinct_flags,
            embedder,
            _ReadThrough(cache),
            ids=[item.id for item in distinct_items],
        )
    _quote_summary_sources(themes, [item.id for item in distinct_items], distinct_texts)
    timings["title"] = time.perf_counter() - started

    theme_of_group = clusters.themes
    subtheme_of_group = clusters.subthemes
    per_contribution = [
        {
            "id": item.id,
            "source": item.source,
            "group": int(groups.group[row]),
            "theme": int(theme_of_group[groups.group[row]]),
            "subtheme": int(subtheme_of_group[groups.group[row]]),
            "duplicate_of": None
            if distinct[groups.group[row]] == row
            else items[distinct[groups.group[row]]].id,
            "text": c.text,
            "scrubbed": list(c.scrubbed),
            "health_flag": c.health_flag,
            "truncated": c.truncated,
            "likely_other_language": c.likely_other_language,
        }
        for row, (item, c) in enumerate(zip(items, cleaned, strict=True))
    ]
    campaigns = [
        {
            "group": g,
            "size": int(groups.size[g]),
            "representative_id": items[distinct[g]].id,
            "theme": int(clusters.themes[g]),
            "text": distinct_texts[g],
        }
        for g in groups.campaigns
    ]
    run = {
        "model_id": embedder.model_id,
        "seed": params.cluster.seed,
        "input_hash": corpus_hash(contributions),
        "embedding_hash": clusters.input_hash,
        "params": _jsonable(asdict(params)),
        "clustering": _jsonable(clusters.summary()),
        "n_contributions": len(contributions),
        "n_analysed": len(items),
        "n_distinct": len(distinct),
        "distinct_ids": [item.id for item in distinct_items],
        "carried": carried,  # what was taken from the previous run as it was: "map", "titles"
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }
    return PipelineResult(
        run=run,
        contributions=per_contribution,
        themes=themes,
        campaigns=campaigns,
        new_clusters=[[distinct_items[i].id for i in g] for g in found],
        notes=notes,
        coordinates=coordinates,
    )


def _previous_of_distinct(
    items: list[Contribution], groups: DedupeResult, previous: Mapping[str | int, tuple[int, int]] | None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Each distinct text's (theme, sub-theme) in the previous run: that of the first member of its
    group the previous run had; ``NEW`` for a group it had none of."""
    if not previous:
        return None
    n = len(groups.representative)
    themes, subthemes = np.full(n, NEW, dtype=int), np.full(n, NEW, dtype=int)
    for row, item in enumerate(items):
        group = int(groups.group[row])
        if themes[group] == NEW and item.id in previous:
            themes[group], subthemes[group] = previous[item.id]
    return (themes, subthemes) if (themes != NEW).any() else None


def _note_count(notes: list[Note], code: str, count: int, **values: Any) -> None:
    if count:
        notes.append(note(code, count=int(count), **values))


def _describe_themes(
    items: list[Contribution],
    texts: list[str],
    vectors: np.ndarray,
    clusters: ClusterResult,
    quotable: np.ndarray,
    params: PipelineParams,
    notes: list[Note],
    votes: list[Votes | None],
) -> list[dict[str, Any]]:
    labels = clusters.themes
    strata = [dict(item.strata) for item in items]
    weights = None
    if params.reference_margins:
        raking = rake(strata, params.reference_margins)
        weights = raking.weights
        notes.extend(raking.notes)
    figures = theme_figures(
        labels,
        strata,
        [item.date for item in items],
        votes,
        weights=weights,
        min_cell=params.min_cell,
        recent_days=params.recent_days,
    )
    counted = word_counts(texts)
    words = keywords(counted, labels, n_keywords=params.n_keywords)

    described = []
    for theme in sorted(figures, key=lambda t: (t == OTHER, -figures[t]["size"])):
        members = np.flatnonzero(labels == theme)
        figure = figures[theme]
        entry: dict[str, Any] = {
            "theme": theme,
            "other": theme == OTHER,
            **{k: figure[k] for k in ("size", "share", "weighted_share")},
        }
        entry["sources"] = dict(Counter(items[i].source for i in members))
        if theme != OTHER:
            quotes = representative_quotes(
                vectors, members, clusters.centres[theme], n_quotes=params.n_quotes, eligible=quotable
            )
            entry["keywords"] = words.get(theme, [])
            entry["quotes"] = [{"id": items[i].id, "text": texts[i]} for i in quotes]
            sub = clusters.subthemes[members]
            sub_words = (
                keywords(counted.rows(members), sub, n_keywords=5)
                if theme in clusters.subtheme_selection
                else {}
            )
            entry["subthemes"] = [
                {"subtheme": int(s), "size": int((sub == s).sum()), "keywords": sub_words.get(int(s), [])}
                for s in np.unique(sub)
            ]
            if figure["emergence"] is not None:
                entry["emergence"] = asdict(figure["emergence"])
        entry["breakdown"] = figure["breakdown"]
        if "stance" in figure:
            entry["stance"] = figure["stance"]
        entry["trend"] = figure["trend"]
        described.append(entry)
    return described


def _add_titles(
    themes: list[dict[str, Any]],
    texts: list[str],
    vectors: np.ndarray,
    clusters: ClusterResult,
    quotable: np.ndarray,
    embedder: Embedder,
    cache: EmbeddingCache | None,
    *,
    ids: Sequence[Any],
) -> None:
    """A title and a summary on every theme and sub-theme entry (``title`` module), in place.

    The summary's sentences are kept with the contributions they come from (``summary_sentences``:
    ``[{"text": sentence, "ids": [contribution id, ...]}]``, ``ids`` giving each row's id)."""
    groups = []
    for entry in themes:
        if entry["other"]:
            continue
        theme = entry["theme"]
        groups.append(Group(("t", theme), np.flatnonzero(clusters.themes == theme), clusters.centres[theme]))
    for entry in themes:
        subs = [s for s in entry.get("subthemes", []) if s["subtheme"] != OTHER]
        if entry["other"] or len(subs) < 2:
            continue
        theme = entry["theme"]
        for sub in subs:
            members = np.flatnonzero((clusters.themes == theme) & (clusters.subthemes == sub["subtheme"]))
            centre = normalize(vectors[members].mean(axis=0, keepdims=True))[0]
            groups.append(Group(("s", theme, sub["subtheme"]), members, centre, parent=("t", theme)))
    found = titles_and_summaries(texts, vectors, groups, embedder, cache, quotable=quotable)
    for entry in themes:
        if entry["other"]:
            continue
        named = found.get(("t", entry["theme"]))
        if named is not None:
            entry["title"], entry["summary"] = named.title, named.summary
            entry["summary_sentences"] = _sentence_sources(named, ids)
            entry["summary_by"] = "citizens" if named.summary else ""
        for sub in entry.get("subthemes", []):
            named = found.get(("s", entry["theme"], sub["subtheme"]))
            if named is not None:
                sub["title"], sub["summary"] = named.title, named.summary
                sub["summary_sentences"] = _sentence_sources(named, ids)
                sub["summary_by"] = "citizens" if named.summary else ""


def _quote_summary_sources(themes: list[dict[str, Any]], ids: Sequence[Any], texts: Sequence[str]) -> None:
    """A theme's quotes take in the first contribution of each of its summary's sentences when they lack
    it, so a reader finds the whole text a sentence was taken from among the quotes (a theme may then
    have one or two more quotes), in place."""
    text_of = dict(zip(ids, texts, strict=True))
    for entry in themes:
        if entry["other"] or "quotes" not in entry:
            continue
        quoted = {q["id"] for q in entry["quotes"]}
        for sentence in entry.get("summary_sentences") or []:
            first = (sentence.get("ids") or [None])[0]
            if first in text_of and first not in quoted:
                entry["quotes"].append({"id": first, "text": text_of[first]})
                quoted.add(first)


def _sentence_sources(named, ids: Sequence[Any]) -> list[dict[str, Any]]:
    """A summary's sentences with the ids of the contributions each was taken from (most central first)."""
    return [{"text": sentence, "ids": [ids[row] for row in rows]} for sentence, rows in named.sentences]


class _ReadThrough:
    """An embedding cache that reads ``backing`` and keeps what it is given in memory only."""

    def __init__(self, backing: EmbeddingCache | None) -> None:
        self._backing = backing
        self._own: dict[tuple[str, str], np.ndarray] = {}

    def get_many(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found = self._backing.get_many(model_id, hashes) if self._backing is not None else {}
        found.update({h: self._own[(model_id, h)] for h in hashes if (model_id, h) in self._own})
        return found

    def set_many(self, model_id: str, vectors: dict[str, np.ndarray]) -> None:
        for h, vector in vectors.items():
            self._own[(model_id, h)] = vector


def _recent_mask(items: list[Contribution], recent_days: int) -> np.ndarray:
    dates = [item.date for item in items]
    known = [d for d in dates if d is not None]
    if not known:
        return np.zeros(len(items), dtype=bool)
    cutoff = max(known) - dt.timedelta(days=recent_days)
    return np.array([d is not None and d > cutoff for d in dates])


def _new_groups(vectors: np.ndarray, labels: np.ndarray, recent: np.ndarray) -> list[np.ndarray]:
    """New contributions far from the themes as they stood before the recent window."""
    reference = np.flatnonzero(~recent & (labels != OTHER))
    if not recent.any() or len(reference) == 0:
        return []
    themes = np.unique(labels[reference])
    centres = normalize(np.stack([vectors[reference[labels[reference] == t]].mean(axis=0) for t in themes]))
    return new_clusters(vectors, centres, recent, reference)


def _jsonable(value: Any) -> Any:
    """Dataclass dumps contain numpy scalars and int keys; make them plain JSON types."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
