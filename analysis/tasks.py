"""Celery orchestration of broad listening: load, call the pure pipeline, save. Nothing else.

prepare_run -> N x embed_chunk (in parallel, any worker) -> finish_run, the last chunk to finish enqueuing
the finish. Tasks are acknowledged late and may run twice: a chunk marks itself done with a conditional
UPDATE under the run's row lock, so a re-delivered chunk neither counts twice nor re-embeds (its vectors
are in the cache); finish_run rewrites its own run's rows in one transaction and does nothing once the
run is done. A failure records a translated message on the run; the published synthesis is untouched.
"""

import logging
import os
import time
from contextlib import contextmanager
from functools import cache

from celery import shared_task
from django.core.cache import cache as django_cache
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from accounts import outbox

from . import rerun
from .cleaning_cache import ContributionCleaningCache, clean_key
from .embedding_cache import DatabaseEmbeddingCache
from .models import Contribution, PipelineRun, PublishedSynthesis, RunChunk, SynthesisVersion, Theme
from .pipeline import Contribution as PipelineContribution
from .pipeline import PipelineError, Votes, run_pipeline
from .pipeline.clean import CleanedText, InMemoryCleaningCache, clean_texts
from .pipeline.dedupe import DedupeResult, dedupe
from .pipeline.embed import Embedder, EmbedderError, embed_with_cache, make_embedder, text_hash
from .pipeline.label_service import (
    LabelServiceConfig,
    LabelServiceError,
    ThemeLabel,
    ThemeText,
    label_themes,
)

logger = logging.getLogger(__name__)
Status = PipelineRun.Status
Error = PipelineRun.Error
RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


class RunFailed(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code, self.detail = code, detail


@cache
def _embedder(backend: str, model: str) -> Embedder:
    # One model per worker process: loading it costs seconds, embedding a chunk a fraction of that.
    return make_embedder(backend, model or None)


def embedder_for(run: PipelineRun) -> Embedder:
    try:
        return _embedder(run.params.get("backend", "use-multilingual"), run.params.get("model") or "")
    except EmbedderError as exc:
        raise RunFailed(Error.MODEL, str(exc)) from exc


def _fail(run_id: int, code: str, detail: str) -> None:
    PipelineRun.objects.filter(pk=run_id).exclude(status=Status.DONE).update(
        status=Status.FAILED, error_code=code, error_detail=detail[:2000], finished_at=timezone.now()
    )


class _Outcome:
    failed = False


@contextmanager
def _failure_ends_the_run(run_id: int, stage: str, pipeline_error: str = Error.BAD_PARAMETER):
    """Every stage maps failures the same way: a database outage propagates (Celery retries the task);
    anything else ends the run as failed, with the message its code stands for."""
    outcome = _Outcome()
    try:
        yield outcome
    except OperationalError:
        raise
    except RunFailed as failure:
        outcome.failed = True
        _fail(run_id, failure.code, failure.detail)
    except PipelineError as exc:
        outcome.failed = True
        _fail(run_id, pipeline_error, str(exc))
    except Exception as exc:
        outcome.failed = True
        logger.exception("analysis run %s failed while %s", run_id, stage)
        _fail(run_id, Error.INTERNAL, repr(exc))


def _claim(run_id: int, allowed: tuple[str, ...], status: str) -> PipelineRun | None:
    """Move the run to `status` if it is in one of `allowed`; None when another delivery got there."""
    with transaction.atomic():
        run = PipelineRun.objects.select_for_update().filter(pk=run_id, status__in=allowed).first()
        if run is None:
            return None
        run.status = status
        run.started_at = run.started_at or timezone.now()
        run.save(update_fields=["status", "started_at"])
        return run


@shared_task(**RETRY)
def prepare_run(run_id: int, dispatch: bool = True) -> None:
    """Read the corpus, clean it (reusing earlier runs' rows for unchanged texts) and dedupe it, save one
    row per contribution, cut the texts that are not in the embedding cache yet into chunks and enqueue
    one task per chunk."""
    from .selectors import corpus

    run = _claim(run_id, (Status.QUEUED, Status.PREPARING), Status.PREPARING)
    if run is None:
        return
    with _failure_ends_the_run(run_id, "preparing"):
        items = corpus(run.consultation)
        if not items:
            raise RunFailed(Error.EMPTY)
        if len(items) == 1:
            raise RunFailed(Error.ONE)
        params = run.pipeline_params()
        sources = [text_hash(item.text) for item in items]
        cleaned = clean_texts(
            [item.text for item in items], max_chars=params.max_chars, cache=ContributionCleaningCache()
        )
        # Dedupe exactly what the pipeline analyses (the non-empty texts, in order): the rows keep the
        # groups and finish_run hands them back to the pipeline instead of deduping again.
        analysed = [position for position, c in enumerate(cleaned) if c.text]
        if not analysed:
            raise RunFailed(Error.EMPTY)
        groups = dedupe([cleaned[p].text for p in analysed], threshold=params.near_duplicate_threshold)
        if len(groups.representative) == 1:
            raise RunFailed(Error.ALL_DUPLICATES)
        group_of, count_of = _groups_by_position(groups, analysed, len(cleaned))
        embedder = embedder_for(run)
        rows = [
            Contribution(
                run=run,
                position=position,
                source_type=item.source_type,
                source_id=item.source_id,
                text=c.text,
                text_hash=text_hash(c.text),
                submitted_at=item.submitted_at,
                strata=item.strata,
                duplicate_group=group_of[position],
                duplicate_count=count_of[position],
                health_flag=c.health_flag,
                clean_key=clean_key(params.max_chars, sources[position]),
                scrubbed=list(c.scrubbed),
                truncated=c.truncated,
                likely_other_language=c.likely_other_language,
            )
            for position, (item, c) in enumerate(zip(items, cleaned, strict=True))
        ]
        # The texts the pipeline will embed: one per duplicate group. Only those the cache lacks are work.
        distinct = list(dict.fromkeys(rows[analysed[i]].text_hash for i in groups.representative))
        known = DatabaseEmbeddingCache().get_many(embedder.model_id, distinct)
        missing = [h for h in distinct if h not in known]
        size = max(1, int(run.params.get("chunk_size") or 500))
        with transaction.atomic():
            Contribution.objects.filter(run=run).delete()
            RunChunk.objects.filter(run=run).delete()
            Contribution.objects.bulk_create(rows, batch_size=1000)
            RunChunk.objects.bulk_create(
                RunChunk(run=run, index=i, hashes=missing[start : start + size])
                for i, start in enumerate(range(0, len(missing), size))
            )
            PipelineRun.objects.filter(pk=run.pk).update(
                status=Status.EMBEDDING,
                model_id=embedder.model_id,
                n_contributions=len(rows),
                n_distinct=len(distinct),
                progress_done=0,
                progress_total=len(missing),
                chunks_total=-(-len(missing) // size),
            )
            if dispatch:
                if missing:
                    for index in range(-(-len(missing) // size)):
                        outbox.enqueue(embed_chunk, run_id, index)
                else:
                    outbox.enqueue(finish_run, run_id)


def _groups_by_position(groups: DedupeResult, analysed: list[int], n: int) -> tuple[list[int], list[int]]:
    """Group id and group size of every row; the rows left empty by cleaning (not analysed) share one
    group after the others."""
    empty_group, empties = len(groups.size), n - len(analysed)
    group_of, count_of = [empty_group] * n, [empties] * n
    for index, position in enumerate(analysed):
        group = int(groups.group[index])
        group_of[position], count_of[position] = group, int(groups.size[group])
    return group_of, count_of


@shared_task(**RETRY)
def embed_chunk(run_id: int, index: int, dispatch: bool = True) -> bool:
    """Embed one chunk into the cache; the last chunk done enqueues finish_run. Returns True when this
    delivery completed the chunk (False for a re-delivery or a run that is no longer embedding)."""
    chunk = RunChunk.objects.filter(run_id=run_id, index=index).first()
    run = PipelineRun.objects.filter(pk=run_id, status=Status.EMBEDDING).first()
    if chunk is None or chunk.done or run is None:
        return False
    with _failure_ends_the_run(run_id, f"embedding chunk {index}", pipeline_error=Error.MODEL) as outcome:
        texts = dict(
            Contribution.objects.filter(run_id=run_id, text_hash__in=chunk.hashes).values_list(
                "text_hash", "text"
            )
        )
        embed_with_cache(embedder_for(run), [texts[h] for h in chunk.hashes], DatabaseEmbeddingCache())
    if outcome.failed:
        return False
    with transaction.atomic():
        # The run's row lock orders the chunks' commits: exactly one of them sees no chunk left.
        PipelineRun.objects.select_for_update().filter(pk=run_id).first()
        if not RunChunk.objects.filter(pk=chunk.pk, done=False).update(done=True):
            return False
        PipelineRun.objects.filter(pk=run_id).update(progress_done=F("progress_done") + len(chunk.hashes))
        last = not RunChunk.objects.filter(run_id=run_id, done=False).exists()
        if last and dispatch:
            outbox.enqueue(finish_run, run_id)
    return True


def _pipeline_input(rows: list[Contribution]) -> list[PipelineContribution]:
    from consultation.models import Proposal

    votes = {
        pk: Votes(agree=a, disagree=d, passed=p)
        for pk, a, d, p in Proposal.objects.filter(
            pk__in=[r.source_id for r in rows if r.source_type != Contribution.Source.ANSWER]
        ).values_list("pk", "agree_count", "disagree_count", "pass_count")
    }
    return [
        PipelineContribution(
            id=row.position,
            text=row.text,
            source=row.source_type,
            date=timezone.localdate(row.submitted_at) if row.submitted_at else None,
            strata=row.strata,
            votes=votes.get(row.source_id) if row.source_type != Contribution.Source.ANSWER else None,
        )
        for row in rows
    ]


def _cleaned_by_prepare(rows: list[Contribution], max_chars: int) -> InMemoryCleaningCache:
    """The rows' texts are already clean (cleaning them again gives them back), so the pipeline need not
    clean them again; the rows also remember what was scrubbed or truncated from the source text."""
    cache = InMemoryCleaningCache()
    cache.set_many(
        max_chars,
        {
            row.text_hash: CleanedText(
                text=row.text,
                scrubbed=tuple(row.scrubbed),
                health_flag=row.health_flag,
                health_excerpt=None,  # not stored (analysis/models.py)
                truncated=row.truncated,
                likely_other_language=row.likely_other_language,
            )
            for row in rows
        },
    )
    return cache


@shared_task(**RETRY)
def finish_run(run_id: int) -> None:
    """Cluster, label and synthesise (every vector is in the cache by now), then save themes, each
    contribution's place and version 1 of the synthesis in one transaction."""
    run = _claim(run_id, (Status.EMBEDDING, Status.CLUSTERING), Status.CLUSTERING)
    if run is None:
        return
    with _failure_ends_the_run(run_id, "clustering"):
        rows = list(Contribution.objects.filter(run=run).order_by("position"))
        params = run.pipeline_params()
        inputs = _pipeline_input(rows)
        for row, item in zip(rows, inputs, strict=True):
            row.votes = (
                {"agree": item.votes.agree, "disagree": item.votes.disagree, "pass": item.votes.passed}
                if item.votes is not None
                else None
            )
        result = run_pipeline(
            inputs,
            embedder_for(run),
            DatabaseEmbeddingCache(),
            params,
            cleaning_cache=_cleaned_by_prepare(rows, params.max_chars),
            # prepare_run grouped the duplicates and saved the groups on the rows: no second dedupe.
            duplicates=DedupeResult.from_groups(
                [row.duplicate_group for row in rows if row.text], params.near_duplicate_threshold
            ),
            previous=rerun.previous_themes(run, rows),  # a rerun keeps its themes where they still hold
        )
        # Outside the saving transaction: the optional labelling service may take seconds per theme.
        labels, labelling = service_labels(result)
        _save_result(run, rows, result, labels, labelling)


def service_labels(result) -> tuple[dict[int, ThemeLabel], dict]:
    """Labels and summaries of the themes from the deployer's OpenAI-compatible endpoint, when one is
    configured. Never fails the run: on any failure the themes keep their keyword labels, and the
    returned description (saved on the run, shown on its page) says why."""
    from django.conf import settings

    if not settings.PACTE_LABELS_BASE_URL:
        return {}, {"source": "keywords"}
    config = LabelServiceConfig(
        base_url=settings.PACTE_LABELS_BASE_URL,
        model=settings.PACTE_LABELS_MODEL,
        api_key=os.environ.get(settings.PACTE_LABELS_API_KEY_ENV, ""),
        timeout=settings.PACTE_LABELS_TIMEOUT,
    )
    themes = {
        int(entry["theme"]): ThemeText(
            entry.get("keywords", []), [q["text"] for q in entry.get("quotes", [])]
        )
        for entry in result.themes
        if not entry.get("other")
    }
    try:
        labels = label_themes(themes, config)
    except LabelServiceError as exc:
        logger.warning("labelling service not used: %s", exc)
        return {}, {"source": "keywords", "model": config.model, "error": str(exc)}
    return labels, {"source": "service", "model": config.model}


def _theme_label(entry: dict, number: int) -> str:
    """The pipeline's title (a key phrase of the theme's texts, ``pipeline.title``); runs of older code
    had none and fall back on the first keywords. The organiser renames themes in the editor."""
    if entry.get("title"):
        return entry["title"]
    keywords = entry.get("keywords", [])
    return ", ".join(keywords[:3]).capitalize() if keywords else f"{number + 1}"


@transaction.atomic
def _save_result(
    run: PipelineRun,
    rows: list[Contribution],
    result,
    labels: dict[int, ThemeLabel] | None = None,
    labelling: dict | None = None,
) -> None:
    from . import synthesis

    # Two deliveries of the finish may overlap: the second waits here, then finds the run done.
    if not PipelineRun.objects.select_for_update().filter(pk=run.pk, status=Status.CLUSTERING).exists():
        return
    Theme.objects.filter(run=run).delete()
    SynthesisVersion.objects.filter(run=run).delete()
    by_position = {row.position: row for row in rows}
    themes: dict[int, Theme] = {}
    subthemes: dict[tuple[int, int], Theme] = {}
    for entry in result.themes:
        number = int(entry["theme"])
        keywords = entry.get("keywords", [])
        named = (labels or {}).get(number)
        theme = Theme.objects.create(
            run=run,
            number=number,
            # "" shows as "Other"; the organiser renames themes in the synthesis editor.
            label="" if entry.get("other") else (named.label if named else _theme_label(entry, number)),
            summary=named.summary if named else entry.get("summary", ""),
            keywords=keywords,
            quotes=[{"id": by_position[q["id"]].pk, "text": q["text"]} for q in entry.get("quotes", [])],
            size=int(entry.get("size", 0)),
            share=float(entry.get("share", 0.0)),
            share_weighted=entry.get("weighted_share"),
            breakdown=entry.get("breakdown", {}),
            stance=entry.get("stance", {}),
            trend={str(k): v for k, v in entry.get("trend", {}).items()},
            emerging=bool(entry.get("emergence", {}).get("emerging", False)),
        )
        themes[number] = theme
        subs = entry.get("subthemes", [])
        if len(subs) > 1:
            for sub in subs:
                if int(sub["subtheme"]) < 0:
                    continue
                subthemes[(number, int(sub["subtheme"]))] = Theme.objects.create(
                    run=run,
                    parent=theme,
                    number=int(sub["subtheme"]),
                    label=_theme_label(sub, int(sub["subtheme"])),
                    summary=sub.get("summary", ""),
                    keywords=sub.get("keywords", []),
                    size=int(sub.get("size", 0)),
                    share=int(sub.get("size", 0)) / max(1, len(result.run["distinct_ids"])),
                )
    position_of_distinct = {pid: i for i, pid in enumerate(result.run["distinct_ids"])}
    group_xy: dict[int, tuple[float, float]] = {}
    for c in result.contributions:
        if c["duplicate_of"] is None and c["id"] in position_of_distinct:
            x, y = result.coordinates[position_of_distinct[c["id"]]]
            group_xy[c["group"]] = (float(x), float(y))
    for c in result.contributions:
        row = by_position[c["id"]]
        row.theme = themes.get(int(c["theme"]))
        row.subtheme = subthemes.get((int(c["theme"]), int(c["subtheme"])))
        row.x, row.y = group_xy.get(c["group"], (None, None))
    Contribution.objects.bulk_update(rows, ["theme", "subtheme", "x", "y", "votes"], batch_size=1000)
    clustering = result.run.get("clustering", {})
    PipelineRun.objects.filter(pk=run.pk).update(
        status=Status.DONE,
        finished_at=timezone.now(),
        input_hash=result.run.get("input_hash", ""),
        k_selection={**clustering.get("k_selection", {}), "notes": result.notes},
        labelling=labelling or {"source": "keywords"},
        model_id=result.run.get("model_id", run.model_id),
    )
    run.refresh_from_db()
    # The organisers' work on the published synthesis of an earlier run carries over where clear.
    published = PublishedSynthesis.objects.filter(consultation_id=run.consultation_id).select_related(
        "version__run"
    )
    previous = published.first().version if published.exists() else None
    data = synthesis.carry_over(run, synthesis.initial_data(run), previous)
    SynthesisVersion.objects.create(run=run, number=1, action=SynthesisVersion.Action.PIPELINE, data=data)


@shared_task(**RETRY)
def build_report_pdfs(version_id: int) -> int:
    """Draw and store the French and English PDFs of a version just published (``analysis.pdf``), so no
    reader waits for them; a version replaced in the meantime is left alone. The number drawn."""
    from . import pdf, selectors

    version = SynthesisVersion.objects.select_related("run__consultation").filter(pk=version_id).first()
    if version is None:
        return 0
    consultation = version.run.consultation
    published = selectors.published_version(consultation)
    if published is None or published.pk != version.pk:
        return 0
    return len(pdf.build_published(consultation, version))


# ----------------------------------------------------------------------------------- opinion groups

OPINION_LOCK = "analysis:opinion:{}"


def schedule_opinion_groups(consultation_id: int) -> bool:
    """Debounced: at most one pending recomputation per consultation. Never computes in the request."""
    from django.conf import settings

    if not django_cache.add(OPINION_LOCK.format(consultation_id), 1, settings.PACTE_OPINION_DEBOUNCE_SECONDS):
        return False
    transaction.on_commit(
        lambda: compute_opinion_groups.apply_async(
            (consultation_id,), countdown=settings.PACTE_OPINION_DEBOUNCE_SECONDS
        )
    )
    return True


# Process-local, monotonic clock: until when a recomputation is known to be pending for a consultation, so
# that a vote does not ask Redis again. Known for the whole debounce delay when this process placed the
# lock (the task clears it no earlier); for a second only when another process did (it may be about to
# run), after which votes ask again. The periodic check_opinion_groups catches anything left.
_pending_until: dict[int, float] = {}
_OTHERS_LOCK_SECONDS = 1.0


def on_votes_changed(consultation_id: int) -> None:
    """Listener of consultation's "votes changed" hook: schedule a debounced recomputation on the
    workers. In the embedded runtime tasks run in-process, so the request would compute it: there the
    groups are refreshed by `compute_opinion_groups` (run by `make demo`) instead."""
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    now = time.monotonic()
    if _pending_until.get(consultation_id, 0.0) > now:
        return
    placed = schedule_opinion_groups(consultation_id)
    _pending_until[consultation_id] = now + (
        settings.PACTE_OPINION_DEBOUNCE_SECONDS if placed else _OTHERS_LOCK_SECONDS
    )


@shared_task(**RETRY)
def compute_opinion_groups(consultation_id: int) -> int:
    """Recompute the Pol.is-style opinion groups of a consultation from its votes; returns the run id."""
    from .opinion import compute_and_save

    django_cache.delete(OPINION_LOCK.format(consultation_id))
    _pending_until.pop(consultation_id, None)
    return compute_and_save(consultation_id).pk


@shared_task
def check_opinion_groups() -> int:
    """Periodic: schedule a recomputation for every consultation with enough new votes since the last."""
    from .opinion import consultations_needing_groups

    return sum(schedule_opinion_groups(pk) for pk in consultations_needing_groups())
