"""Decision-makers' answers to adopted recommendations and the milestones they promise."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.roles import Role
from consultation.adoption import answer_date_problems
from consultation.answers import move_milestone
from textsafety.normalise import normalises_text

from .. import rules
from ..models import DecisionMakerResponse, Milestone, Recommendation
from ._common import DeliberationError, _require, _tell_panel


def response_date_problems(
    *, recommendation: Recommendation, answered_on: date | None, implementation_deadline: date | None,
    implemented_on: date | None, today: date | None = None,
) -> list[tuple[str, str]]:  # fmt: skip
    """What is wrong with the dates of a decision-maker's answer, as (field, message): an answer is dated
    today or earlier and not before the panel adopted the recommendation; the deadline and the
    implementation come after the answer; an implementation is not in the future. Used by the form (each
    message under its field) and by `record_response` (any other caller). The rule is the one every answer
    follows (`consultation.adoption.answer_date_problems`), the panel's adoption as its earliest date."""
    decided = recommendation.decided_at
    return answer_date_problems(
        answered_on=answered_on,
        implementation_deadline=implementation_deadline,
        implemented_on=implemented_on,
        not_before=timezone.localdate(decided) if decided else None,
        not_before_message=_("The answer cannot be dated before the panel adopted the recommendation."),
        today=today,
    )


@normalises_text
@transaction.atomic
def record_response(
    *, actor, recommendation: Recommendation, decision_maker: str, body: str, status: str,
    justification: str, answered_on: date, implementation_deadline: date | None = None,
    implemented_on: date | None = None, milestones: list[tuple[str, date | None]] = (),
) -> DecisionMakerResponse:  # fmt: skip
    if not rules.can_organise(actor):
        raise PermissionDenied
    if recommendation.status != Recommendation.Status.ADOPTED:
        raise DeliberationError(
            _(
                "Only a recommendation adopted by the panel is handed to a decision-maker; "
                "this one is “%(status)s”."
            )
            % {"status": recommendation.get_status_display()}
        )
    problems = response_date_problems(
        recommendation=recommendation, answered_on=answered_on,
        implementation_deadline=implementation_deadline, implemented_on=implemented_on,
    )  # fmt: skip
    if problems:
        raise DeliberationError([message for _field, message in problems])
    if status not in DecisionMakerResponse.Status.values:
        raise DeliberationError(_("Unknown answer status."))
    response = DecisionMakerResponse.objects.create(
        recommendation=recommendation, decision_maker=decision_maker, body=body, status=status,
        justification=justification, answered_on=answered_on, implementation_deadline=implementation_deadline,
        implemented_on=implemented_on, recorded_by=actor,
    )  # fmt: skip
    Milestone.objects.bulk_create(Milestone(response=response, title=t, due_on=d) for t, d in milestones)
    record_event(actor=actor, as_role=Role.ORGANISER, action="recommendation.answer_recorded", obj=response,
                 details={"recommendation": recommendation.pk, "status": status})  # fmt: skip
    _tell_panel("answer", response.pk)
    return response


@transaction.atomic
def complete_milestone(*, actor, milestone: Milestone, done_on: date) -> Milestone:
    """A step the decision-maker promised is done: shown publicly with its date."""
    _require(rules.can_organise(actor))
    if done_on > timezone.localdate():
        raise DeliberationError(_("A milestone cannot be done on a future date."))
    if done_on < milestone.response.answered_on:
        raise DeliberationError(_("A milestone cannot be done before the answer that promised it."))
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    record_event(actor=actor, as_role=Role.ORGANISER, action="recommendation.milestone_done",
                 obj=milestone.response,
                 details={"milestone": milestone.pk, "done_on": done_on.isoformat()})  # fmt: skip
    return milestone


@normalises_text
@transaction.atomic
def change_milestone(*, actor, milestone: Milestone, title: str, due_on: date | None, note: str) -> Milestone:
    """Correct a milestone's title or move its due date, with a public reason. The date first promised
    is kept and shown next to the new one, so a promise never moves silently."""
    _require(rules.can_organise(actor))
    milestone = (
        Milestone.objects.select_related("response").select_for_update(of=("self",)).get(pk=milestone.pk)
    )
    if milestone.done_on is not None:
        raise DeliberationError(_("A milestone marked as done cannot be changed."))
    before, after = move_milestone(
        milestone, answered_on=milestone.response.answered_on, title=title, due_on=due_on, note=note,
        error=DeliberationError,
    )  # fmt: skip
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="recommendation.milestone_changed",
        obj=milestone.response,
        details={"milestone": milestone.pk, "before": before, "after": after, "note": note},
    )  # fmt: skip
    return milestone
