"""Notices to panel members about what decision-makers did with their recommendations
(accounts.notices: language, links, opt-out)."""

from django.core.mail import get_connection
from django.urls import reverse

from accounts.notices import notice, site_url, wants_notices

from .models import DecisionMakerResponse, PanelMember


def send_answer_notices(response_id: int) -> int:
    """Tell every member of the panel (seated or since replaced: they all deliberated) that a
    decision-maker answered one of its recommendations. Returns how many e-mails were sent."""
    response = (
        DecisionMakerResponse.objects.select_related("recommendation__panel").filter(pk=response_id).first()
    )
    if response is None:
        return 0
    recommendation = response.recommendation
    context = {
        "response": response,
        "recommendation": recommendation,
        "panel": recommendation.panel,
        "follow_url": site_url(reverse("deliberation:recommendation", args=[recommendation.pk])),
    }
    messages = []
    members = PanelMember.objects.filter(panel=recommendation.panel).select_related("volunteer__user")
    for member in members.order_by("id"):  # one membership per person and panel (one volunteering each)
        user = member.volunteer.user
        if wants_notices(user):
            messages.append(notice(user, "deliberation/email/answer", context, member.volunteer.language))
    if messages:
        get_connection().send_messages(messages)  # one connection to the mail server for the panel
    return len(messages)
