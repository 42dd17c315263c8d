"""What the citizen panels add to a consultation's page, through `consultation.hooks` (the consultation
layer never imports this app)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules, selectors
from .models import Panel


def consultation_links(consultation, user) -> list[dict]:
    """The panels linked to `consultation` that `user` may open: every panel past its draft, and drafts
    for whoever runs them."""
    links = []
    for panel in Panel.objects.filter(consultation_id=consultation.pk).order_by("created_at", "id"):
        if panel.status == Panel.Status.DRAFT and not rules.can_run_panel(user, panel):
            continue
        links.append(
            {
                "label": _("Citizen panel: %(title)s") % {"title": panel.title},
                "url": reverse("deliberation:panel_detail", args=[panel.pk]),
            }
        )
    return links


def account_section(user) -> dict:
    """*My account* (through `accounts.hooks`): the panels `user` volunteered for, where they stand in each,
    and the way out of the pool (or, for a seated member, how to leave the panel)."""
    items = []
    for volunteering in selectors.volunteerings(user):
        panel = volunteering.panel
        item = {
            "label": panel.title,
            "url": reverse("deliberation:panel_detail", args=[panel.pk]),
            "state": volunteering.label,
        }
        if volunteering.can_withdraw:
            item["action_label"] = _("Withdraw from the pool")
        elif volunteering.state == volunteering.SEATED:
            item["action_label"] = _("How to leave the panel")
        if "action_label" in item:
            item["action_url"] = reverse("deliberation:withdraw", args=[panel.pk])
        items.append(item)
    return {"title": _("My citizen panels"), "items": items}
