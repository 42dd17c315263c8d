"""Every write that matters in a consultation. Keyword-only, one transaction each.

Phase and permission checks go through rules.py. Organiser and moderator actions, charter acceptance
and proposals are written to the audit log; answers and votes are not (they are many, and their own
rows, with timestamps, are the record).
"""

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts import outbox
from accounts.audit import record_event
from accounts.errors import ServiceError
from accounts.models import ConsentRecord
from accounts.services import has_granted_consent, record_consent
from textsafety.normalise import normalise_input, normalises_text

from . import hooks, rules, sql
from .csv_import import CsvImportError
from .models import (
    COUNTER_FIELD,
    MAX_ANSWER_LENGTH,
    MAX_PROPOSAL_LENGTH,
    Answer,
    CharterVersion,
    Choice,
    Consultation,
    ContributionImport,
    OpenDataExport,
    PhaseChange,
    Proposal,
    Question,
    Report,
    Vote,
)
from .opendata import build_archive


class ConsultationError(ServiceError):
    """A refused action of a consultation: a translated `message` and a `status` (accounts.errors)."""


class NotAllowed(ConsultationError):
    status = 403


class CharterRequired(ConsultationError):
    status = 403

    def __init__(self, changed: bool = False):
        super().__init__(
            _("The consultation's charter has changed: please read and accept the new version to go on.")
            if changed
            else _("Please accept the consultation's charter before your first contribution.")
        )


class Conflict(ConsultationError):
    status = 409


SCALE_LABELS = [
    ("Pas du tout d'accord", "Strongly disagree"),
    ("Plutôt pas d'accord", "Disagree"),
    ("Ni d'accord ni pas d'accord", "Neither agree nor disagree"),
    ("Plutôt d'accord", "Agree"),
    ("Tout à fait d'accord", "Strongly agree"),
]

VOTE_VALUES = {"agree": Vote.Value.AGREE, "disagree": Vote.Value.DISAGREE, "pass": Vote.Value.PASS}


def participant_key_for(user) -> str:
    return f"u{user.pk}"


# --- Organiser -------------------------------------------------------------------------------------

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


@normalises_text
@transaction.atomic
def create_consultation(*, actor, slug: str, **fields) -> Consultation:
    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can create a consultation."))
    unknown = set(fields) - set(CONSULTATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown consultation fields: {sorted(unknown)}")
    _check_settings(fields)
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
    """Move to `to_phase` if Consultation.TRANSITIONS allows it; the row is locked so that two organisers
    clicking at once cannot both move it."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    allowed = to_phase in Consultation.TRANSITIONS[locked.phase]
    if actor is not None and not rules.can_transition(actor, locked, to_phase):
        allowed = False
    if not allowed:
        raise NotAllowed(
            _("A consultation cannot go from “%(from)s” to “%(to)s”.")
            % {"from": locked.get_phase_display(), "to": _phase_label(to_phase)}
        )
    if to_phase == Consultation.Phase.OPEN and not locked.questions.exists() and not locked.proposals_allowed:
        raise ConsultationError(_("Add at least one question or allow proposals before opening."))
    previous = locked.phase
    locked.phase = to_phase
    locked.save(update_fields=["phase"])
    PhaseChange.objects.create(consultation=locked, from_phase=previous, to_phase=to_phase, actor=actor)
    record_event(
        actor=actor, action="consultation.phase", obj=locked, details={"from": previous, "to": to_phase}
    )
    consultation.phase = to_phase
    return locked


def _phase_label(phase: str) -> str:
    try:
        return Consultation.Phase(phase).label
    except ValueError:
        return phase


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
    choices: Iterable[tuple[str, str]] = (),
) -> Question:
    """Add a question. Scale questions get the five standard agreement levels; single and multiple
    choice questions need at least two `choices` as (French, English) labels."""
    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can edit the questionnaire."))
    if consultation.phase != Consultation.Phase.DRAFT:
        # Adding a question to a running consultation would make earlier participants' answers incomplete.
        raise NotAllowed(_("Questions can only be changed while the consultation is a draft."))
    if not text_fr.strip():
        raise ConsultationError(_("The question needs a French text."))
    choices = [(fr.strip(), en.strip()) for fr, en in choices if fr.strip()]
    if kind == Question.Kind.SCALE:
        choices = SCALE_LABELS
    elif kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(choices) < 2:
        raise ConsultationError(_("A choice question needs at least two choices."))
    elif kind == Question.Kind.OPEN:
        choices = []
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
        Choice(question=question, position=i, label_fr=fr, label_en=en) for i, (fr, en) in enumerate(choices)
    )
    record_event(actor=actor, action="question.added", obj=question, details={"kind": kind})
    return question


@transaction.atomic
def delete_question(*, actor, question: Question) -> None:
    if not rules.can_manage(actor) or question.consultation.phase != Consultation.Phase.DRAFT:
        raise NotAllowed(_("Questions can only be changed while the consultation is a draft."))
    record_event(actor=actor, action="question.deleted", obj=question, details={"text": question.text_fr})
    question.delete()


# --- Charter ---------------------------------------------------------------------------------------


def has_accepted_charter(user, consultation: Consultation) -> bool:
    """Accepted the charter's current version. The consent (cached per user, purpose and version) is
    looked up under the version number read with the consultation, so a new version is a new key: an
    acceptance of an earlier version, cached or not, never counts for it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return has_granted_consent(user, ConsentRecord.Purpose.CHARTER, consultation.charter_consent_version)


def accepted_an_earlier_charter(user, consultation: Consultation) -> bool:
    """Accepted some earlier version of this consultation's charter (to say that the charter changed)."""
    if not getattr(user, "is_authenticated", False) or consultation.charter_version <= 1:
        return False
    earlier = [consultation.charter_consent_version_for(n) for n in range(1, consultation.charter_version)]
    return ConsentRecord.objects.filter(
        user=user, purpose=ConsentRecord.Purpose.CHARTER, version__in=earlier, granted=True
    ).exists()


def current_charter(consultation: Consultation) -> CharterVersion | None:
    """The edited text in force, or None while the consultation keeps the default principles."""
    return consultation.charter_versions.filter(version=consultation.charter_version).first()


def charter_texts(consultation: Consultation) -> tuple[str, str]:
    """The current charter as (French, English) text: the edited version, or the default principles."""
    from .charter import default_text

    current = current_charter(consultation)
    if current is None:
        return default_text("fr"), default_text("en")
    return current.text_fr, current.text_en


def _clean_charter_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").strip().split("\n"))


@normalises_text
@transaction.atomic
def update_charter(*, actor, consultation: Consultation, text_fr: str, text_en: str = "") -> bool:
    """Replace the charter's text. A changed text becomes the next version (audited): everyone must then
    accept it before their next contribution, and what they contributed before stays. Returns False
    when the text is unchanged (no new version)."""
    from .charter import MAX_CHARTER_LENGTH

    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can edit the charter."))
    if locked.phase not in rules.CHARTER_EDITABLE_PHASES:
        raise NotAllowed(_("The charter can only be changed while the consultation is a draft or open."))
    text_fr, text_en = _clean_charter_text(text_fr), _clean_charter_text(text_en)
    if not text_fr:
        raise ConsultationError(_("The charter needs a French text."))
    if max(len(text_fr), len(text_en)) > MAX_CHARTER_LENGTH:
        raise ConsultationError(
            _("The charter can have at most %(max)d characters per language.") % {"max": MAX_CHARTER_LENGTH}
        )
    if (text_fr, text_en) == charter_texts(locked):
        return False
    previous = locked.charter_version
    locked.charter_version = previous + 1
    locked.save(update_fields=["charter_version"])
    CharterVersion.objects.create(
        consultation=locked,
        version=locked.charter_version,
        text_fr=text_fr,
        text_en=text_en,
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="consultation.charter_changed",
        obj=locked,
        details={"from": previous, "to": locked.charter_version},
    )
    consultation.charter_version = locked.charter_version
    return True


@transaction.atomic
def accept_charter(*, user, consultation: Consultation, version: int | None = None) -> None:
    """Record the acceptance of the current version. `version` is the one the person read (the form
    carries it): if the charter changed meanwhile, nothing is recorded and they are asked to read it."""
    if not rules.can_contribute(user, consultation):
        raise NotAllowed(_("This consultation is not open for contributions."))
    consultation.charter_version = (
        Consultation.objects.filter(pk=consultation.pk).values_list("charter_version", flat=True).get()
    )
    if version is not None and version != consultation.charter_version:
        raise Conflict(_("The charter has just changed: please read the new version before accepting it."))
    if not has_accepted_charter(user, consultation):
        record_consent(
            user=user,
            purpose=ConsentRecord.Purpose.CHARTER,
            version=consultation.charter_consent_version,
            granted=True,
        )


def _check_can_contribute(user, consultation: Consultation) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Please sign in to take part."))
    if not rules.can_contribute(user, consultation):
        raise NotAllowed(_("This consultation is not open: contributions are closed."))
    if not has_accepted_charter(user, consultation):
        raise CharterRequired(changed=accepted_an_earlier_charter(user, consultation))


# --- Answers ---------------------------------------------------------------------------------------


@transaction.atomic
def save_answers(*, user, consultation: Consultation, answers: dict[int, list[int] | str]) -> int:
    """Create or replace the person's answers: `answers` maps question id to choice ids (closed
    questions) or text (open ones). Questions left out or left blank are left as they were.
    Returns the number of answers saved."""
    _check_can_contribute(user, consultation)
    questions = {q.pk: q for q in consultation.questions.prefetch_related("choices")}
    saved = 0
    for question_id, value in answers.items():
        question = questions.get(int(question_id))
        if question is None:
            raise ConsultationError(_("This question does not belong to the consultation."))
        if question.kind == Question.Kind.OPEN:
            # A line break counts as one character, as in the browser (which sends it as CR LF).
            # Controls and bidirectional overrides removed, NFC (textsafety.normalise).
            text = normalise_input(str(value or "")).strip()
            if not text:
                continue
            if len(text) > MAX_ANSWER_LENGTH:
                raise ConsultationError(_("An answer cannot be longer than 5,000 characters."))
            answer, _created = Answer.objects.update_or_create(
                question=question, user=user, defaults={"text": text}
            )
            saved += 1
            continue
        ids = {int(v) for v in (value or [])}
        if not ids:
            continue
        valid = {c.pk for c in question.choices.all()}
        if not ids <= valid:
            raise ConsultationError(_("This choice does not belong to the question."))
        if question.kind != Question.Kind.MULTIPLE and len(ids) > 1:
            raise ConsultationError(_("Only one choice is allowed for this question."))
        answer, _created = Answer.objects.update_or_create(
            question=question, user=user, defaults={"text": ""}
        )
        answer.choices.set(ids)
        saved += 1
    return saved


# --- Proposals -------------------------------------------------------------------------------------


def clean_proposal_text(text: str, consultation: Consultation) -> str:
    """The text as it will be stored (surrounding spaces removed; HTML kept as text, escaped on display)."""
    text = normalise_input(text).strip()  # controls and bidirectional overrides removed, NFC
    if not text:
        raise ConsultationError(_("A proposal cannot be empty."))
    if len(text) > consultation.max_proposal_length:
        raise ConsultationError(
            _("A proposal can have at most %(max)s characters (yours has %(n)s).")
            % {
                "max": number_format(consultation.max_proposal_length, force_grouping=True),
                "n": number_format(len(text), force_grouping=True),
            }
        )
    return text


@normalises_text
@transaction.atomic
def submit_proposal(*, user, consultation: Consultation, text: str, language: str = "") -> Proposal:
    _check_can_contribute(user, consultation)
    if not consultation.proposals_allowed:
        raise NotAllowed(_("This consultation does not take proposals."))
    text = clean_proposal_text(text, consultation)
    if Proposal.objects.filter(consultation=consultation, author=user, text=text).exists():
        raise Conflict(_("You have already submitted this proposal."))
    pre = consultation.moderation == Consultation.Moderation.PRE
    proposal = Proposal.objects.create(
        consultation=consultation,
        author=user,
        author_key=participant_key_for(user),
        text=text,
        status=Proposal.Status.PENDING if pre else Proposal.Status.VISIBLE,
        language=language[:8],
    )
    record_event(actor=user, action="proposal.submitted", obj=proposal, details={"status": proposal.status})
    return proposal


# --- Votes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteOutcome:
    value: int
    previous: int | None  # None for a first vote

    @property
    def changed(self) -> bool:
        return self.previous is not None and self.previous != self.value


def _store_vote(*, proposal_id: int, participant_key: str, value: int, user=None) -> VoteOutcome:
    """Insert or change one vote and move the proposal's counters by the same amount, atomically.

    One SQL statement, so its own transaction, with no BEGIN/COMMIT round trips (this is the busiest
    path of the platform): INSERT ... ON CONFLICT DO UPDATE relies on the UNIQUE(proposal,
    participant_key) constraint and locks the participant's existing row, so it reads that row's latest
    committed value (two clicks at once never count twice); it keeps that value in `previous_value`,
    whose RETURNING tells the counters which one to move: +1 for the new value, -1 for the previous
    one. A vote equal to the stored one changes nothing. Counters move by increments in SQL: concurrent
    voters never overwrite each other's."""
    if connection.vendor != "postgresql":
        return _store_vote_embedded(
            proposal_id=proposal_id, participant_key=participant_key, value=value, user=user
        )
    vote_table, proposal_table = Vote._meta.db_table, Proposal._meta.db_table
    moves = ", ".join(
        f"{field} = {field} + (%(value)s = {choice})::int "
        f"- COALESCE(vote.previous_value = {choice}, FALSE)::int"
        for choice, field in COUNTER_FIELD.items()
    )
    statement = (
        # Table and column names come from the models.
        f"WITH vote AS (INSERT INTO {vote_table} AS existing "  # noqa: S608
        "(proposal_id, participant_key, value, previous_value, user_id, created_at, updated_at) "
        "VALUES (%(proposal)s, %(key)s, %(value)s, NULL, %(user)s, %(now)s, %(now)s) "
        "ON CONFLICT (proposal_id, participant_key) DO UPDATE "
        "SET value = EXCLUDED.value, previous_value = existing.value, updated_at = EXCLUDED.updated_at "
        "WHERE existing.value <> EXCLUDED.value RETURNING previous_value) "
        f"UPDATE {proposal_table} SET {moves} FROM vote WHERE id = %(proposal)s RETURNING vote.previous_value"
    )
    params = {
        "proposal": proposal_id,
        "key": participant_key,
        "value": value,
        "user": getattr(user, "pk", None),
        "now": timezone.now(),
    }
    try:
        # Inside an outer transaction (tests, scripts), a failed statement needs its savepoint.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            row = sql.fetch_one(statement, params)
    except IntegrityError:
        # PostgreSQL checks a row's constraints on the values computed from the statement's snapshot
        # before it sees that a concurrent transaction changed that row (it then recomputes from the
        # latest one). When one person's clicks race, the snapshot can predate their other click's
        # commit, and the decrement of the counter that click incremented fails the CHECK (>= 0) although
        # the result would be right. Again, after locking their row: the snapshot is then taken after
        # every click that came first, so the check sees true counters.
        try:
            with transaction.atomic():
                sql.fetch_one(
                    f"SELECT 1 FROM {vote_table} WHERE proposal_id = %(proposal)s "  # noqa: S608
                    "AND participant_key = %(key)s FOR UPDATE",
                    params,
                )
                row = sql.fetch_one(statement, params)
        except IntegrityError:  # e.g. the proposal was deleted meanwhile
            raise Conflict(_("Your vote could not be recorded. Please try again.")) from None
    if row is None:  # the stored vote already had this value
        return VoteOutcome(value, value)
    return VoteOutcome(value, row[0])


def _store_vote_embedded(*, proposal_id: int, participant_key: str, value: int, user=None) -> VoteOutcome:
    """The same effect for the embedded SQLite runtime (the demo), whose SQL has no INSERT inside WITH:
    the ORM in one transaction. SQLite runs one writer at a time, so nothing can slip in between."""
    with transaction.atomic():
        vote, created = Vote.objects.get_or_create(
            proposal_id=proposal_id, participant_key=participant_key, defaults={"value": value, "user": user}
        )
        counter = COUNTER_FIELD[value]
        if created:
            Proposal.objects.filter(pk=proposal_id).update(**{counter: F(counter) + 1})
            return VoteOutcome(value, None)
        previous = vote.value
        if previous != value:
            vote.previous_value, vote.value, vote.updated_at = previous, value, timezone.now()
            vote.save(update_fields=["previous_value", "value", "updated_at"])
            old = COUNTER_FIELD[previous]
            Proposal.objects.filter(pk=proposal_id).update(**{old: F(old) - 1, counter: F(counter) + 1})
        return VoteOutcome(value, previous)


def cast_vote(*, user, proposal: Proposal, value: str | int) -> VoteOutcome:
    """A citizen votes agree / disagree / pass, or changes their vote, while the consultation is open.
    Not one transaction on purpose: the checks only read, and _store_vote keeps each write atomic."""
    if isinstance(value, str):
        if value not in VOTE_VALUES:
            raise ConsultationError(_("A vote is “agree”, “disagree” or “pass”."))
        value = VOTE_VALUES[value]
    _check_can_contribute(user, proposal.consultation)
    if proposal.status != Proposal.Status.VISIBLE:
        raise NotAllowed(_("This proposal is not published: it cannot receive votes."))
    outcome = _store_vote(
        proposal_id=proposal.pk, participant_key=participant_key_for(user), value=value, user=user
    )
    if outcome.previous != outcome.value:
        consultation_id = proposal.consultation_id
        transaction.on_commit(lambda: hooks.votes_changed(consultation_id))
    return outcome


def recount(proposal_ids: Iterable[int] | None = None, *, consultation: Consultation | None = None) -> None:
    """Recompute the counters from the vote rows (after bulk imports or erasures)."""
    proposals = Proposal.objects.all()
    if consultation is not None:
        proposals = proposals.filter(consultation=consultation)
    if proposal_ids is not None:
        proposals = proposals.filter(pk__in=list(proposal_ids))

    def count(value: int):
        rows = (
            Vote.objects.filter(proposal=OuterRef("pk"), value=value)
            .order_by()
            .values("proposal")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    proposals.update(
        agree_count=count(Vote.Value.AGREE),
        disagree_count=count(Vote.Value.DISAGREE),
        pass_count=count(Vote.Value.PASS),
    )


# --- Reports and moderation ------------------------------------------------------------------------


@normalises_text
@transaction.atomic
def report_proposal(*, user, proposal: Proposal, reason: str) -> Report:
    if not rules.can_report(user, proposal):
        raise NotAllowed(_("Only published proposals can be reported, by people who are signed in."))
    reason = (reason or "").strip()
    if not reason:
        raise ConsultationError(_("Please say why this proposal should be hidden."))
    if len(reason) > 300:
        raise ConsultationError(_("The reason can have at most 300 characters."))
    report, created = Report.objects.get_or_create(
        proposal=proposal, reporter=user, defaults={"reason": reason}
    )
    if not created:
        raise Conflict(_("You have already reported this proposal; moderators will look at it."))
    record_event(actor=user, action="proposal.reported", obj=proposal, details={"report": report.pk})
    return report


def moderation_queue(consultation: Consultation | None = None):
    """Proposals waiting for a decision: pending ones, and published ones with open reports."""
    open_reports = Count("reports", filter=Q(reports__resolved_at__isnull=True))
    queryset = Proposal.objects.annotate(open_reports=open_reports).filter(
        Q(status=Proposal.Status.PENDING) | Q(status=Proposal.Status.VISIBLE, open_reports__gt=0)
    )
    if consultation is not None:
        queryset = queryset.filter(consultation=consultation)
    return queryset.select_related("consultation").order_by("created_at", "id")


@normalises_text
@transaction.atomic
def moderate(*, actor, proposal: Proposal, decision: str, reason: str = "") -> Proposal:
    """`decision` is "approve" (publish, dismiss reports) or "hide" (with a public reason)."""
    if not rules.can_moderate(actor):
        raise NotAllowed(_("Only moderators can moderate proposals."))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    before = proposal.status
    reason = (reason or "").strip()
    if decision == "hide":
        if not reason:
            raise ConsultationError(_("Hiding a proposal needs a public reason."))
        if len(reason) > 300:
            raise ConsultationError(_("The reason can have at most 300 characters."))
        proposal.status, proposal.hide_reason = Proposal.Status.HIDDEN, reason
    elif decision == "approve":
        proposal.status, proposal.hide_reason = Proposal.Status.VISIBLE, ""
    else:
        raise ConsultationError(_("Unknown moderation decision."))
    proposal.moderated_at = timezone.now()
    proposal.save(update_fields=["status", "hide_reason", "moderated_at"])
    proposal.reports.filter(resolved_at__isnull=True).update(resolved_at=proposal.moderated_at)
    record_event(
        actor=actor, action=f"proposal.{decision}", obj=proposal, details={"reason": proposal.hide_reason}
    )
    if proposal.author_id and proposal.status != before:  # published, hidden, or published again
        from .tasks import send_moderation_notice

        decided = proposal.status
        outbox.enqueue(send_moderation_notice, proposal.pk, decided)
    return proposal


# --- GDPR ------------------------------------------------------------------------------------------


def export_user_data(user) -> dict:
    return {
        "proposals": [
            {
                "consultation": p.consultation.slug,
                "text": p.text,
                "status": p.status,
                "hide_reason": p.hide_reason,
                "at": p.created_at.isoformat(),
            }
            for p in Proposal.objects.filter(author=user).select_related("consultation")
        ],
        "votes": [
            {
                "proposal": v.proposal_id,
                "value": Vote.Value(v.value).name.lower(),
                "at": v.updated_at.isoformat(),
            }
            for v in Vote.objects.filter(user=user)
        ],
        "answers": [
            {"question": a.question.text_fr, "choices": [c.label_fr for c in a.choices.all()], "text": a.text}
            for a in Answer.objects.filter(user=user).select_related("question").prefetch_related("choices")
        ],
        "reports": [
            {"proposal": r.proposal_id, "reason": r.reason} for r in Report.objects.filter(reporter=user)
        ],
    }


def erase_votes(user, keep_pseudonymous: bool) -> None:
    """Personal-data registry handler: votes are public contributions, kept under the pseudonym or
    deleted with the counters they fed recomputed."""
    if keep_pseudonymous:
        return
    touched = set(Vote.objects.filter(user=user).values_list("proposal_id", flat=True))
    Vote.objects.filter(user=user).delete()
    recount(touched)


def erase_proposals(user, keep_pseudonymous: bool) -> None:
    """Personal-data registry handler: proposals are deleted, or kept under the pseudonym without the
    profile answers copied on them; one still awaiting moderation was never public and goes either way."""
    mine = Proposal.objects.filter(author=user)
    if keep_pseudonymous:
        mine.filter(status=Proposal.Status.PENDING).delete()
        mine.update(strata={})
    else:
        mine.delete()


def withdraw_open_data(user, keep_pseudonymous: bool) -> None:
    """Personal-data registry handler: the open-data archives of every consultation the person
    contributed to hold their answers, proposals and votes. When these go, the archives go (rows now,
    files once the erasure is committed) and a fresh one is built for each consultation that had one
    ready. Under the pseudonym the contributions stay public, and so do the archives."""
    if keep_pseudonymous:
        return
    consultations = (
        set(Answer.objects.filter(user=user).values_list("question__consultation_id", flat=True))
        | set(Proposal.objects.filter(author=user).values_list("consultation_id", flat=True))
        | set(Vote.objects.filter(user=user).values_list("proposal__consultation_id", flat=True))
    )
    exports = list(OpenDataExport.objects.filter(consultation_id__in=consultations))
    if not exports:
        return
    rebuild = {e.consultation_id for e in exports if e.state == OpenDataExport.State.DONE}
    files = [e.file for e in exports if e.file]
    OpenDataExport.objects.filter(pk__in=[e.pk for e in exports]).delete()

    def remove_files() -> None:
        for file in files:
            file.storage.delete(file.name)

    transaction.on_commit(remove_files)
    for consultation in Consultation.objects.filter(pk__in=rebuild):
        request_open_data_export(actor=None, consultation=consultation)


# --- Imports ---------------------------------------------------------------------------------------


def describe_row_error(error) -> str:
    """A translated sentence for one csv_import.RowError."""
    from . import csv_import as ci

    reasons = {
        ci.EMPTY: _("the text is empty"),
        ci.TOO_LONG: _("the text is too long (%(detail)s characters)"),
        ci.BAD_DATE: _("the date “%(detail)s” cannot be read (expected YYYY-MM-DD or DD/MM/YYYY)"),
        ci.BROKEN_QUOTING: _("a quotation mark is not closed"),
        ci.CELL_COUNT: _("wrong number of cells (%(detail)s expected)"),
        ci.DUPLICATE: _("same text and date as line %(detail)s"),
    }
    reason = reasons.get(error.code, error.code) % {"detail": error.detail}
    return _("Line %(line)d: %(reason)s.") % {"line": error.line, "reason": reason}


def describe_file_error(error) -> str:
    """A translated sentence for a csv_import.CsvImportError."""
    from . import csv_import as ci

    if error.code == ci.MISSING_COLUMNS:
        return _("The file has no column named %(missing)s. Its columns are: %(found)s.") % {
            "missing": ", ".join(f"“{c}”" for c in error.params["missing"]),
            "found": ", ".join(error.params["found"]) or "—",
        }
    if error.code == ci.ENCODING:
        return _("The file's character encoding cannot be read: please save it as UTF-8 CSV.")
    return _("The file is empty or its first line (the column names) cannot be read.")


@dataclass
class ImportReport:
    created: int
    skipped_existing: int
    errors: list[str]
    warnings: list[str]


IMPORT_BATCH = 1000


@transaction.atomic
def import_contributions(
    *,
    actor,
    consultation: Consultation,
    data: bytes,
    text_column: str,
    date_column: str | None = None,
    strata_columns: tuple[str, ...] = (),
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a CSV of contributions as published proposals. Raises csv_import.CsvImportError when the
    whole file is unusable; bad rows are reported and every other row is kept. Re-importing the same
    file creates nothing new. The rows are saved in one transaction, by batches of IMPORT_BATCH, and
    `progress(saved, to_save)` is called after each batch (the command's progress bar)."""
    from . import csv_import

    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can import contributions."))
    parsed = csv_import.read_contributions(
        data,
        text_column=text_column,
        date_column=date_column,
        strata_columns=tuple(strata_columns),
        max_length=MAX_PROPOSAL_LENGTH,
    )
    existing = set(
        Proposal.objects.filter(consultation=consultation, source=Proposal.Source.IMPORT).values_list(
            "external_id", flat=True
        )
    )
    now = timezone.now()
    new = [
        Proposal(
            consultation=consultation,
            author_key=f"import:{row.external_id[:12]}",
            text=row.text,
            source=Proposal.Source.IMPORT,
            external_id=row.external_id,
            strata=row.strata,
            created_at=row.when or now,
            status=Proposal.Status.VISIBLE,
        )
        for row in parsed.rows
        if row.external_id not in existing
    ]
    for start in range(0, len(new), IMPORT_BATCH):
        Proposal.objects.bulk_create(new[start : start + IMPORT_BATCH])
        if progress is not None:
            progress(min(start + IMPORT_BATCH, len(new)), len(new))
    warnings = []
    if "cp1252_fallback" in parsed.warnings:
        warnings.append(
            _("The file was not UTF-8: it was read as Windows-1252. Check that accents look right.")
        )
    report = ImportReport(
        created=len(new),
        skipped_existing=len(parsed.rows) - len(new),
        errors=[describe_row_error(e) for e in parsed.errors],
        warnings=warnings,
    )
    record_event(
        actor=actor,
        action="consultation.imported_csv",
        obj=consultation,
        details={
            "created": report.created,
            "skipped": report.skipped_existing,
            "bad_rows": len(parsed.errors),
        },
    )
    return report


def start_import(
    *, actor, consultation: Consultation, data: bytes, file_name: str, text_column: str,
    date_column: str | None, strata_columns: tuple[str, ...], language: str,
):  # fmt: skip
    """Record an import from the organisers' page and hand it to a Celery worker once committed; the
    page shows its progress and, when it ends, the same report as the command."""
    from .tasks import run_contribution_import

    if not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can import contributions."))
    job = ContributionImport.objects.create(
        consultation=consultation, created_by=actor, file_name=file_name[:200], data=data,
        text_column=text_column, date_column=date_column or "", strata_columns=list(strata_columns),
        language=language,
    )  # fmt: skip
    record_event(actor=actor, action="consultation.import_requested", obj=consultation,
                 details={"import": job.pk, "bytes": len(data)})  # fmt: skip
    outbox.enqueue(run_contribution_import, job.pk)
    return job


def run_import(import_id: int) -> dict:
    """Import the CSV of one ContributionImport (the Celery task's work). Safe to run again (a worker
    lost mid-way): the import is one transaction and skips rows already imported. Progress is kept on
    the row; the file is erased at the end. Messages are written in the language of the organiser who
    sent the file."""

    job = ContributionImport.objects.select_related("consultation", "created_by").filter(pk=import_id).first()
    if job is None or not job.is_active:  # deleted with its consultation, or already ended
        return {"import": import_id, "state": job.state if job else "deleted"}
    rows = ContributionImport.objects.filter(pk=import_id)
    rows.update(state=ContributionImport.State.RUNNING)

    def progress(saved: int, to_save: int) -> None:
        rows.update(progress=int(100 * saved / max(to_save, 1)))

    def ended() -> dict:  # the file is erased once the import ends, whatever the outcome
        return {"finished_at": timezone.now(), "data": b""}

    with translation.override(job.language):
        try:
            report = import_contributions(
                actor=job.created_by, consultation=job.consultation, data=bytes(job.data),
                text_column=job.text_column, date_column=job.date_column or None,
                strata_columns=tuple(job.strata_columns), progress=progress,
            )  # fmt: skip
        except CsvImportError as exc:
            failure = describe_file_error(exc)
        except ConsultationError as exc:
            failure = exc.message
        except Exception:
            rows.update(
                state=ContributionImport.State.FAILED, failure=_("The import failed; nothing was imported."),
                **ended(),
            )  # fmt: skip
            raise
        else:
            rows.update(
                state=ContributionImport.State.DONE, progress=100, created=report.created,
                skipped_existing=report.skipped_existing, errors=[str(e) for e in report.errors],
                warnings=[str(w) for w in report.warnings], **ended(),
            )  # fmt: skip
            return {"import": import_id, "created": report.created}
    rows.update(state=ContributionImport.State.FAILED, failure=str(failure)[:500], **ended())
    return {"import": import_id, "failure": str(failure)}


@dataclass
class PolisImportReport:
    consultation: Consultation
    created_consultation: bool
    proposals_created: int
    votes_stored: int


@transaction.atomic
def import_polis(*, actor, export, slug: str) -> PolisImportReport:
    """Load a read polis_export.PolisExport into a consultation (created, closed, when the slug is new):
    comments become proposals (moderated-out ones hidden), voters pseudonymous participants
    "polis:<voter-id>", each voter's last vote per comment a vote. Idempotent."""
    from datetime import UTC, datetime

    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can import contributions."))

    def stamp(ms):
        return datetime.fromtimestamp(ms / 1000, tz=UTC) if ms is not None else timezone.now()

    consultation = Consultation.objects.filter(slug=slug).first()
    created = consultation is None
    if created:
        title = (export.topic or export.folder.name)[:200]
        consultation = Consultation.objects.create(
            slug=slug,
            title_fr=title,
            title_en=title,
            context_fr=export.description,
            context_en=export.description,
            phase=Consultation.Phase.CLOSED,
            created_by=actor,
        )
        record_event(actor=actor, action="consultation.created", obj=consultation, details={"from": "polis"})
    known = dict(
        Proposal.objects.filter(consultation=consultation, source=Proposal.Source.POLIS).values_list(
            "external_id", "pk"
        )
    )
    new = []
    for comment in export.comments:
        if str(comment.comment_id) in known:
            continue
        hidden = comment.is_moderated_out
        new.append(
            Proposal(
                consultation=consultation,
                source=Proposal.Source.POLIS,
                external_id=str(comment.comment_id),
                author_key=f"polis:{comment.author_id}" if comment.author_id is not None else "polis:",
                text=normalise_input(comment.body).strip()[:MAX_PROPOSAL_LENGTH] or "—",
                created_at=stamp(comment.timestamp_ms),
                status=Proposal.Status.HIDDEN if hidden else Proposal.Status.VISIBLE,
                hide_reason=_("Moderated out in the original Pol.is conversation.") if hidden else "",
            )
        )
    Proposal.objects.bulk_create(new, batch_size=1000)
    ids = dict(
        Proposal.objects.filter(consultation=consultation, source=Proposal.Source.POLIS).values_list(
            "external_id", "pk"
        )
    )
    votes = [
        Vote(
            proposal_id=ids[str(v.comment_id)],
            participant_key=f"polis:{v.voter_id}",
            value=v.value,
            created_at=stamp(v.timestamp_ms),
            updated_at=stamp(v.timestamp_ms),
        )
        for v in export.votes
    ]
    Vote.objects.bulk_create(
        votes,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["proposal", "participant_key"],
        update_fields=["value", "updated_at"],
    )
    recount(consultation=consultation)
    record_event(
        actor=actor,
        action="consultation.imported_polis",
        obj=consultation,
        details={"proposals": len(new), "votes": len(votes), "source": export.votes_source},
    )
    return PolisImportReport(consultation, created, len(new), len(votes))


# --- Open data -------------------------------------------------------------------------------------


@transaction.atomic
def request_open_data_export(*, actor, consultation: Consultation):
    """Record an export request and hand it to a Celery worker once the request is committed."""
    from .tasks import build_open_data

    if actor is not None and not rules.can_build_open_data(actor, consultation):
        raise NotAllowed(_("Only organisers can publish the open data of a consultation."))
    export = OpenDataExport.objects.create(consultation=consultation)
    record_event(actor=actor, action="consultation.open_data_requested", obj=export)
    outbox.enqueue(build_open_data, export.pk)
    return export


def build_export(export_id: int, progress: Callable[[int], None] | None = None) -> dict:
    """Build the open-data ZIP of one export request (the Celery task's work); progress in percent is
    kept on the row and passed to `progress`."""

    export = OpenDataExport.objects.select_related("consultation").get(pk=export_id)
    rows = OpenDataExport.objects.filter(pk=export_id)
    rows.update(state=OpenDataExport.State.RUNNING)

    def report(percent: int) -> None:
        rows.update(progress=percent)
        if progress is not None:
            progress(percent)

    try:
        data = build_archive(export.consultation, report)
    except Exception as exc:
        rows.update(state=OpenDataExport.State.FAILED, error=str(exc)[:300], finished_at=timezone.now())
        raise
    export.file.save(f"{export.consultation.slug}-{export.pk}.zip", ContentFile(data), save=False)
    rows.update(
        file=export.file.name, state=OpenDataExport.State.DONE, progress=100, finished_at=timezone.now()
    )
    return {"export": export_id, "bytes": len(data)}
