"""Organisers' writes on a consultation: create, edit its settings, move its phase, build its
questionnaire."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import states
from accounts.audit import record_event
from textsafety.normalise import normalises_text

from .. import rules
from ..models import MAX_PROPOSAL_LENGTH, Choice, Consultation, PhaseChange, Question
from ..slugs import reserved_slugs
from ..states import PHASES
from .base import Conflict, ConsultationError, NotAllowed

SCALE_LABELS = [
    ("Pas du tout d'accord", "Strongly disagree"),
    ("Plutôt pas d'accord", "Disagree"),
    ("Ni d'accord ni pas d'accord", "Neither agree nor disagree"),
    ("Plutôt d'accord", "Agree"),
    ("Tout à fait d'accord", "Strongly agree"),
]

CONSULTATION_FIELDS = (
    "title_fr",
    "title_en",
    "context_fr",
    "context_en",
    "starts_on",
    "ends_on",
    "moderation",
    "proposals_allowed",
    "max_proposal_length",
)


def _check_settings(fields: dict) -> None:
    length = fields.get("max_proposal_length")
    if length is not None and not 20 <= length <= MAX_PROPOSAL_LENGTH:
        raise ConsultationError(
            _("The maximum length must be between 20 and %(max)d characters.") % {"max": MAX_PROPOSAL_LENGTH}
        )
    if fields.get("starts_on") and fields.get("ends_on") and fields["ends_on"] < fields["starts_on"]:
        raise ConsultationError(_("The closing date must come after the opening date."))


def check_slug(slug: str) -> None:
    """A new consultation's short name must not be a word of the site's own addresses."""
    if slug in reserved_slugs():
        raise ConsultationError(
            _("“%(slug)s” is already a page of the site: choose another short name.") % {"slug": slug}
        )


@normalises_text
@transaction.atomic
def create_consultation(*, actor, slug: str, **fields) -> Consultation:
    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can create a consultation."))
    unknown = set(fields) - set(CONSULTATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown consultation fields: {sorted(unknown)}")
    _check_settings(fields)
    check_slug(slug)
    if Consultation.objects.filter(slug=slug).exists():
        raise Conflict(_("A consultation already uses the short name “%(slug)s”.") % {"slug": slug})
    consultation = Consultation.objects.create(slug=slug, created_by=actor, **fields)
    record_event(actor=actor, action="consultation.created", obj=consultation, details={"slug": slug})
    return consultation


@normalises_text
@transaction.atomic
def update_consultation(*, actor, consultation: Consultation, **fields) -> Consultation:
    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can edit a consultation."))
    _check_settings(fields)
    changed = []
    for name in CONSULTATION_FIELDS:
        if name in fields and getattr(consultation, name) != fields[name]:
            setattr(consultation, name, fields[name])
            changed.append(name)
    consultation.save()
    record_event(actor=actor, action="consultation.updated", obj=consultation, details={"changed": changed})
    return consultation


@transaction.atomic
def transition(*, actor, consultation: Consultation, to_phase: str) -> Consultation:
    """Move to `to_phase` if the table (consultation/states.py) and its rule allow it; the row is locked
    so that two organisers clicking at once cannot both move it. Each move is kept as a PhaseChange (the
    page's history) and audited. Returns the moved row; `consultation` is moved with it."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    PHASES.check(locked, to_phase, actor=actor)  # a move the table refuses is refused as such first
    if to_phase == Consultation.Phase.OPEN and not locked.questions.exists() and not locked.proposals_allowed:
        raise ConsultationError(_("Add at least one question or allow proposals before opening."))

    def keep_in_history(moved: Consultation, previous: str) -> None:
        PhaseChange.objects.create(consultation=moved, from_phase=previous, to_phase=to_phase, actor=actor)

    states.transition(locked, to_phase, actor=actor, action="consultation.phase", then=keep_in_history)
    consultation.phase = locked.phase
    return locked


@normalises_text
@transaction.atomic
def add_question(
    *,
    actor,
    consultation: Consultation,
    kind: str,
    text_fr: str,
    text_en: str = "",
    help_fr: str = "",
    help_en: str = "",
    choices: Iterable[tuple[str, str] | tuple[str, str, bool]] = (),
) -> Question:
    """Add a question. Scale questions get the five standard agreement levels; single and multiple
    choice questions need at least two `choices` as (French, English) labels, or (French, English,
    exclusive): an exclusive choice ("None") cannot be ticked with another one. Only a multiple-choice
    question has exclusive choices (elsewhere every choice already stands alone), and not all of them."""
    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can edit the questionnaire."))
    if consultation.phase != Consultation.Phase.DRAFT:
        # Adding a question to a running consultation would make earlier participants' answers incomplete.
        raise NotAllowed(_("Questions can only be changed while the consultation is a draft."))
    if not text_fr.strip():
        raise ConsultationError(_("The question needs a French text."))
    choices = [
        (fr.strip(), en.strip(), kind == Question.Kind.MULTIPLE and bool(rest and rest[0]))
        for fr, en, *rest in choices
        if fr.strip()
    ]
    if kind == Question.Kind.SCALE:
        choices = [(fr, en, False) for fr, en in SCALE_LABELS]
    elif kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(choices) < 2:
        raise ConsultationError(_("A choice question needs at least two choices."))
    elif kind == Question.Kind.OPEN:
        choices = []
    if choices and all(exclusive for _fr, _en, exclusive in choices):
        raise ConsultationError(_("At least one choice must be combinable with others."))
    position = consultation.questions.count()
    question = Question.objects.create(
        consultation=consultation,
        position=position,
        kind=kind,
        text_fr=text_fr.strip(),
        text_en=text_en.strip(),
        help_fr=help_fr,
        help_en=help_en,
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=i, label_fr=fr, label_en=en, exclusive=exclusive)
        for i, (fr, en, exclusive) in enumerate(choices)
    )
    record_event(actor=actor, action="question.added", obj=question, details={"kind": kind})
    return question


@transaction.atomic
def delete_question(*, actor, question: Question) -> None:
    if not rules.can_manage(actor) or question.consultation.phase != Consultation.Phase.DRAFT:
        raise NotAllowed(_("Questions can only be changed while the consultation is a draft."))
    record_event(actor=actor, action="question.deleted", obj=question, details={"text": question.text_fr})
    question.delete()
