"""Notices to panel members: drawn by lot, and what decision-makers did with their recommendations
(accounts.notices: language, links, opt-out)."""

from django.urls import reverse

from accounts.notices import notice, site_url, wants_notices

from .models import DecisionMakerResponse, PanelMember


def answer_recipients(response_id: int) -> list[int]:
    """The panel members to tell about this answer: every member (seated or since replaced: they all
    deliberated) whose account takes notices. One membership per person and panel."""
    response = DecisionMakerResponse.objects.select_related("recommendation").filter(pk=response_id).first()
    if response is None:
        return []
    members = PanelMember.objects.filter(panel_id=response.recommendation.panel_id).select_related(
        "volunteer__user"
    )
    return [member.pk for member in members.order_by("id") if wants_notices(member.volunteer.user)]


def send_answer_notice(response_id: int, member_id: int) -> bool:
    """E-mail one member that a decision-maker answered one of the panel's recommendations."""
    response = (
        DecisionMakerResponse.objects.select_related("recommendation__panel").filter(pk=response_id).first()
    )
    member = PanelMember.objects.select_related("volunteer__user").filter(pk=member_id).first()
    if response is None or member is None or not wants_notices(member.volunteer.user):
        return False
    recommendation = response.recommendation
    context = {
        "response": response,
        "recommendation": recommendation,
        "panel": recommendation.panel,
        "follow_url": site_url(reverse("deliberation:recommendation", args=[recommendation.pk])),
    }
    notice(member.volunteer.user, "deliberation/email/answer", context, member.volunteer.language).send()
    return True


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
    notice(member.volunteer.user, "deliberation/email/seat", context, member.volunteer.language).send()
    return True
