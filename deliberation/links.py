"""What the citizen panels add to a consultation's page, through `consultation.hooks` (the consultation
layer never imports this app)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules
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
