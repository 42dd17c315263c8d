"""The page where those who run a panel link its recommendations to the themes of the consultation's
published synthesis (and confirm or dismiss what Pacte suggests), and the recommendation page's section
showing those links (registered on ``deliberation.hooks``)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import require_rule
from accounts.refusals import show_refusal
from deliberation.models import Recommendation

from . import services
from .report import theme_label, theme_language, title_language
from .rules import can_link_themes
from .trace import themes_of_recommendation


def _recommendation(pk, **_kwargs) -> Recommendation:
    return get_object_or_404(Recommendation.objects.select_related("panel"), pk=pk)


@require_rule(can_link_themes, object_from=_recommendation, login=True, hide=True)
def recommendation_themes(request, recommendation, pk):
    """GET: the published themes with their state (linked, suggested with its score, not linked). POST
    ``action`` = suggest | link | unlink (with ``theme``), then back here (no JavaScript needed). Only
    for whoever runs the panel: anyone else gets a 404, before anything but the recommendation's panel is
    read, whatever the recommendation's status (a draft stays unknown)."""
    if request.method == "POST":
        action, theme = request.POST.get("action"), request.POST.get("theme")
        try:
            if action == "suggest":
                links = services.suggest_theme_links(actor=request.user, recommendation=recommendation)
                if links:
                    messages.success(
                        request, _("Pacte suggests the themes marked below: confirm or dismiss each.")
                    )
                else:
                    messages.info(
                        request, _("No theme is close enough to this recommendation's text to suggest.")
                    )
            elif action == "link":
                services.link_theme(actor=request.user, recommendation=recommendation, theme_id=theme)
                messages.success(request, _("The theme is linked to the recommendation."))
            elif action == "unlink":
                services.unlink_theme(actor=request.user, recommendation=recommendation, theme_id=theme)
                messages.success(request, _("The link is removed."))
            else:
                messages.error(request, _("Unknown action."))
        except services.ThemeLinkError as exc:
            show_refusal(request, exc)
        return redirect("analysis:recommendation_themes", pk=recommendation.pk)
    links = {link.theme_id: link for link in recommendation.theme_links.all()}
    themes = services.linkable_themes(recommendation)
    for theme in themes:
        theme["display_label"] = theme_label(theme)
        theme["language"], theme["label_language"] = theme_language(theme), title_language(theme)
        theme["link"] = links.get(theme["theme_id"])
    themes.sort(
        key=lambda t: (
            t["link"] is None,
            not (t["link"] and t["link"].is_confirmed),
            -((t["link"] and t["link"].score) or 0),
            t["other"],
            -t.get("contributions", 0),
        )
    )
    consultation = recommendation.panel.consultation
    return render(
        request,
        "analysis/recommendation_themes.html",
        {
            "recommendation": recommendation,
            "panel": recommendation.panel,
            "consultation": consultation,
            "themes": themes,
            "report_url": reverse("analysis:report", args=[consultation.slug]) if consultation else "",
        },
    )


def recommendation_section(recommendation, user) -> dict | None:
    """``deliberation.hooks`` section: the published themes linked to the recommendation (confirmed
    links only), and the way to the linking page for those who run the panel."""
    can_link = can_link_themes(user, recommendation)
    if recommendation.panel.consultation_id is None and not can_link:
        return None
    return {
        "title": _("Themes of the consultation linked to this recommendation"),
        "items": themes_of_recommendation(recommendation),
        "empty": _(
            "No theme of the consultation's published synthesis is linked to this recommendation yet."
        ),
        "action": (
            {
                "label": _("Link themes"),
                "url": reverse("analysis:recommendation_themes", args=[recommendation.pk]),
            }
            if can_link
            else None
        ),
    }
