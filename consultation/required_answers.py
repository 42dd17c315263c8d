"""The one rule of the questions that require an answer (``Question.required``), and what the organisers'
editor says before they change it.

A required question must hold an answer once the person's answers are saved: given now, or saved earlier
and not taken back. So a save that leaves it unanswered is refused whole (nothing written), and a saved
answer to it can be changed but never taken back to empty. The rule is checked only when a person saves:
participants who answered before a question became required keep their answers as they are (nothing is
invalidated after the fact); they are asked for it the next time they save their answers.

A save that takes back every answer the person had, leaving none, is allowed, required questions or not
(a save of nothing by someone who never answered is still asked for the required ones): someone who
withdraws from the questionnaire (``services.withdraw_answers``, "Take back all my answers") is no longer
one of its respondents, and a required question binds only those who are. A save that leaves some answers
must still answer every required question.

``services.save_answers`` applies it for every caller (the questionnaire page, the demo, any script);
the page shows each refusal under its question (``QuestionnaireForm.show_refusal``)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Answer, Question
from .services.base import ConsultationError


class AnswersMissing(ConsultationError):
    """A save that would leave required questions unanswered: `by_question` maps each question's id to
    the message shown under it; the error itself reads as one sentence for any other caller."""

    def __init__(self, by_question: dict[int, str]):
        self.by_question = by_question
        n = len(by_question)
        super().__init__(
            ngettext(
                "%(n)s required question has no answer: nothing was saved.",
                "%(n)s required questions have no answer: nothing was saved.",
                n,
            )
            % {"n": n}
        )


def missing_answers(
    questions: Iterable[Question], *, given: set[int], taken_back: set[int], stored: set[int]
) -> dict[int, str]:
    """The required questions left without an answer, with what to say under each: `given` the questions
    answered by this save, `taken_back` those whose saved answer the person empties, `stored` those
    already answered before it."""
    if stored and not given and stored <= taken_back:  # every answer taken back: no longer a respondent
        return {}
    missing = {}
    for question in questions:
        if not question.required or question.pk in given:
            continue
        if question.pk in taken_back and question.pk in stored:
            missing[question.pk] = _(
                "This question requires an answer: you can change yours, but not take it back."
            )
        elif question.pk not in stored:
            missing[question.pk] = _("Answer this question: an answer is required.")
    return missing


def participants_without_answer(question: Question) -> int:
    """For the editor: how many people who already answered some of the consultation's questions have
    not answered this one (they would be asked for it the next time they save, if it becomes required).
    Active accounts only: an erased one keeps its answers under its pseudonym but never saves again."""
    answered_some = Answer.objects.filter(
        question__consultation_id=question.consultation_id, user__is_active=True
    )
    answered_this = Answer.objects.filter(question=question).values("user_id")
    return answered_some.exclude(user_id__in=answered_this).values("user_id").distinct().count()
