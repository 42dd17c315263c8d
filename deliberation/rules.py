"""Permissions of the citizen panels, as predicates (role x panel/recommendation status x object).

Membership predicates take the person's active seat on the panel (or None) so views and services ask
the same question the same way."""

from accounts.roles import Role, has_role

from .models import Attendance, Panel, PanelMember, Recommendation


def can_organise(user) -> bool:
    """Create panels, edit quotas, import volunteers, run the selection, record decision-makers' answers."""
    return has_role(user, Role.ORGANISER)


def can_facilitate(user) -> bool:
    """Schedule sessions, run the console, check members in, draft, decide amendments, open votes."""
    return has_role(user, Role.FACILITATOR, Role.ORGANISER)


def active_seat(user, panel: Panel) -> PanelMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        PanelMember.objects.filter(panel=panel, volunteer__user=user, status=PanelMember.Status.ACTIVE)
        .select_related("volunteer")
        .first()
    )


def can_volunteer(user, panel: Panel) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and has_role(user, Role.CITIZEN)
        and panel.status == Panel.Status.RECRUITING
    )


def can_edit_selection_inputs(user, panel: Panel) -> bool:
    """Quotas and the pool can change only before the panel is drawn."""
    return can_organise(user) and panel.status in (Panel.Status.DRAFT, Panel.Status.RECRUITING)


def can_run_selection(user, panel: Panel) -> bool:
    return can_organise(user) and panel.status in (Panel.Status.DRAFT, Panel.Status.RECRUITING)


def can_propose_amendment(user, recommendation: Recommendation) -> bool:
    return (
        recommendation.status == Recommendation.Status.DRAFT
        and active_seat(user, recommendation.panel) is not None
    )


def can_decide_amendment(user, recommendation: Recommendation) -> bool:
    return can_facilitate(user) and recommendation.status == Recommendation.Status.DRAFT


def can_vote(user, recommendation: Recommendation) -> bool:
    """Only an active member checked in at the session where the vote takes place, while it is open."""
    if recommendation.status != Recommendation.Status.VOTING or recommendation.vote_session_id is None:
        return False
    seat = active_seat(user, recommendation.panel)
    return (
        seat is not None
        and Attendance.objects.filter(session_id=recommendation.vote_session_id, member=seat).exists()
    )


def can_record_response(user, recommendation: Recommendation) -> bool:
    return can_organise(user) and recommendation.status == Recommendation.Status.ADOPTED
