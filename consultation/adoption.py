"""The one definition of a decision-maker's answer and of the adoption rate, for every source that gets
answers: the panels' recommendations (`deliberation`), the consultations' proposals (`consultation`) and
the published themes (`analysis`). It lives in the lowest layer that needs it so the three read the same
statuses and the same rule; it imports no model (``consultation.models`` builds its abstract answer on it).

- Statuses: pending, under study, adopted, partly adopted, rejected (`AnswerStatus`).
- Answered (the rate's denominator): adopted, partly adopted or rejected, a decision. Pending and under
  study are still waiting for their answer.
- Adopted (the rate's numerator): adopted or partly adopted.
- The answer in force is the latest one recorded; the answer delay runs from the day the item was handed
  to the decision-maker to the first answer that counts as answered.
- Late: no answer that counts as answered after the day it was due; a missed deadline: answered (or under
  study) but the promised implementation deadline passed and the measure is not implemented.
- The overall rate pools the sources: every item taken up, over every item answered (not a mean of rates).

Higher layers register their source (`register_adoption_source`) in their ``AppConfig.ready``: the
consultation's follow-up page and ``manage.py adoption_report`` read every source through
`adoption_by_source`, without importing the layers above."""

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnswerStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ADOPTED = "adopted", _("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    UNDER_STUDY = "under_study", _("Under study")
    REJECTED = "rejected", _("Rejected")


#: A decision: the item counts as answered (the adoption rate's denominator). "Pending" (nothing yet) and
#: "under study" (acknowledged, no decision) do not: an item left under study is still waiting.
ANSWERED_STATUSES = (AnswerStatus.ADOPTED, AnswerStatus.PARTLY_ADOPTED, AnswerStatus.REJECTED)
#: Taken up by the decision-maker: the adoption rate's numerator.
TAKEN_UP_STATUSES = (AnswerStatus.ADOPTED, AnswerStatus.PARTLY_ADOPTED)
#: Statuses under which a promised implementation deadline is watched.
IMPLEMENTING_STATUSES = (*TAKEN_UP_STATUSES, AnswerStatus.UNDER_STUDY)


def counts_as_answered(status: str) -> bool:
    return status in ANSWERED_STATUSES


def counts_as_taken_up(status: str) -> bool:
    return status in TAKEN_UP_STATUSES


@dataclass(frozen=True)
class AnswerState:
    """Where one item stands with the decision-makers, from its answers (oldest first)."""

    latest: Any  # the answer in force, or None
    first_answer: Any  # the first answer that counts as answered (a decision), or None
    status: str  # an AnswerStatus value; "pending" when nobody has answered yet
    answer_delay_days: int | None
    overdue_reason: str  # "no_answer", "deadline" or ""

    @property
    def overdue(self) -> bool:
        return bool(self.overdue_reason)

    @property
    def late(self) -> bool:
        return self.overdue_reason == "no_answer"


def answer_state(answers, *, handed_on: date | None, due_on: date | None, today: date) -> AnswerState:
    """`answers`: the item's answers, oldest first (objects with ``status``, ``answered_on``,
    ``implementation_deadline``, ``implemented_on``). `handed_on`: when the item was handed to the
    decision-maker (the answer delay runs from it); `due_on`: the last day an answer is on time (None:
    never late)."""
    answers = list(answers)
    latest = answers[-1] if answers else None
    first_answer = next((a for a in answers if counts_as_answered(a.status)), None)
    status = latest.status if latest else AnswerStatus.PENDING
    delay = (first_answer.answered_on - handed_on).days if first_answer and handed_on else None
    reason = ""
    if not counts_as_answered(status) and due_on is not None and today > due_on:
        reason = "no_answer"
    elif (
        latest
        and status in IMPLEMENTING_STATUSES
        and latest.implementation_deadline
        and latest.implementation_deadline < today
        and not latest.implemented_on
    ):
        reason = "deadline"
    return AnswerState(latest, first_answer, str(status), delay, reason)


@dataclass(frozen=True)
class Figures:
    """The adoption figures of a set of items (one source, or all of them)."""

    items: int  # handed to a decision-maker (must be answered, or answered anyway)
    answered: int
    adopted: int
    partly_adopted: int
    under_study: int
    rejected: int
    pending: int
    unanswered: int  # pending or under study
    adoption_rate: float | None  # (adopted + partly adopted) / answered
    unanswered_share: float | None  # unanswered / items
    median_answer_delay_days: float | None
    late_answers: int  # no answer after the day it was due
    missed_deadlines: int

    @property
    def taken_up(self) -> int:
        return self.adopted + self.partly_adopted

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def figures_of(states: list[AnswerState]) -> Figures:
    statuses = [s.status for s in states]
    count = statuses.count
    total = len(states)
    answered = sum(counts_as_answered(s) for s in statuses)
    taken_up = sum(counts_as_taken_up(s) for s in statuses)
    delays = [s.answer_delay_days for s in states if s.answer_delay_days is not None]
    return Figures(
        items=total,
        answered=answered,
        adopted=count(AnswerStatus.ADOPTED),
        partly_adopted=count(AnswerStatus.PARTLY_ADOPTED),
        under_study=count(AnswerStatus.UNDER_STUDY),
        rejected=count(AnswerStatus.REJECTED),
        pending=count(AnswerStatus.PENDING),
        unanswered=total - answered,
        adoption_rate=taken_up / answered if answered else None,
        unanswered_share=(total - answered) / total if total else None,
        median_answer_delay_days=statistics.median(delays) if delays else None,
        late_answers=sum(s.late for s in states),
        missed_deadlines=sum(s.overdue_reason == "deadline" for s in states),
    )


# --------------------------------------------------------------------------------------------------
# Sources of answers (a hook: higher layers register theirs)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerItem:
    """One item handed to a decision-maker, as the follow-up page lists it."""

    label: str  # public text (through the scrubbed exit for a citizen's proposal)
    url: str
    state: AnswerState
    required: bool = True  # the consultation's rule says it must be answered
    detail: str = ""  # e.g. "30 agree out of 40 votes" or "18 % of the contributions"
    answer_url: str = ""  # the organisers' form that records an answer to it


@dataclass(frozen=True)
class Source:
    key: str  # "recommendations", "proposals", "themes": the JSON keys of adoption_report
    label: Any  # translated lazily
    definition: Any  # which items the source counts, in one sentence
    items: Callable[..., list[AnswerItem]]  # fn(consultation | None, today) -> items
    order: int = 0
    # fn(consultation, policy) -> how many items `policy` (saved or not) requires: the rule form's preview
    required_count: Callable[..., int] | None = None


_sources: dict[str, Source] = {}


def register_adoption_source(source: Source) -> None:
    _sources[source.key] = source


def adoption_sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))


@dataclass
class SourceReport:
    source: Source
    items: list[AnswerItem]
    figures: Figures = field(init=False)

    def __post_init__(self):
        self.figures = figures_of([item.state for item in self.items])


def adoption_by_source(consultation=None, today: date | None = None) -> tuple[list[SourceReport], Figures]:
    """Each registered source's items and figures for `consultation` (every consultation when None), and
    the overall figures pooling every item of every source."""
    from django.utils import timezone

    today = today or timezone.localdate()
    reports = [SourceReport(source, list(source.items(consultation, today))) for source in adoption_sources()]
    overall = figures_of([item.state for report in reports for item in report.items])
    return reports, overall


def answer_status_definitions() -> list[dict]:
    """What each status means and how the adoption rate counts it, in the reader's language, from the rule
    above (shown next to every adoption rate)."""
    meanings = {
        AnswerStatus.ADOPTED: _(
            "The decision-maker takes it up as it stands, with a justification and, when given, an "
            "implementation deadline."
        ),
        AnswerStatus.PARTLY_ADOPTED: _(
            "The decision-maker takes up part of it and says which part, and why not the rest."
        ),
        AnswerStatus.REJECTED: _("The decision-maker declines it, with a public justification."),
        AnswerStatus.UNDER_STUDY: _(
            "The decision-maker is studying it and has not decided yet. It still waits for its answer: it "
            "is not counted in the adoption rate, and after the deadline it counts as a late answer."
        ),
        AnswerStatus.PENDING: _("The decision-maker has not answered yet, or has only acknowledged receipt."),
    }
    return [
        {
            "status": status.value,
            "label": str(status.label),
            "definition": str(meanings[status]),
            "answered": counts_as_answered(status),
            "taken_up": counts_as_taken_up(status),
        }
        for status in meanings
    ]


def answer_date_problems(
    *, answered_on: date | None, implementation_deadline: date | None, implemented_on: date | None,
    not_before: date | None = None, not_before_message=None, today: date | None = None,
) -> list[tuple[str, str]]:  # fmt: skip
    """What is wrong with the dates of an answer, as (field, message): an answer is dated today or earlier
    (and not before `not_before`, when the item was handed over); the deadline and the implementation come
    after the answer; an implementation is not in the future."""
    from django.utils import timezone

    today = today or timezone.localdate()
    problems = []
    if answered_on is not None:
        if answered_on > today:
            problems.append(
                ("answered_on", _("The answer cannot be dated in the future: it is recorded once given."))
            )
        elif not_before is not None and answered_on < not_before:
            problems.append(("answered_on", str(not_before_message or _("The answer is dated too early."))))
    if (
        implementation_deadline is not None
        and answered_on is not None
        and implementation_deadline < answered_on
    ):
        problems.append(
            ("implementation_deadline", _("The implementation deadline cannot come before the answer."))
        )
    if implemented_on is not None:
        if answered_on is not None and implemented_on < answered_on:
            problems.append(("implemented_on", _("The measure cannot be implemented before the answer.")))
        elif implemented_on > today:
            problems.append(
                ("implemented_on", _("The implementation date cannot be in the future: record it once done."))
            )
    return [(f, str(m)) for f, m in problems]
