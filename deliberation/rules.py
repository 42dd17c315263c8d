"""Permissions of the citizen panels, as predicates (role x panel/recommendation status x object).

Membership predicates take the person's active seat on the panel (or None) so views and services ask
the same question the same way."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.roles import Role, has_role

from .models import Attendance, Panel, PanelFacilitator, PanelMember, Recommendation, Selection

BEFORE_DRAW = (Panel.Status.DRAFT, Panel.Status.RECRUITING)


def can_organise(user) -> bool:
    """Create panels, edit quotas, import volunteers, run the selection, record decision-makers' answers."""
    return has_role(user, Role.ORGANISER)


def acting_role(user) -> str:
    """The role under which someone who runs a panel acts on it, as its audit events record it (public pages
    name the actor by it): organiser for an organiser, else facilitator."""
    return Role.ORGANISER if can_organise(user) else Role.FACILITATOR


def can_facilitate(user) -> bool:
    """Holds a role that runs panels. Which panels: `can_run_panel`."""
    return has_role(user, Role.FACILITATOR, Role.ORGANISER)


def can_be_assigned(user) -> bool:
    """Organisers assign facilitators to panels (organisers themselves run every panel)."""
    return getattr(user, "is_authenticated", False) and has_role(user, Role.FACILITATOR)


def can_run_panel(user, panel: Panel) -> bool:
    """Run this panel: its sessions, agenda console, attendance, documents, drafting, amendments, votes
    and reserve replacements. Organisers run every panel; a facilitator only the panels an organiser
    assigned them to. A panel with no facilitator assigned is run by organisers only.

    The one place for this rule: services check it before every write, views before every page."""
    if can_organise(user):
        return True
    return (
        can_be_assigned(user) and PanelFacilitator.objects.filter(panel_id=panel.pk, user_id=user.pk).exists()
    )


def active_seat(user, panel: Panel) -> PanelMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        PanelMember.objects.filter(panel=panel, volunteer__user=user, status=PanelMember.Status.ACTIVE)
        .select_related("volunteer")
        .first()
    )


def draw_is_final(panel: Panel) -> bool:
    """The panel has a committed draw (a selection done). It is final: the panel is never drawn again, its
    pool and quotas no longer change, it never goes back to preparation or recruiting; a seat left empty
    is filled from the reserve list (`services.replace_member`)."""
    return panel.pk is not None and panel.selections.filter(status=Selection.Status.DONE).exists()


def draw_running(panel: Panel) -> bool:
    """A selection is waiting for a worker or running: the pool and the quotas it reads must not move."""
    return panel.selections.filter(status__in=[Selection.Status.QUEUED, Selection.Status.RUNNING]).exists()


def selection_stale_since(selection: Selection) -> datetime:
    """When a draw still queued or running may be abandoned: `PACTE_SELECTION_STALE_MINUTES` after it
    was started, well beyond the longest draw measured (its worker or its broker message was lost)."""
    return selection.created_at + timedelta(minutes=settings.PACTE_SELECTION_STALE_MINUTES)


def can_abandon_selection(user, selection: Selection, now: datetime | None = None) -> bool:
    """An organiser may abandon a draw that has been queued or running for longer than the stale time; a
    recent one may still be working and is left alone."""
    return (
        can_organise(user)
        and selection.status in (Selection.Status.QUEUED, Selection.Status.RUNNING)
        and (now or timezone.now()) >= selection_stale_since(selection)
    )


def settable_statuses(panel: Panel) -> list[str]:
    """The statuses an organiser may give the panel: none while a draw runs (its end sets the status);
    after a committed draw never back to before it; before one, not "drawn" or "deliberating" either (a
    panel without members), only closed, for a panel given up."""
    if draw_running(panel):
        return []
    if draw_is_final(panel):
        return [status for status in Panel.Status.values if status not in BEFORE_DRAW]
    return [*BEFORE_DRAW, Panel.Status.CLOSED]


def can_volunteer(user, panel: Panel) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and has_role(user, Role.CITIZEN)
        and panel.status == Panel.Status.RECRUITING
        and not draw_is_final(panel)
    )


def can_edit_selection_inputs(user, panel: Panel) -> bool:
    """Quotas and the pool can change only before the panel is drawn."""
    return can_organise(user) and panel.status in BEFORE_DRAW and not draw_is_final(panel)


def can_run_selection(user, panel: Panel) -> bool:
    return can_organise(user) and panel.status in BEFORE_DRAW and not draw_is_final(panel)


def can_propose_amendment(user, recommendation: Recommendation) -> bool:
    return (
        recommendation.status == Recommendation.Status.DRAFT
        and active_seat(user, recommendation.panel) is not None
    )


def can_decide_amendment(user, recommendation: Recommendation) -> bool:
    return recommendation.status == Recommendation.Status.DRAFT and can_run_panel(user, recommendation.panel)


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


# --------------------------------------------------------------------------------------------------
# Who may reach which page (the views' `require_rule`, accounts/permissions.py). Each takes the object the
# page is about, so the rule is decided before the request's body is read.
# --------------------------------------------------------------------------------------------------


def can_view_panel(user, panel: Panel) -> bool:
    """A panel in preparation is shown only to those who run it: to anyone else it does not exist."""
    return panel.status != Panel.Status.DRAFT or can_run_panel(user, panel)


def can_manage_panel(user, panel: Panel) -> bool:
    """The management page and its forms (pool, quotas, draw, facilitators): organisers, every panel."""
    return can_organise(user)


def can_run_session(user, session) -> bool:
    return can_run_panel(user, session.panel)


def can_decide_amendments_of(user, amendment) -> bool:
    """Whoever runs the panel decides on its amendments (the service checks the recommendation's stage)."""
    return can_run_panel(user, amendment.recommendation.panel)


def can_run_recommendation(user, recommendation: Recommendation) -> bool:
    return can_run_panel(user, recommendation.panel)


def can_replace_member(user, member: PanelMember) -> bool:
    return can_run_panel(user, member.panel)


def can_enter_member_space(user, panel: Panel) -> bool:
    """The members' space and documents: the panel's active members and those who run it."""
    return active_seat(user, panel) is not None or can_run_panel(user, panel)


def can_read_document(user, document) -> bool:
    return can_enter_member_space(user, document.panel)


def is_member_of_panel_of(user, recommendation: Recommendation) -> bool:
    """Amend and vote are the members' (the service then checks the recommendation's stage and attendance)."""
    return active_seat(user, recommendation.panel) is not None


def checkin_window(session) -> tuple[datetime, datetime]:
    """When the session's check-in code works: `PACTE_CHECKIN_OPENS_MINUTES_BEFORE` minutes before it starts
    to `PACTE_CHECKIN_CLOSES_HOURS_AFTER` hours after. Outside it the code is refused whoever types it (a
    code seen once cannot check someone in at any time); the facilitator's console still can."""
    opens = session.starts_at - timedelta(minutes=settings.PACTE_CHECKIN_OPENS_MINUTES_BEFORE)
    return opens, session.starts_at + timedelta(hours=settings.PACTE_CHECKIN_CLOSES_HOURS_AFTER)


def checkin_open(session, now: datetime | None = None) -> bool:
    opens, closes = checkin_window(session)
    return opens <= (now or timezone.now()) <= closes


def can_check_in_at(user, session) -> bool:
    """Only a member of the session's panel types its code (the service checks the time and the attempts)."""
    return active_seat(user, session.panel) is not None


def can_read_recommendation(user, recommendation: Recommendation) -> bool:
    """Decided recommendations are public; drafts and votes in progress are the panel's and its team's."""
    decided = recommendation.status in (Recommendation.Status.ADOPTED, Recommendation.Status.REJECTED)
    panel = recommendation.panel
    if not can_view_panel(user, panel):
        return False
    return decided or active_seat(user, panel) is not None or can_run_panel(user, panel)


def can_organise_response(user, recommendation: Recommendation) -> bool:
    """The decision-makers' answer page: organisers (the service checks the recommendation was adopted)."""
    return can_organise(user)


def can_organise_milestone(user, milestone) -> bool:
    return can_organise(user)


def can_manage_selection(user, selection: Selection) -> bool:
    """Organisers reach the abandon form (`can_abandon_selection` then says whether this draw may be)."""
    return can_organise(user)
