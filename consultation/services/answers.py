"""Citizens' answers to the questionnaire."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from textsafety.normalise import normalise_input

from .. import rules
from ..models import MAX_ANSWER_LENGTH, Answer, Consultation, Question
from ..required_answers import AnswersMissing, missing_answers
from .base import Conflict, ConsultationError, NotAllowed
from .charter import _check_can_contribute
from .gdpr import withdraw_answers_from_archives


@dataclass(frozen=True)
class SavedAnswers:
    """What `save_answers` did: answers created or replaced, answers taken back (deleted)."""

    saved: int
    removed: int


@transaction.atomic
def save_answers(
    *,
    user,
    consultation: Consultation,
    answers: dict[int, list[int] | str],
    taken_back: Iterable[int] = (),
) -> SavedAnswers:
    """Create or replace the person's answers: `answers` maps question id to choice ids (closed
    questions) or text (open ones). Questions left out or left blank are left as they were, unless listed
    in `taken_back`: the person may take back an answer to an optional question, which is then deleted
    (not kept empty: the question is unanswered again, in the results and the analysis alike). A question
    of `taken_back` that also gets an answer in `answers` keeps that answer.

    Every answer is checked before anything is written: a refusal saves nothing. A question marked
    required must hold an answer once saved (``required_answers``: refused with `AnswersMissing`)."""
    _check_can_contribute(user, consultation)
    # A line break counts as one character, as in the browser (which sends it as CR LF). Controls and
    # bidirectional overrides removed, NFC (textsafety.normalise).
    answers = {pk: normalise_input(v) if isinstance(v, str) else v for pk, v in answers.items()}
    return _write(user, consultation, answers, taken_back)


def _write(user, consultation: Consultation, answers: dict, taken_back: Iterable[int]) -> SavedAnswers:
    """`save_answers` once the person may contribute and its texts are normalised: read, check the
    required questions, write."""
    questions = {q.pk: q for q in consultation.questions.prefetch_related("choices")}
    taken_back = {int(pk) for pk in taken_back}
    given = _read(questions, answers, taken_back)
    missing = _required_missing(user, questions, given=set(given), taken_back=taken_back)
    if missing:
        raise AnswersMissing(missing)
    for question_id, value in given.items():
        if isinstance(value, str):
            Answer.objects.update_or_create(question_id=question_id, user=user, defaults={"text": value})
        else:
            answer, _created = Answer.objects.update_or_create(
                question_id=question_id, user=user, defaults={"text": ""}
            )
            answer.choices.set(value)
    removed = 0
    if taken_back - set(given):
        _total, by_model = Answer.objects.filter(user=user, question_id__in=taken_back - set(given)).delete()
        removed = by_model.get(Answer._meta.label, 0)
        if removed:  # a reopened consultation's archives built while it was closed published them
            withdraw_answers_from_archives(consultation)
    return SavedAnswers(saved=len(given), removed=removed)


@transaction.atomic
def withdraw_answers(*, user, consultation: Consultation, shown: Iterable[int]) -> SavedAnswers:
    """Take back every answer the person saved to the questionnaire: they are no longer one of its
    respondents (``required_answers``: a save that leaves no answer at all is allowed, required questions
    or not). Their proposals, votes and charter acceptance are not touched, nor audited: answers are
    not (services/__init__.py), and the withdrawal leaves no row about them behind.

    `shown`: the questions the page showed answered. An answer saved since (another tab) would be erased
    unseen, so the withdrawal is then refused whole (`Conflict`), as a take-back of a single answer is
    limited to what the page showed (forms.QuestionnaireForm). Only while the consultation accepts
    contributions (`NotAllowed` after it closes); the charter need not be accepted (again) to withdraw."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Please sign in to take part."))
    if not rules.can_contribute(user, consultation):
        raise NotAllowed(_("This consultation is not open: your answers can no longer be taken back."))
    stored = set(
        Answer.objects.select_for_update()
        .filter(user=user, question__consultation=consultation)
        .values_list("question_id", flat=True)
    )
    if not stored:
        raise ConsultationError(_("You have no saved answers to this questionnaire: nothing was taken back."))
    if stored != set(shown):
        raise Conflict(
            _(
                "Your answers changed since this page was shown (in another tab?): nothing was taken back. "
                "Check them below, then take them back again if you wish."
            )
        )
    return _write(user, consultation, {}, stored)


def _read(questions: dict[int, Question], answers: dict, taken_back: set[int]) -> dict[int, str | set[int]]:
    """The answers given (their texts normalised), checked (refused with a ConsultationError), blanks
    left out: text for an open question, choice ids for the others."""
    if not taken_back <= set(questions) or not {int(pk) for pk in answers} <= set(questions):
        raise ConsultationError(_("This question does not belong to the consultation."))
    given: dict[int, str | set[int]] = {}
    for question_id, value in answers.items():
        question = questions[int(question_id)]
        if question.kind == Question.Kind.OPEN:
            text = str(value or "").strip()  # normalised by the caller
            if not text:
                continue
            if len(text) > MAX_ANSWER_LENGTH:
                raise ConsultationError(_("An answer cannot be longer than 5,000 characters."))
            given[question.pk] = text
            continue
        ids = {int(v) for v in (value or [])}
        if not ids:
            continue
        valid = {c.pk for c in question.choices.all()}
        if not ids <= valid:
            raise ConsultationError(_("This choice does not belong to the question."))
        if question.kind != Question.Kind.MULTIPLE and len(ids) > 1:
            raise ConsultationError(_("Only one choice is allowed for this question."))
        alone = [c for c in question.choices.all() if c.exclusive and c.pk in ids]
        if alone and len(ids) > 1:  # "None" with another choice: the person must say which they mean
            raise ConsultationError(
                _("“%(choice)s” cannot be ticked with another choice: tick it alone, or untick it.")
                % {"choice": alone[0].label}
            )
        given[question.pk] = ids
    return given


def _required_missing(user, questions: dict[int, Question], *, given: set[int], taken_back: set[int]) -> dict:
    stored = set(
        Answer.objects.filter(user=user, question_id__in=questions).values_list("question_id", flat=True)
    )
    return missing_answers(questions.values(), given=given, taken_back=taken_back, stored=stored)


def required_left_blank(
    *,
    user,
    consultation: Consultation,
    answers: dict,
    taken_back: Iterable[int] = (),
    refused: Iterable[int] = (),
) -> dict[int, str]:
    """What `save_answers` would also refuse about the required questions, for a questionnaire the form
    refused for other reasons, so that the person sees every error at once; saves nothing. `refused`: the
    questions whose value the form refused (they have their own error). A preview only: the save decides."""
    questions = {q.pk: q for q in consultation.questions.prefetch_related("choices")}
    refused = {int(pk) for pk in refused}
    taken_back = {int(pk) for pk in taken_back}
    answers = {pk: normalise_input(v) if isinstance(v, str) else v for pk, v in answers.items()}
    try:
        given = _read(questions, {pk: v for pk, v in answers.items() if int(pk) not in refused}, taken_back)
    except ConsultationError:
        return {}
    return _required_missing(user, questions, given=set(given) | refused, taken_back=taken_back)
