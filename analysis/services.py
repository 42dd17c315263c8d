"""Writes that matter in broad listening. Keyword-only, one transaction each, permission-checked, audited.

``actor=None`` means the system (the management command, a Celery task): trusted callers only.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import outbox
from accounts.audit import record_event
from accounts.errors import ServiceError
from accounts.roles import Role
from consultation.models import Consultation
from deliberation.rules import acting_role
from deliberation.strata import population_margins
from textsafety.normalise import normalises_text

from . import synthesis
from .models import PipelineRun, PublishedSynthesis, RunChunk, SynthesisVersion, ThemeRecommendationLink
from .pipeline.match import best_matches
from .rules import can_edit_synthesis, can_link_themes, can_publish_synthesis, can_run_analysis
from .trace import entry_theme_id, public_entries


def _check(actor, predicate) -> None:
    if actor is not None and not predicate(actor):
        raise PermissionDenied


@transaction.atomic
def start_run(
    *,
    consultation: Consultation,
    actor=None,
    k: int | None = None,
    backend: str | None = None,
    model: str | None = None,
    seed: int = 0,
    chunk_size: int | None = None,
    reweight: bool = False,
    enqueue: bool = True,
    fresh: bool = False,
) -> PipelineRun:
    """Create a run and hand it to the workers once the transaction commits. With `reweight`, theme shares
    are also given re-weighted (raked) to the French adult population by gender, age, region and education,
    from the answers contributors gave in their profile or their import file. With `fresh`, the themes
    are found afresh instead of continuing those of the previous run (``analysis.rerun``)."""
    _check(actor, can_run_analysis)
    params = {
        "k": k,
        "backend": backend or settings.PACTE_EMBEDDING_BACKEND,
        "model": model if model is not None else settings.PACTE_EMBEDDING_MODEL,
        "seed": seed,
        "chunk_size": chunk_size or settings.PACTE_EMBEDDING_CHUNK_SIZE,
    }
    if reweight:
        params["reference_margins"] = population_margins()
    if fresh:
        params["fresh"] = True
    run = PipelineRun.objects.create(consultation=consultation, created_by=actor, params=params)
    record_event(
        actor=actor,
        as_role=Role.ORGANISER,  # can_run_analysis
        action="analysis.run_started",
        obj=run,
        details={"consultation": consultation.slug},
    )
    if enqueue:
        from .tasks import prepare_run

        outbox.enqueue(prepare_run, run.pk)
    return run


def resume_run(*, run: PipelineRun, actor=None) -> None:
    """Re-enqueue whatever a run still needs (after a lost broker or a stopped worker): every stage is
    idempotent, so enqueueing a stage twice does no harm."""
    _check(actor, can_run_analysis)
    from .tasks import embed_chunk, finish_run, prepare_run

    run.refresh_from_db()
    if run.status in (PipelineRun.Status.QUEUED, PipelineRun.Status.PREPARING):
        outbox.enqueue(prepare_run, run.pk)
    elif run.status == PipelineRun.Status.EMBEDDING:
        pending = list(RunChunk.objects.filter(run=run, done=False).values_list("index", flat=True))
        for index in pending:
            outbox.enqueue(embed_chunk, run.pk, index)
        if not pending:
            outbox.enqueue(finish_run, run.pk)
    elif run.status == PipelineRun.Status.CLUSTERING:
        outbox.enqueue(finish_run, run.pk)


def _new_version(*, run: PipelineRun, actor, action: str, description: str, data: dict) -> SynthesisVersion:
    last = run.versions.select_for_update().order_by("-number").first()
    version = SynthesisVersion.objects.create(
        run=run,
        number=(last.number + 1) if last else 1,
        action=action,
        description=description[:300],
        author=actor,
        data=data,
    )
    record_event(
        actor=actor,
        as_role=Role.ORGANISER,  # can_edit_synthesis
        action=f"synthesis.{action}",
        obj=version,
        details={"run": run.pk, "number": version.number, "description": version.description},
    )
    return version


@normalises_text
@transaction.atomic
def edit_synthesis(*, actor, run: PipelineRun, action: str, **arguments) -> SynthesisVersion:
    """Apply one edit to the run's latest version and save the result as the next version.

    `action` is a SynthesisVersion.Action (rename, summary, merge, split, hide, show, move); raises
    synthesis.SynthesisEditError with a message for the organiser when the edit makes no sense."""
    _check(actor, can_edit_synthesis)
    run = PipelineRun.objects.select_for_update().get(pk=run.pk)
    latest = run.versions.order_by("-number").first()
    if latest is None:
        raise synthesis.SynthesisEditError("This analysis has no themes yet.")
    data = latest.data
    Action = SynthesisVersion.Action
    if action == Action.RENAME:
        data = synthesis.rename(data, arguments["key"], arguments["label"])
        description = f"{arguments['key']} → {arguments['label'].strip()}"
    elif action == Action.SUMMARISE:
        data = synthesis.summarise(data, arguments["key"], arguments["summary"])
        description = arguments["key"]
    elif action in (Action.HIDE, Action.SHOW):
        data = synthesis.set_hidden(data, arguments["key"], action == Action.HIDE)
        description = arguments["key"]
    elif action == Action.MERGE:
        data = synthesis.merge(run, data, arguments["source"], arguments["target"])
        description = f"{arguments['source']} → {arguments['target']}"
    elif action == Action.SPLIT:
        data = synthesis.split(run, data, arguments["key"])
        description = arguments["key"]
    elif action == Action.MOVE:
        moved = arguments["contribution"]
        data = synthesis.move(run, data, moved, arguments["key"])
        named = ", ".join(str(i) for i in moved) if isinstance(moved, list) else str(moved)
        description = f"{named} → {arguments['key']}"
    else:
        raise synthesis.SynthesisEditError(f"Unknown edit {action!r}.")
    return _new_version(run=run, actor=actor, action=action, description=description, data=data)


@transaction.atomic
def publish_version(*, actor, version: SynthesisVersion) -> PublishedSynthesis:
    """Freeze `version` and make it the consultation's public synthesis."""
    _check(actor, can_publish_synthesis)
    version = SynthesisVersion.objects.select_for_update().select_related("run").get(pk=version.pk)
    now = timezone.now()
    if version.published_at is None:
        version.published_at = now
        version.save(update_fields=["published_at"])
    published, _created = PublishedSynthesis.objects.update_or_create(
        consultation_id=version.run.consultation_id,
        defaults={"version": version, "published_by": actor, "published_at": now},
    )
    record_event(
        actor=actor,
        as_role=Role.ORGANISER,  # can_publish_synthesis
        action="synthesis.published",
        obj=version,
        details={"run": version.run_id, "number": version.number},
    )
    from . import tasks

    transaction.on_commit(lambda: tasks.build_report_pdfs.delay(version.pk))
    return published


def erase_contributions(user, keep_pseudonymous: bool) -> None:
    """Personal-data registry handler, run after the consultation's entries: the analysis keeps a
    scrubbed copy of each text. Under the pseudonym, the copies of the person's texts lose the profile
    answers copied on them (`strata`). Every copy whose source went goes too, with its quotes in the
    syntheses and the cached embedding of its text (unless another copy shares the text)."""
    from consultation.models import Answer, Proposal

    from .models import Contribution, EmbeddingVector, Theme

    if keep_pseudonymous:  # then the orphans below are only proposals that were never published
        Contribution.objects.filter(
            Q(
                source_type=Contribution.Source.ANSWER,
                source_id__in=Answer.objects.filter(user=user).values("pk"),
            )
            | Q(
                source_type__in=[Contribution.Source.PROPOSAL, Contribution.Source.IMPORTED],
                source_id__in=Proposal.objects.filter(author=user).values("pk"),
            )
        ).update(strata={})
    orphans = Contribution.objects.exclude(
        source_type=Contribution.Source.ANSWER, source_id__in=Answer.objects.values("pk")
    ).exclude(
        source_type__in=[Contribution.Source.PROPOSAL, Contribution.Source.IMPORTED],
        source_id__in=Proposal.objects.values("pk"),
    )
    gone = dict(orphans.values_list("pk", "run_id"))
    if not gone:
        return
    hashes = set(orphans.values_list("text_hash", flat=True))
    orphans.delete()
    still_used = set(Contribution.objects.filter(text_hash__in=hashes).values_list("text_hash", flat=True))
    EmbeddingVector.objects.filter(text_hash__in=hashes - still_used).delete()
    runs = set(gone.values())
    for theme in Theme.objects.filter(run__in=runs):
        theme.quotes = [q for q in theme.quotes if q["id"] not in gone]
        said = {
            "summary": theme.summary,
            "summary_by": theme.summary_by,
            "summary_sentences": theme.summary_sentences,
        }
        _forget_summary_sources(said, gone)
        theme.summary, theme.summary_by, theme.summary_sentences = (
            said["summary"],
            said["summary_by"],
            said["summary_sentences"],
        )
        theme.save(update_fields=["quotes", "summary", "summary_by", "summary_sentences"])
    for version in SynthesisVersion.objects.filter(run__in=runs):
        for entry in version.data["themes"]:
            entry["quotes"] = [q for q in entry["quotes"] if q["id"] not in gone]
            _forget_summary_sources(entry, gone)
        version.data["moves"] = {k: v for k, v in version.data.get("moves", {}).items() if int(k) not in gone}
        version.save(update_fields=["data"])


def _forget_summary_sources(entry: dict, gone) -> None:
    """A generated summary is citizens' sentences, each with the contributions it was taken from
    (``summary_sentences``): the deleted contributions leave its sources, and a sentence that came only
    from deleted ones leaves the summary (its words were theirs), in place. An organiser's summary is
    their own text and stays."""
    sentences = entry.get("summary_sentences") or []
    if not sentences:
        return
    kept = []
    for sentence in sentences:
        ids = [i for i in sentence.get("ids") or [] if i not in gone]
        if ids or not sentence.get("ids"):
            kept.append({**sentence, "ids": ids})
    entry["summary_sentences"] = kept
    if len(kept) < len(sentences):
        entry["summary"] = " ".join(sentence["text"] for sentence in kept)
        if not kept:
            entry["summary_by"] = ""


def erase_opinion_positions(user, keep_pseudonymous: bool) -> None:
    """Personal-data registry handler: opinion-group computations list each voter's position and group
    under their participant key, and the clusters saved for the next computation's warm start list them
    again; a person whose votes go leaves both (the per-group counts stay)."""
    from consultation.models import Vote
    from consultation.services import participant_key_for

    from .models import OpinionRun
    from .pipeline.opinion.warm import without_participant

    if keep_pseudonymous:
        return
    key = participant_key_for(user)
    consultations = Vote.objects.filter(user=user).values("proposal__consultation_id")
    for run in OpinionRun.objects.filter(consultation_id__in=consultations):
        kept = [p for p in run.result.get("participants", []) if p.get("participant") != key]
        clusters = run.result.get("clusters")
        in_clusters = bool(clusters) and key in clusters.get("participants", [])
        if len(kept) != len(run.result.get("participants", [])) or in_clusters:
            run.result["participants"] = kept
            if in_clusters:  # the warm start's saved clusters list each participant too
                run.result["clusters"] = without_participant(clusters, key)
            run.save(update_fields=["result"])


def export_user_data(user) -> list[dict]:
    """GDPR exporter: the published theme of each of the person's proposals."""
    from consultation.hooks import contribution_fate
    from consultation.models import Proposal

    return [
        {"proposal": p.pk, "facts": contribution_fate(p)}
        for p in Proposal.objects.filter(author=user).select_related("consultation")
    ]


# --- Theme <-> recommendation links ------------------------------------------------------------------

SUGGESTED_LINKS = 3  # themes suggested per recommendation at most
# TF-IDF cosine under which nothing is suggested (docs/decisions/0003-theme-link-suggestions.md).
SUGGESTION_MINIMUM = 0.02


class ThemeLinkError(ServiceError):
    """A link that cannot be made; the message is translated and shown to the person."""


def _theme_text(entry: dict) -> str:
    """What a theme says, for the text similarity: its label, keywords, summary and quotes."""
    quotes = " ".join(q.get("text", "") for q in entry.get("quotes", []))
    return " ".join(
        [entry.get("label", ""), " ".join(entry.get("keywords", [])), entry.get("summary", ""), quotes]
    )


def linkable_themes(recommendation) -> list[dict]:
    """The public themes of the published synthesis of the panel's consultation (empty when the panel
    has no consultation, or nothing is published), each with ``theme_id`` (the Theme a link points at)."""
    consultation_id = recommendation.panel.consultation_id
    published = (
        PublishedSynthesis.objects.filter(consultation_id=consultation_id).select_related("version").first()
        if consultation_id
        else None
    )
    if published is None:
        return []
    return [{**e, "theme_id": entry_theme_id(e)} for e in public_entries(published.version.data)]


@transaction.atomic
def suggest_theme_links(*, actor, recommendation) -> list:
    """Suggest the themes closest to the recommendation's text (title, text, rationale) by TF-IDF cosine:
    at most SUGGESTED_LINKS, scored, unconfirmed. Earlier suggestions nobody confirmed are replaced;
    confirmed links stay as they are."""
    _check(actor, lambda user: can_link_themes(user, recommendation))
    themes = linkable_themes(recommendation)
    if not themes:
        raise ThemeLinkError(_("No synthesis of this panel's consultation is published: no theme to link."))
    query = " ".join([recommendation.title, recommendation.text, recommendation.rationale])
    matches = best_matches(
        query, [_theme_text(t) for t in themes], limit=SUGGESTED_LINKS, minimum=SUGGESTION_MINIMUM
    )
    ThemeRecommendationLink.objects.filter(recommendation=recommendation, confirmed_at__isnull=True).delete()
    confirmed = set(
        ThemeRecommendationLink.objects.filter(recommendation=recommendation).values_list(
            "theme_id", flat=True
        )
    )
    links = [
        ThemeRecommendationLink.objects.create(
            theme_id=themes[i]["theme_id"], recommendation=recommendation, score=round(score, 4)
        )
        for i, score in matches
        if themes[i]["theme_id"] not in confirmed
    ]
    record_event(
        actor=actor,
        as_role=_panel_role(actor),
        action="analysis.theme_links_suggested",
        obj=recommendation,
        details={"themes": [link.theme_id for link in links], "scores": [link.score for link in links]},
    )
    return links


def _panel_role(actor) -> str:
    return acting_role(actor) if actor is not None else ""


def _linkable_theme_id(recommendation, theme_id) -> int:
    try:
        theme_id = int(theme_id)
    except (TypeError, ValueError):
        theme_id = None
    if theme_id not in {t["theme_id"] for t in linkable_themes(recommendation)}:
        raise ThemeLinkError(_("This theme is not in the published synthesis of the panel's consultation."))
    return theme_id


@transaction.atomic
def link_theme(*, actor, recommendation, theme_id):
    """Link (or confirm Pacte's suggestion of) a published theme to the recommendation."""
    _check(actor, lambda user: can_link_themes(user, recommendation))
    theme_id = _linkable_theme_id(recommendation, theme_id)
    link, _created = ThemeRecommendationLink.objects.select_for_update().get_or_create(
        theme_id=theme_id, recommendation=recommendation
    )
    if link.confirmed_at is None:
        link.confirmed_by, link.confirmed_at = actor, timezone.now()
        link.save(update_fields=["confirmed_by", "confirmed_at"])
        record_event(
            actor=actor,
            as_role=_panel_role(actor),
            action="analysis.theme_linked",
            obj=recommendation,
            details={"theme": theme_id, "suggested_score": link.score},
        )
    return link


@transaction.atomic
def unlink_theme(*, actor, recommendation, theme_id) -> None:
    """Remove a link, or dismiss a suggestion (it is not suggested again until asked)."""
    _check(actor, lambda user: can_link_themes(user, recommendation))
    try:
        theme_id = int(theme_id)
    except (TypeError, ValueError):
        return
    deleted, _rows = ThemeRecommendationLink.objects.filter(
        theme_id=theme_id, recommendation=recommendation
    ).delete()
    if deleted:
        record_event(
            actor=actor,
            as_role=_panel_role(actor),
            action="analysis.theme_unlinked",
            obj=recommendation,
            details={"theme": theme_id},
        )
