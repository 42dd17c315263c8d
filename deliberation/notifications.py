"""Notices to panel members: drawn by lot, sessions scheduled, and what decision-makers did with their
recommendations; and to the volunteers the lottery did not draw (accounts.notices: language, links,
opt-out)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from accounts.notices import notice, send_once, site_url, wants_notices, wants_notices_q

from .models import DecisionMakerResponse, Panel, PanelMember, Selection, Session, Volunteer
from .presenters import public_recommendation, public_responses


@dataclass(frozen=True)
class PanelNotice:
    panel: Panel
    template: str  # deliberation/email/<name>, with its _subject.txt and _body.txt
    context: dict = field(default_factory=dict)
    members_who_left_too: bool = False  # they deliberated: they hear of what became of the work


def _answer(response_id: int) -> PanelNotice | None:
    response = (
        DecisionMakerResponse.objects.select_related("recommendation__panel").filter(pk=response_id).first()
    )
    if response is None:
        return None
    recommendation = response.recommendation
    context = {  # the answer and the recommendation as published (``presenters``)
        "response": public_responses([response])[0],
        "recommendation": public_recommendation(recommendation),
        "panel": recommendation.panel,
        "follow_url": site_url(reverse("deliberation:recommendation", args=[recommendation.pk])),
    }
    return PanelNotice(recommendation.panel, "deliberation/email/answer", context, members_who_left_too=True)


def _session(session_id: int) -> PanelNotice | None:
    session = Session.objects.select_related("panel").filter(pk=session_id).first()
    if session is None:
        return None
    context = {
        "session": session,
        "panel": session.panel,
        "space_url": site_url(reverse("deliberation:member_space", args=[session.panel_id])),
    }
    return PanelNotice(session.panel, "deliberation/email/session", context)


# What a panel's members can be told, by kind: fn(object id) -> PanelNotice, or None when it is gone.
PANEL_NOTICES = {"answer": _answer, "session": _session}


def _to_tell(panel_notice: PanelNotice, member: PanelMember) -> bool:
    still_seated = member.status == PanelMember.Status.ACTIVE
    return (still_seated or panel_notice.members_who_left_too) and wants_notices(member.volunteer.user)


def panel_recipients(kind: str, object_id: int) -> list[int]:
    """The members to tell (one membership per person and panel)."""
    panel_notice = PANEL_NOTICES[kind](object_id)
    if panel_notice is None:
        return []
    members = PanelMember.objects.filter(panel=panel_notice.panel).select_related("volunteer__user")
    return [member.pk for member in members.order_by("id") if _to_tell(panel_notice, member)]


def send_panel_notice(kind: str, object_id: int, member_id: int) -> bool:
    """E-mail one member the notice `kind` about `object_id`."""
    panel_notice = PANEL_NOTICES[kind](object_id)
    member = PanelMember.objects.select_related("volunteer__user").filter(pk=member_id).first()
    if panel_notice is None or member is None or not _to_tell(panel_notice, member):
        return False
    user, language = member.volunteer.user, member.volunteer.language
    message = notice(user, panel_notice.template, panel_notice.context, language)
    return send_once(f"panel.{kind}:{object_id}:member:{member_id}", message)


def send_seat_notice(member_id: int) -> bool:
    """E-mail a person drawn by lot (or called from the reserve list) that they sit on the panel."""
    member = PanelMember.objects.select_related("volunteer__user", "panel").filter(pk=member_id).first()
    if (
        member is None
        or member.status != PanelMember.Status.ACTIVE
        or not wants_notices(member.volunteer.user)
    ):
        return False
    context = {
        "panel": member.panel,
        "from_reserve": PanelMember.objects.filter(replaced_by=member).exists(),
        "space_url": site_url(reverse("deliberation:member_space", args=[member.panel_id])),
    }
    message = notice(member.volunteer.user, "deliberation/email/seat", context, member.volunteer.language)
    return send_once(f"panel.seat:member:{member_id}", message)


def not_drawn_recipients(selection_id: int) -> list[int]:
    """The volunteers told after this draw that they were not drawn, among those who take notices: ids
    only, in one query (a pool can hold thousands)."""
    volunteers = Volunteer.objects.filter(wants_notices_q("user"), told_not_drawn_in_id=selection_id)
    return list(volunteers.order_by("id").values_list("pk", flat=True))


def send_not_drawn_notice(volunteer_id: int, selection_id: int) -> bool:
    """E-mail a volunteer that the draw took place without them: on the reserve list or not, or left out
    for lack of a profile answer the quotas use; with the public selection report."""
    person = Volunteer.objects.select_related("user", "panel").filter(pk=volunteer_id).first()
    if (
        person is None
        or person.told_not_drawn_in_id != selection_id
        or person.memberships.exists()  # called from the reserve list since: the seat notice tells them
        or not wants_notices(person.user)
    ):
        return False
    # Not the lottery and probabilities, which grow with the pool: this runs once per volunteer.
    selection = Selection.objects.only("drawn", "reserves", "excluded").get(pk=selection_id)
    context = {
        "panel": person.panel,
        "seats": len(selection.drawn),
        "reserve": str(person.pk) in selection.reserves,
        "left_out": any(row.get("volunteer") == person.pk for row in selection.excluded),
        "report_url": site_url(reverse("deliberation:selection_report", args=[person.panel_id])),
        "panel_url": site_url(reverse("deliberation:panel_detail", args=[person.panel_id])),
        "retention_days": settings.PACTE_POOL_RETENTION_DAYS,
    }
    message = notice(person.user, "deliberation/email/not_drawn", context, person.language)
    return send_once(f"panel.not_drawn:{selection_id}:volunteer:{volunteer_id}", message)
