"""Celery orchestration of broad listening: load, call the pure pipeline, save through analysis/runs.py
(every write of a run, and its status moves, are there). Nothing else.

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
from django.utils import timezone

from accounts.notices import MAIL_TASK_OPTIONS

from . import rerun, runs
from .cleaning_cache import ContributionCleaningCache, clean_key
from .embedding_cache import DatabaseEmbeddingCache
from .models import Contribution, PipelineRun, RunChunk, SynthesisVersion
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
        runs.fail(run_id, failure.code, failure.detail)
    except PipelineError as exc:
        outcome.failed = True
        runs.fail(run_id, pipeline_error, str(exc))
    except Exception as exc:
        outcome.failed = True
        logger.exception("analysis run %s failed while %s", run_id, stage)
        runs.fail(run_id, Error.INTERNAL, repr(exc))


@shared_task(**RETRY)
def prepare_run(run_id: int, dispatch: bool = True) -> None:
    """Read the corpus, clean it (reusing earlier runs' rows for unchanged texts) and dedupe it, save one
    row per contribution, cut the texts that are not in the embedding cache yet into chunks and enqueue
    one task per chunk."""
    from .selectors import corpus

    run = runs.claim(run_id, Status.PREPARING)
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
        runs.save_prepared(
            run,
            rows,
            model_id=embedder.model_id,
            n_distinct=len(distinct),
            missing=missing,
            chunk_size=size,
            dispatch=dispatch,
        )


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
    return runs.complete_chunk(run_id, chunk, dispatch=dispatch)


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
    run = runs.claim(run_id, Status.CLUSTERING)
    if run is None:
        return
    with _failure_ends_the_run(run_id, "clustering"):
        rows = list(Contribution.objects.filter(run=run).order_by("position"))
        since = rerun.since_previous(run, rows)
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
            # Nothing changed since the previous run: its themes are kept without computing fresh ones.
            previous_unchanged=bool(since and since["unchanged"]),
            # ...and its map and titles are carried over as they were, not computed again (the titles only
            # when the previous run was labelled as this one would be: not a failure's fallback).
            previous_look=rerun.previous_look(since, rows, labelling=labelling_wanted()),
        )
        if "titles" in result.run.get("carried", []):
            # The previous run's titles as they were, wherever they came from: not labelled again.
            labels, labelling = {}, PipelineRun.objects.get(pk=since["run"]).labelling
        else:
            # Outside the saving transaction: the optional labelling service may take seconds per theme.
            labels, labelling = service_labels(result)
        runs.save_result(run, rows, result, labels, labelling, since_previous=since)


def labelling_wanted() -> dict:
    """How a run labelled now is labelled when nothing fails (the description saved on the run): by the
    configured service and its model, or by keywords when no service is configured."""
    from django.conf import settings

    if not settings.PACTE_LABELS_BASE_URL:
        return {"source": "keywords"}
    return {"source": "service", "model": settings.PACTE_LABELS_MODEL}


def service_labels(result) -> tuple[dict[int, ThemeLabel], dict]:
    """Labels and summaries of the themes from the deployer's OpenAI-compatible endpoint, when one is
    configured. Never fails the run: on any failure the themes keep their keyword labels, and the
    returned description (saved on the run, shown on its page) says why."""
    from django.conf import settings

    if not settings.PACTE_LABELS_BASE_URL:
        return {}, labelling_wanted()
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
    return labels, labelling_wanted()


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


def votes_recompute_groups() -> bool:
    """Whether a vote makes the opinion groups be recomputed (on the workers). In the embedded runtime
    tasks run in-process, so the request would compute them: there the groups are refreshed by
    `compute_opinion_groups` (run by `make demo`) instead, and the report must not promise otherwise."""
    from django.conf import settings

    return not settings.CELERY_TASK_ALWAYS_EAGER


def on_votes_changed(consultation_id: int) -> None:
    """Listener of consultation's "votes changed" hook: schedule a debounced recomputation on the
    workers (``votes_recompute_groups``)."""
    from django.conf import settings

    if not votes_recompute_groups():
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


# --- The digest of news about one's contributions (analysis/digest.py) -----------------------------------


@shared_task(name="analysis.send_digests")
def send_digests() -> dict:
    """Celery beat, every PACTE_DIGEST_SWEEP_SECONDS: collect the news, then one task per person with news
    due. Running twice (or a second beat) sends nothing twice: each piece of news has its notice key."""
    from . import digest

    collected = digest.collect()
    dropped = digest.drop_unwanted()
    user_ids = digest.due_user_ids()
    for user_id in user_ids:
        send_digest.delay(user_id)
    return {"collected": collected, "dropped": dropped, "digests": len(user_ids)}


@shared_task(name="analysis.send_digest", **MAIL_TASK_OPTIONS)
def send_digest(user_id: int) -> bool:
    from . import digest

    return digest.send_digest(user_id)
