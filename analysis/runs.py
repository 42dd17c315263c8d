"""The writes of a pipeline run's life, called by the tasks (analysis/tasks.py), which only
orchestrate: claim a stage, save what a stage produced, count a chunk done, end the run as failed or
done. Every status change goes through the run's table (analysis/states.py) and
accounts.states.transition, on the row each write has locked.

Tasks are acknowledged late and may run twice: a claim returns None when another delivery got
further, a chunk is counted once under the run's row lock, and the result is saved once.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import outbox, states
from textsafety.typography import typographic_apostrophes

from .models import Contribution, PipelineRun, PublishedSynthesis, RunChunk, SynthesisVersion, Theme
from .pipeline.label_service import ThemeLabel
from .pipeline.typography import for_readers
from .states import RUN_STATES

Status = PipelineRun.Status


def _locked(run_id: int) -> PipelineRun | None:
    return PipelineRun.objects.select_for_update().filter(pk=run_id).first()


def claim(run_id: int, status: str) -> PipelineRun | None:
    """Move the run to the stage `status` if the table allows it from where the run is (a re-delivered
    task finds it already there); None when another delivery got further or the run ended."""
    with transaction.atomic():
        run = _locked(run_id)
        if run is None or not RUN_STATES.can(run.status, status):
            return None
        started = run.started_at or timezone.now()
        return states.transition(run, status, action=None, changes={"started_at": started})


def fail(run_id: int, code: str, detail: str) -> None:
    """End the run as failed with the error `code` (its message is shown on the run's page) and the
    technical `detail`; a run already done is left alone."""
    with transaction.atomic():
        run = _locked(run_id)
        if run is None or not RUN_STATES.can(run.status, Status.FAILED):
            return
        states.transition(
            run,
            Status.FAILED,
            action=None,
            changes={"error_code": code, "error_detail": detail[:2000], "finished_at": timezone.now()},
        )


def save_prepared(
    run: PipelineRun,
    rows: list[Contribution],
    *,
    model_id: str,
    n_distinct: int,
    missing: list[str],
    chunk_size: int,
    dispatch: bool,
) -> bool:
    """Save the cleaned contributions and the chunks of texts left to embed, move the run to embedding
    and, with `dispatch`, enqueue one task per chunk (or the finish when nothing is left to embed), in
    one transaction. False when the run is no longer preparing (another delivery got further)."""
    from .tasks import embed_chunk, finish_run

    size = chunk_size
    with transaction.atomic():
        locked = _locked(run.pk)
        if locked is None or not RUN_STATES.can(locked.status, Status.EMBEDDING):
            return False
        Contribution.objects.filter(run=run).delete()
        RunChunk.objects.filter(run=run).delete()
        Contribution.objects.bulk_create(rows, batch_size=1000)
        RunChunk.objects.bulk_create(
            RunChunk(run=run, index=i, hashes=missing[start : start + size])
            for i, start in enumerate(range(0, len(missing), size))
        )
        chunks = -(-len(missing) // size)
        moved = {
            "model_id": model_id,
            "n_contributions": len(rows),
            "n_distinct": n_distinct,
            "progress_done": 0,
            "progress_total": len(missing),
            "chunks_total": chunks,
        }
        states.transition(locked, Status.EMBEDDING, action=None, changes=moved)
        for name, value in {"status": locked.status, **moved}.items():
            setattr(run, name, value)
        if dispatch:
            if missing:
                for index in range(chunks):
                    outbox.enqueue(embed_chunk, run.pk, index)
            else:
                outbox.enqueue(finish_run, run.pk)
    return True


def complete_chunk(run_id: int, chunk: RunChunk, *, dispatch: bool) -> bool:
    """Count one embedded chunk done, once; the last chunk done enqueues the finish (with `dispatch`).
    False when another delivery already counted it."""
    from .tasks import finish_run

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


def theme_label(entry: dict, number: int) -> str:
    """The pipeline's title (a key phrase of the theme's texts, ``pipeline.title``); runs of older code
    had none and fall back on the first keywords. The organiser renames themes in the editor."""
    if entry.get("title"):
        return entry["title"]
    keywords = entry.get("keywords", [])
    return ", ".join(keywords[:3]).capitalize() if keywords else f"{number + 1}"


def _summary_by(summary: str, entry: dict, by_service: bool) -> str:
    """Who wrote a theme's summary, as ``Theme.summary_by`` records it: the labelling service, else what
    the pipeline says (the title stage: "citizens"; a summary carried from a previous run: its author)."""
    if not summary:
        return ""
    return "service" if by_service else entry.get("summary_by", "")


def _sentences(summary: str, entry: dict, by_position: dict) -> list[dict]:
    """The summary's sentences with the run's rows they come from (``Theme.summary_sentences``), with the
    typographic apostrophe when ``for_readers`` gave it to the summary they make up; a sentence whose
    contributions are all unknown is kept, without ids (the report then quotes it without a link)."""
    typographic = summary != entry.get("summary", "")
    return [
        {
            "text": typographic_apostrophes(s["text"]) if typographic else s["text"],
            "ids": [by_position[i].pk for i in s.get("ids", []) if i in by_position],
        }
        for s in entry.get("summary_sentences") or []
        if s.get("text")
    ]


@transaction.atomic
def save_result(
    run: PipelineRun,
    rows: list[Contribution],
    result,
    labels: dict[int, ThemeLabel] | None = None,
    labelling: dict | None = None,
    since_previous: dict | None = None,
) -> None:
    """Save the themes and sub-themes, each contribution's theme and place on the map, end the run as
    done and write version 1 of its synthesis (carrying over the organisers' work on the published one),
    in one transaction. ``since_previous``: what changed since the previous run (``rerun.since_previous``),
    kept with the choice of themes for the run's page and ``run_pipeline``."""
    from . import synthesis

    # Two deliveries of the finish may overlap: the second waits here, then finds the run done.
    locked = _locked(run.pk)
    if locked is None or not RUN_STATES.can(locked.status, Status.DONE):
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
        quoted = [q["text"] for q in entry.get("quotes", [])]
        # Whoever wrote them (the title stage, the labelling service, the keywords), the title and summary
        # of a French theme get the typographic apostrophe here, the one way into the stored themes.
        label, summary = for_readers(
            # "" shows as "Other"; the organiser renames themes in the synthesis editor.
            "" if entry.get("other") else (named.label if named else theme_label(entry, number)),
            named.summary if named else entry.get("summary", ""),
            quoted,
        )
        # A labelling service's summary is its own text; the title stage's is citizens' sentences, each
        # kept with the contributions it comes from (positions -> this run's rows).
        sentences = [] if named else _sentences(summary, entry, by_position)
        theme = Theme.objects.create(
            run=run,
            number=number,
            label=label,
            summary=summary,
            summary_by=_summary_by(summary, entry, named is not None),
            summary_sentences=sentences,
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
                label, summary = for_readers(
                    theme_label(sub, int(sub["subtheme"])),
                    sub.get("summary", ""),
                    [q["text"] for q in sub.get("quotes", [])] or quoted,
                )
                subthemes[(number, int(sub["subtheme"]))] = Theme.objects.create(
                    run=run,
                    parent=theme,
                    number=int(sub["subtheme"]),
                    label=label,
                    summary=summary,
                    summary_by=_summary_by(summary, sub, False),
                    summary_sentences=_sentences(summary, sub, by_position),
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
    states.transition(
        locked,
        Status.DONE,
        action=None,
        changes={
            "finished_at": timezone.now(),
            "input_hash": result.run.get("input_hash", ""),
            "k_selection": {
                **clustering.get("k_selection", {}),
                "notes": result.notes,
                **({"since_previous": since_previous} if since_previous else {}),
            },
            "labelling": labelling or {"source": "keywords"},
            "model_id": result.run.get("model_id", run.model_id),
        },
    )
    run.refresh_from_db()
    # The organisers' work on the published synthesis of an earlier run carries over where clear.
    published = PublishedSynthesis.objects.filter(consultation_id=run.consultation_id).select_related(
        "version__run"
    )
    previous = published.first().version if published.exists() else None
    data = synthesis.carry_over(run, synthesis.initial_data(run), previous)
    SynthesisVersion.objects.create(run=run, number=1, action=SynthesisVersion.Action.PIPELINE, data=data)
