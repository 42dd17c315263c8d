"""What the citizen panels add to a consultation's page, through `consultation.hooks` (the consultation
layer never imports this app)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from consultation.languages import in_its_language

from . import rules, selectors
from .models import Panel


def _quoting_title(sentence: str, panel: Panel):
    """The translated ``sentence`` (escaped) with the panel's title in place of ``%(title)s``, the title in
    its own language (``in_its_language``: a <span lang> when it is known)."""
    before, _found, after = sentence.partition("%(title)s")
    return format_html("{}{}{}", before, in_its_language(panel.title, panel), after)


def consultation_links(consultation, user) -> list[dict]:
    """The panels linked to `consultation` that `user` may open: every panel past its draft, and drafts
    for whoever runs them."""
    links = []
    for panel in Panel.objects.filter(consultation_id=consultation.pk).order_by("created_at", "id"):
        if panel.status == Panel.Status.DRAFT and not rules.can_run_panel(user, panel):
            continue
        links.append(
            {
                "label": _quoting_title(_("Citizen panel: %(title)s"), panel),
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
            "language": panel.language,  # the title's, marked on the page (consultation.languages)
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
