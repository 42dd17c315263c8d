"""Moderators' queue and decisions."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require_rule
from accounts.refusals import form_status, post_form, show_form_errors

from .. import rules, selectors, services
from ..forms import ModerationForm
from ..models import Proposal
from ..similarity import most_similar


def _render_queue(request, sent: ModerationForm | None = None, sent_pk: int | None = None):
    """The queue, one form per proposal (prefixed so that field ids stay unique on the page); a decision
    refused is shown again in its own card, what was chosen and typed kept, its errors under its fields."""
    queue = list(selectors.moderation_queue().prefetch_related("reports"))
    for proposal in queue:
        proposal.form = sent if proposal.pk == sent_pk else ModerationForm(prefix=f"p{proposal.pk}")
        proposal.open_reports_list = [r for r in proposal.reports.all() if not r.resolved_at]
        proposal.near_copies = _near_copies(proposal) if proposal.open_reports_list else []
    return render(
        request,
        "consultation/moderation.html",
        {"queue": queue},
        status=form_status(sent) if sent is not None else 200,
    )


def _near_copies(proposal: Proposal) -> list[Proposal]:
    """The three published proposals of the same consultation closest to a reported one, to check a report
    saying that it repeats another: the similar-proposal preview's comparison and threshold, on its
    bounded candidates (at most 50 found by the database, not every proposal)."""
    candidates = [
        p
        for p in selectors.preview_candidates(proposal.consultation, proposal.text, 50)
        if p.pk != proposal.pk
    ]
    return [candidates[i] for i in most_similar(proposal.text, [p.text for p in candidates], limit=3)]


@require_rule(rules.can_moderate, login=True)
def moderation(request):
    return _render_queue(request)


@require_POST
@require_rule(rules.can_moderate, login=True)
def moderate(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    form = ModerationForm(request.POST, prefix=f"p{pk}")

    def decide(data):
        return services.moderate(
            actor=request.user, proposal=proposal, decision=data["decision"], reason=data["reason"]
        )

    if post_form(request, form, decide, _("Decision recorded.")):
        return redirect("consultation:moderation")
    if not selectors.moderation_queue().filter(pk=pk).exists():
        # No longer waiting (decided meanwhile), or never shown in the queue (a draft consultation's): its
        # card is not on the page, so the refusal is said as a message there.
        show_form_errors(request, form)
        return redirect("consultation:moderation")
    return _render_queue(request, form, pk)
