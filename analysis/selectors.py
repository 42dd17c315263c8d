"""Reads shared by the analysis tasks, pages, exports and the command."""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import Profile
from consultation.models import Answer, Consultation, Proposal, Question, Vote
from consultation.publish import public_text
from consultation.selectors import published_proposals

from .models import Contribution, OpinionRun, PipelineRun, PublishedSynthesis, SynthesisVersion


@dataclass(frozen=True)
class CorpusItem:
    source_type: str  # Contribution.Source
    source_id: int
    text: str
    submitted_at: datetime | None
    strata: dict[str, str]


def _profile_strata(user) -> dict[str, str]:
    # Only what the citizen chose to give in their profile (giving it recorded their consent).
    try:
        return user.profile.strata() if user is not None else {}
    except Profile.DoesNotExist:
        return {}


def _open_answers(consultation: Consultation):
    """Answers to open questions that hold a text: the answers a run analyses."""
    return Answer.objects.filter(
        question__consultation=consultation, question__kind=Question.Kind.OPEN
    ).exclude(text="")


def still_public(consultation: Consultation, contributions: list[Contribution]) -> set[int]:
    """The contributions whose (scrubbed) text may be shown now: not flagged as revealing a health
    condition, and whose source is still one a run would analyse (a proposal still published, an answer
    not deleted). A proposal hidden by moderators, or deleted with its author's account after the
    analysis, is no longer shown by the synthesis that was computed before."""
    # By consultation rather than by a list of ids: a corpus of 100,000 would not fit in one IN (...).
    live_answers = set(_open_answers(consultation).values_list("pk", flat=True))
    live_proposals = set(published_proposals(consultation).values_list("pk", flat=True))
    return {
        c.pk
        for c in contributions
        if not c.health_flag
        and c.source_id in (live_answers if c.source_type == Contribution.Source.ANSWER else live_proposals)
    }


def public_statement_texts(
    consultation: Consultation, proposal_ids, rows: list[dict] | None = None
) -> dict[int, str]:
    """The text of each of ``proposal_ids`` that the report may show now, for the opinion-group
    statements (representative, consensus, bridging), by the rule of its quotes: a proposal hidden by
    moderators (or awaiting them) since the groups were computed has no text (``Proposal.public_text``),
    nor one whose contribution the report's ``rows`` (``report.contributions_table``) mark as no longer
    public (``still_public``: flagged as revealing a health condition). Callers leave the others out."""
    proposals = consultation.proposals.filter(pk__in=list(proposal_ids)).only("id", "text", "status")
    withheld = {
        r["source_id"]
        for r in rows or []
        if r["source_type"] != Contribution.Source.ANSWER and not r["public"]
    }
    texts = {p.pk: public_text(p) for p in proposals if p.pk not in withheld}
    return {pk: text for pk, text in texts.items() if text}


def proposal_languages(consultation: Consultation, proposal_ids) -> dict[int, str]:
    """The recorded language of each of ``proposal_ids`` that has one (``Proposal.language``), so that
    the report marks the proposals it quotes (``lang_attr``): one query, whatever their number."""
    ids = [pk for pk in proposal_ids if pk is not None]
    if not ids:
        return {}
    found = consultation.proposals.filter(pk__in=ids).exclude(language="").values_list("id", "language")
    return dict(found)


def corpus(consultation: Consultation) -> list[CorpusItem]:
    """Every free text of the consultation in a stable order: published proposals, imported
    contributions (with the date and strata of their source file) and answers to open questions."""
    items: list[CorpusItem] = []
    proposals = (
        published_proposals(consultation).select_related("author__profile").order_by("created_at", "id")
    )
    for proposal in proposals:
        if not proposal.text.strip():
            continue
        imported = proposal.source != Proposal.Source.PLATFORM
        items.append(
            CorpusItem(
                source_type=Contribution.Source.IMPORTED if imported else Contribution.Source.PROPOSAL,
                source_id=proposal.pk,
                text=proposal.text,
                submitted_at=proposal.created_at,
                strata=dict(proposal.strata or {}) if imported else _profile_strata(proposal.author),
            )
        )
    answers = _open_answers(consultation).select_related("user__profile").order_by("created_at", "id")
    for answer in answers:
        if answer.text.strip():
            items.append(
                CorpusItem(
                    source_type=Contribution.Source.ANSWER,
                    source_id=answer.pk,
                    text=answer.text,
                    submitted_at=answer.created_at,
                    strata=_profile_strata(answer.user),
                )
            )
    return items


def latest_run(consultation: Consultation) -> PipelineRun | None:
    return consultation.pipeline_runs.order_by("-created_at", "-id").first()


def latest_version(run: PipelineRun) -> SynthesisVersion | None:
    return run.versions.select_related("author").order_by("-number").first()


def published_version(consultation: Consultation) -> SynthesisVersion | None:
    try:
        published = PublishedSynthesis.objects.select_related("version__run__consultation").get(
            consultation=consultation
        )
    except PublishedSynthesis.DoesNotExist:
        return None
    return published.version


def latest_opinion(consultation: Consultation) -> OpinionRun | None:
    return consultation.opinion_runs.order_by("-computed_at", "-id").first()


def vote_count(consultation: Consultation) -> int:
    return Vote.objects.filter(proposal__consultation=consultation).count()


def versions_with_authors(run: PipelineRun):
    return run.versions.select_related("author").order_by("-number")


def run_contributions(run: PipelineRun):
    return Contribution.objects.filter(run=run).order_by("position")
