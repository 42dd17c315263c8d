"""The panels' audit event types and how the audit console names their objects
(``accounts.event_types``; registered in ``DeliberationConfig.ready``). ``TEAM``: a step taken by whoever
runs the panel, organiser or facilitator, recorded with the role they acted in (``rules.acting_role``)."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.event_types import EventType, describer_for, register, register_object_type
from accounts.roles import PANEL_TEAM, Role

from . import rules
from .models import Amendment, DecisionMakerResponse, Panel, Recommendation, Selection, Session
from .selectors import RECOMMENDATION_CREATED, SELECTION_STEPS

ORG, CIT, TEAM = Role.ORGANISER, Role.CITIZEN, PANEL_TEAM

EVENT_TYPES = [
    EventType("panel.created", _("Panel created"), ORG),
    EventType("panel.consultation_linked", _("Panel linked to a consultation"), ORG),
    EventType("panel.status", _("Panel status changed"), ORG),
    EventType("panel.facilitator_assigned", _("Facilitator assigned to a panel"), ORG),
    EventType("panel.facilitator_unassigned", _("Facilitator removed from a panel"), ORG),
    EventType("panel.volunteered", _("Volunteered for a panel"), CIT),
    EventType("panel.volunteering_withdrawn", _("Withdrew from a panel's pool"), CIT),
    EventType("panel.pool_purged", _("Volunteer pool purged")),
    EventType("panel.volunteers_imported", _("Volunteers imported"), ORG),
    EventType("panel.quotas_set", _("Quotas of the draw set"), ORG),
    EventType("panel.document_added", _("Document added to a panel"), TEAM),
    EventType("selection.started", SELECTION_STEPS["selection.started"], ORG),
    EventType("selection.lottery_published", SELECTION_STEPS["selection.lottery_published"]),
    EventType("selection.awaiting_public_value", SELECTION_STEPS["selection.awaiting_public_value"]),
    EventType("selection.public_value_entered", SELECTION_STEPS["selection.public_value_entered"], ORG),
    EventType("selection.drawn", SELECTION_STEPS["selection.drawn"]),
    EventType("selection.failed", SELECTION_STEPS["selection.failed"]),
    EventType("selection.abandoned", SELECTION_STEPS["selection.abandoned"], ORG),
    EventType("selection.late_result_refused", SELECTION_STEPS["selection.late_result_refused"]),
    EventType("selection.replaced", SELECTION_STEPS["selection.replaced"], TEAM),
    EventType("session.scheduled", _("Session scheduled"), TEAM),
    EventType("session.agenda_item_added", _("Agenda item added"), TEAM),
    EventType("session.agenda_item_edited", _("Agenda item edited"), TEAM),
    EventType("session.agenda_item_moved", _("Agenda item moved"), TEAM),
    EventType("session.agenda_item_removed", _("Agenda item removed"), TEAM),
    EventType("session.agenda_moved", _("Session moved to another agenda item"), TEAM),
    EventType("session.ended", _("Session ended"), TEAM),
    EventType("session.reopened", _("Session reopened"), TEAM),
    EventType("session.check_in", _("Presence at a session recorded"), TEAM),
    EventType("session.check_in_undone", _("Presence at a session withdrawn"), TEAM),
    EventType("session.minutes_saved", _("Session minutes saved"), TEAM),
    EventType(RECOMMENDATION_CREATED, _("Recommendation drafted"), TEAM),
    EventType("amendment.proposed", _("Amendment proposed"), CIT),
    # `recommendations._decide`: amendment.<Amendment.Status>
    EventType(f"amendment.{Amendment.Status.ACCEPTED}", _("Amendment accepted"), TEAM),
    EventType(f"amendment.{Amendment.Status.REJECTED}", _("Amendment rejected"), TEAM),
    EventType("vote.opened", _("Vote on a recommendation opened"), TEAM),
    EventType("vote.ballot_cast", _("Ballot cast"), CIT),
    EventType("vote.closed", _("Vote on a recommendation closed"), TEAM),
    EventType(
        "recommendation.answer_recorded", _("Decision-maker's answer to a recommendation recorded"), ORG
    ),
    EventType("recommendation.milestone_done", _("Milestone of an answer to a recommendation done"), ORG),
    EventType(
        "recommendation.milestone_changed", _("Milestone of an answer to a recommendation changed"), ORG
    ),
]


def _panel_name(panel: Panel) -> str:
    return gettext("Panel “%(title)s”") % {"title": panel.title}


def _recommendation_name(recommendation: Recommendation) -> str:
    return gettext("Recommendation no. %(n)s “%(title)s”") % {
        "n": recommendation.pk,
        "title": recommendation.title,
    }


def _recommendation_url(recommendation: Recommendation) -> str:
    return reverse("deliberation:recommendation", args=[recommendation.pk])


def register_audit_events() -> None:
    register(*EVENT_TYPES)
    register_object_type(
        "deliberation.panel",
        describer_for(
            "deliberation.panel",
            load=lambda ids: Panel.objects.filter(pk__in=ids),
            may_see=rules.can_view_panel,
            name=_panel_name,
            url=lambda p: reverse("deliberation:panel_detail", args=[p.pk]),
        ),
    )
    register_object_type(
        "deliberation.selection",
        describer_for(
            "deliberation.selection",
            load=lambda ids: Selection.objects.filter(pk__in=ids).select_related("panel"),
            may_see=lambda reader, s: rules.can_view_panel(reader, s.panel),
            name=lambda s: gettext("Draw of the panel “%(title)s”") % {"title": s.panel.title},
            url=lambda s: reverse("deliberation:selection_report", args=[s.panel_id]),
        ),
    )
    register_object_type(
        "deliberation.session",
        describer_for(
            "deliberation.session",
            load=lambda ids: Session.objects.filter(pk__in=ids).select_related("panel"),
            may_see=rules.can_run_session,
            name=lambda s: gettext("Session “%(title)s”") % {"title": s.title},
            url=lambda s: reverse("deliberation:console", args=[s.pk]),
        ),
    )
    register_object_type(
        "deliberation.recommendation",
        describer_for(
            "deliberation.recommendation",
            load=lambda ids: Recommendation.objects.filter(pk__in=ids).select_related("panel"),
            may_see=rules.can_read_recommendation,
            name=_recommendation_name,
            url=_recommendation_url,
        ),
    )
    register_object_type(
        "deliberation.amendment",
        describer_for(
            "deliberation.amendment",
            load=lambda ids: Amendment.objects.filter(pk__in=ids).select_related("recommendation__panel"),
            may_see=lambda reader, a: rules.can_read_recommendation(reader, a.recommendation),
            name=lambda a: (
                gettext("Amendment to recommendation no. %(n)s “%(title)s”")
                % {"n": a.recommendation_id, "title": a.recommendation.title}
            ),
            url=lambda a: _recommendation_url(a.recommendation),
        ),
        kind=_("Amendment"),
    )
    register_object_type(
        "deliberation.decisionmakerresponse",
        describer_for(
            "deliberation.decisionmakerresponse",
            load=lambda ids: DecisionMakerResponse.objects.filter(pk__in=ids).select_related(
                "recommendation__panel"
            ),
            may_see=lambda reader, r: rules.can_read_recommendation(reader, r.recommendation),
            name=lambda r: (
                gettext("Answer to recommendation no. %(n)s “%(title)s”")
                % {"n": r.recommendation_id, "title": r.recommendation.title}
            ),
            url=lambda r: _recommendation_url(r.recommendation),
        ),
    )
