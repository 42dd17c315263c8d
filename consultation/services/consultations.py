"""Organisers' writes on a consultation: create, edit its settings, move its phase, build its
questionnaire."""

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import states
from accounts.audit import record_event
from accounts.roles import Role
from textsafety.normalise import normalise_input, normalises_text

from .. import accepting, rules
from ..either_language import NEEDS, missing
from ..models import MAX_PROPOSAL_LENGTH, Choice, Consultation, PhaseChange, Question
from ..required_answers import participants_without_answer
from ..slugs import reserved_slugs
from ..states import PHASES
from .base import Conflict, ConsultationError, NotAllowed

SCALE_LABELS = [
    ("Pas du tout d’accord", "Strongly disagree"),
    ("Plutôt pas d’accord", "Disagree"),
    ("Ni d’accord ni pas d’accord", "Neither agree nor disagree"),
    ("Plutôt d’accord", "Agree"),
    ("Tout à fait d’accord", "Strongly agree"),
]

CONSULTATION_FIELDS = (
    "title_fr",
    "title_en",
    "context_fr",
    "context_en",
    "starts_on",
    "closes_at",
    "moderation",
    "proposals_allowed",
    "max_proposal_length",
)


def _check_settings(fields: dict) -> None:
    length = fields.get("max_proposal_length")
    if length is not None and not 20 <= length <= MAX_PROPOSAL_LENGTH:
        raise ConsultationError(
            _("The maximum length must be between 20 and %(max)d characters.") % {"max": MAX_PROPOSAL_LENGTH},
            field="max_proposal_length",
        )
    starts_on, closes_at = fields.get("starts_on"), fields.get("closes_at")
    if starts_on and closes_at and timezone.localdate(closes_at) < starts_on:
        raise ConsultationError(_("The closing date must come after the opening date."), field="closes_at")


def _check_title(title_fr, title_en) -> None:
    """A title in French, in English or in both (either_language): never none."""
    if missing(title_fr, title_en):
        raise ConsultationError(str(NEEDS["title"]), field="title_fr")


def _check_closing_time(closes_at) -> None:
    """A closing time set or changed by an organiser is in the future: one in the past would close the
    consultation at the beat's next run, or never open it."""
    if closes_at is not None and closes_at <= timezone.now():
        raise ConsultationError(
            _("The closing date and time (%(when)s) has passed: choose a later one, or leave it empty.")
            % {"when": _written(closes_at)},
            field="closes_at",
        )


def _written(moment) -> str:
    """A date and time as the pages write it: "15 janvier 2027 à 23:59", "15 January 2027 at 23:59"."""
    local = timezone.localtime(moment)
    return _("%(date)s at %(time)s") % {
        "date": date_format(local, "DATE_FORMAT"),
        "time": date_format(local, "TIME_FORMAT"),
    }


def check_slug(slug: str) -> None:
    """A new consultation's short name must not be a word of the site's own addresses."""
    if slug in reserved_slugs():
        raise ConsultationError(
            _("“%(slug)s” is already a page of the site: choose another short name.") % {"slug": slug},
            field="slug",
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
    _check_title(fields.get("title_fr"), fields.get("title_en"))
    _check_closing_time(fields.get("closes_at"))
    check_slug(slug)
    if Consultation.objects.filter(slug=slug).exists():
        raise Conflict(
            _("A consultation already uses the short name “%(slug)s”.") % {"slug": slug}, field="slug"
        )
    consultation = Consultation.objects.create(slug=slug, created_by=actor, **fields)
    record_event(actor=actor, action="consultation.created", obj=consultation, details={"slug": slug})
    return consultation


def check_changed_settings(consultation: Consultation, fields: dict) -> None:
    """Refuse (ConsultationError) settings that `update_consultation` would refuse; the admin's form asks
    it too, so that both say the same."""
    fields = _kept_closing_time(consultation, fields)
    _check_settings({"starts_on": consultation.starts_on, "closes_at": consultation.closes_at, **fields})
    _check_title(fields.get("title_fr", consultation.title_fr), fields.get("title_en", consultation.title_en))
    if "closes_at" in fields:
        _check_not_closed_by_time(consultation)
        _check_closing_time(fields["closes_at"])


def _check_not_closed_by_time(consultation: Consultation) -> None:
    """A consultation whose closing time has passed took its last contribution then, even while the beat
    has not moved its phase yet (consultation/accepting.py): moving its closing time would reopen it
    without a trace in its phase history. Reopening is a phase change, which the history keeps."""
    kept = consultation.closes_at
    if consultation.phase == accepting.PHASE and not accepting.accepts_contributions(consultation):
        raise ConsultationError(
            _(
                "This consultation closed on %(when)s: its closing time can no longer be moved. "
                "To take contributions again, reopen it once it is shown as closed."
            )
            % {"when": _written(kept)},
            field="closes_at",
        )


def _kept_closing_time(consultation: Consultation, fields: dict) -> dict:
    """`fields` without `closes_at` when it is the time already set, to the minute (what the forms show):
    a form sent again with a time that has passed (the time a consultation closed) leaves it as it is."""
    closes_at, kept = fields.get("closes_at"), consultation.closes_at
    if "closes_at" not in fields or (closes_at is None) != (kept is None):
        return fields
    if closes_at is None or closes_at.replace(second=0, microsecond=0) == kept.replace(
        second=0, microsecond=0
    ):
        return {name: value for name, value in fields.items() if name != "closes_at"}
    return fields


@normalises_text
@transaction.atomic
def update_consultation(
    *, actor, consultation: Consultation, in_admin: bool = False, **fields
) -> Consultation:
    """``in_admin``: a staff member's change in the admin site, which checked its own permission; the
    event records them as actor (and ``"via": "admin"``)."""
    if actor is not None and not in_admin and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can edit a consultation."))
    # The row as it is now, locked, and only the fields changed written: the phase that the beat
    # (services/closing.py) or another organiser moved since the request read it is not written back.
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    check_changed_settings(locked, fields)
    fields = _kept_closing_time(locked, fields)
    changed = []
    for name in CONSULTATION_FIELDS:
        if name in fields and getattr(locked, name) != fields[name]:
            setattr(locked, name, fields[name])
            changed.append(name)
    locked.save(update_fields=changed)
    for name in (*changed, "phase", "closes_at"):
        setattr(consultation, name, getattr(locked, name))
    details = {"changed": changed, **({"via": "admin"} if in_admin else {})}
    record_event(actor=actor, action="consultation.updated", obj=consultation, details=details)
    return consultation


@transaction.atomic
def transition(*, actor, consultation: Consultation, to_phase: str, platform: str = "") -> Consultation:
    """Move to `to_phase` if the table (consultation/states.py) and its rule allow it; the row is locked
    so that two organisers clicking at once cannot both move it. Each move is kept as a PhaseChange (the
    page's history) and audited. Returns the moved row; `consultation` is moved with it. A move the
    platform makes itself has no actor and says why in `platform` (a `PhaseChange.Platform`), kept in
    the history and the audit event, so the history tells it from a person's.

    Opening needs a closing time in the future (or none). Closing records when it closed in `closes_at`:
    the time planned when the beat closes it at that time (services/closing.py), now when an organiser
    closes it earlier or it had none. Reopening forgets that past time (the organisers set a new one)."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    PHASES.check(locked, to_phase, actor=actor)  # a move the table refuses is refused as such first
    changes = {}
    if to_phase == Consultation.Phase.OPEN:
        if not locked.questions.exists() and not locked.proposals_allowed:
            raise ConsultationError(_("Add at least one question or allow proposals before opening."))
        if (
            locked.phase == Consultation.Phase.CLOSED
            and locked.closes_at
            and locked.closes_at <= timezone.now()
        ):
            changes["closes_at"] = None  # when it closed, not a plan: reopened without a closing time
        else:
            _check_closing_time(locked.closes_at)
    elif to_phase == Consultation.Phase.CLOSED:
        now = timezone.now()
        if locked.closes_at is None or locked.closes_at > now:
            changes["closes_at"] = now

    def keep_in_history(moved: Consultation, previous: str) -> None:
        PhaseChange.objects.create(
            consultation=moved, from_phase=previous, to_phase=to_phase, actor=actor, platform=platform
        )

    states.transition(
        locked,
        to_phase,
        actor=actor,
        action="consultation.phase",
        as_role=Role.ORGANISER if actor is not None else "",  # the role every move requires (rules.py)
        details={"platform": platform} if platform else None,
        changes=changes,
        then=keep_in_history,
    )
    consultation.phase, consultation.closes_at = locked.phase, locked.closes_at
    return locked


def check_choices(kind: str, choices: list[tuple[str, str, bool]]) -> None:
    """Refuse (ConsultationError on "choices") the choices of a single or multiple choice question that
    would not make a real choice: fewer than two, the same label twice, or, for a multiple choice, fewer
    than two choices that can be ticked together (those that exclude the others set apart)."""
    if len(choices) < 2:
        raise ConsultationError(_("A choice question needs at least two choices."), field="choices")
    longest = Choice._meta.get_field("label_fr").max_length  # the same for label_en
    for label in (label for choice in choices for label in choice[:2] if len(label) > longest):
        raise ConsultationError(  # refused here, not by the database (a server error, the form lost)
            _("A choice has at most %(max)s characters; “%(start)s” has %(length)s.")
            % {"max": longest, "start": textwrap.shorten(label, 40, placeholder="…"), "length": len(label)},
            field="choices",
        )
    for language in (0, 1):
        seen = set()
        for choice in choices:
            label = choice[language]
            if label and label.casefold() in seen:
                raise ConsultationError(
                    _("“%(label)s” is written twice: each choice needs its own label.") % {"label": label},
                    field="choices",
                )
            seen.add(label.casefold())
    if kind != Question.Kind.MULTIPLE:
        return
    combinable = [fr or en for fr, en, exclusive in choices if not exclusive]
    if not combinable:
        raise ConsultationError(_("At least one choice must be combinable with others."), field="choices")
    if len(combinable) < 2:
        raise ConsultationError(
            _(
                "A multiple-choice question needs at least two choices that can be ticked together; only "
                "“%(choice)s” can here. Add another such choice, or make it a single-choice question."
            )
            % {"choice": combinable[0]},
            field="choices",
        )


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
    required: bool = False,
) -> Question:
    """Add a question. Scale questions get the five standard agreement levels; single and multiple
    choice questions need at least two `choices` as (French, English) labels, or (French, English,
    exclusive): an exclusive choice ("None") cannot be ticked with another one. Only a multiple-choice
    question has exclusive choices (elsewhere every choice already stands alone), and it needs at least two
    ordinary choices besides them: with one, ticking several boxes would be impossible, a single choice
    in disguise. Refusals name the field "choices". A `required` question must be answered by everyone
    who saves their answers (consultation/required_answers.py)."""
    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can edit the questionnaire."))
    if consultation.phase != Consultation.Phase.DRAFT:
        # Adding a question to a running consultation would make earlier participants' answers incomplete.
        raise NotAllowed(_("Questions can only be changed while the consultation is a draft."))
    if missing(text_fr, text_en):
        raise ConsultationError(str(NEEDS["question"]), field="text_fr")
    # The labels come as a list, which @normalises_text leaves alone: normalised here, before a label
    # of invisible characters only is told from an empty one.
    labels = [(normalise_input(fr).strip(), normalise_input(en).strip(), rest) for fr, en, *rest in choices]
    choices = [
        (fr, en, kind == Question.Kind.MULTIPLE and bool(rest and rest[0]))
        for fr, en, rest in labels
        if fr or en  # a label in French, in English or in both
    ]
    if kind == Question.Kind.SCALE:
        choices = [(fr, en, False) for fr, en in SCALE_LABELS]
    elif kind == Question.Kind.OPEN:
        choices = []
    else:
        check_choices(kind, choices)
    position = consultation.questions.count()
    question = Question.objects.create(
        consultation=consultation,
        position=position,
        kind=kind,
        text_fr=text_fr.strip(),
        text_en=text_en.strip(),
        help_fr=help_fr,
        help_en=help_en,
        required=required,
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=i, label_fr=fr, label_en=en, exclusive=exclusive)
        for i, (fr, en, exclusive) in enumerate(choices)
    )
    record_event(
        actor=actor, action="question.added", obj=question, details={"kind": kind, "required": required}
    )
    return question


@transaction.atomic
def delete_question(*, actor, question: Question) -> None:
    if not rules.can_manage(actor) or question.consultation.phase != Consultation.Phase.DRAFT:
        raise NotAllowed(_("Questions can only be changed while the consultation is a draft."))
    record_event(
        actor=actor,
        action="question.deleted",
        obj=question,
        details={"text": question.text_fr or question.text_en},
    )
    question.delete()


@dataclass(frozen=True)
class RequiredSet:
    """What `set_question_required` found: how many participants have not answered the question, and
    whether the setting changed (False: it already was so, e.g. a double submit; nothing recorded)."""

    without: int
    changed: bool


@transaction.atomic
def set_question_required(*, actor, question: Question, required: bool) -> RequiredSet:
    """Make a question's answer required or optional again, while the consultation is a draft or open
    (after, it would change nothing anyone can still do). Allowed with answers already given: they stay
    as they are; says how many participants have not answered the question (asked for it only the
    next time they save their answers), recorded in the audit event, and whether anything changed."""
    if actor is not None and not rules.can_manage(actor):  # None: the system (a script, a test's setup)
        raise NotAllowed(_("Only organisers can edit the questionnaire."))
    # Locked: a phase change waits for this one, so the phase read here holds until it is written.
    consultation = Consultation.objects.select_for_update().get(pk=question.consultation_id)
    if consultation.phase not in rules.REQUIRED_CHANGEABLE_PHASES:
        raise NotAllowed(
            _("Whether an answer is required can only be changed while the consultation is a draft or open.")
        )
    question = Question.objects.select_for_update().get(pk=question.pk)
    without = participants_without_answer(question)
    if question.required != required:
        question.required = required
        question.save(update_fields=["required"])
        record_event(
            actor=actor, action="question.required_changed", obj=question,
            details={"required": required, "participants_without_answer": without},
        )  # fmt: skip
        return RequiredSet(without=without, changed=True)
    return RequiredSet(without=without, changed=False)
