"""Citizens' answers to the questionnaire."""

from django.db import transaction
from django.utils.translation import gettext as _

from textsafety.normalise import normalise_input

from ..models import MAX_ANSWER_LENGTH, Answer, Consultation, Question
from .base import ConsultationError
from .charter import _check_can_contribute


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
        alone = [c for c in question.choices.all() if c.exclusive and c.pk in ids]
        if alone and len(ids) > 1:  # "None" with another choice: the person must say which they mean
            raise ConsultationError(
                _("“%(choice)s” cannot be ticked with another choice: tick it alone, or untick it.")
                % {"choice": alone[0].label}
            )
        answer, _created = Answer.objects.update_or_create(
            question=question, user=user, defaults={"text": ""}
        )
        answer.choices.set(ids)
        saved += 1
    return saved
