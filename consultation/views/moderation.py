"""Moderators' queue and decisions."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require_rule
from accounts.refusals import attempt

from .. import rules, selectors, services
from ..forms import ModerationForm
from ..models import Proposal


@require_rule(rules.can_moderate, login=True)
def moderation(request):
    queue = list(selectors.moderation_queue().prefetch_related("reports"))
    for proposal in queue:  # one form per proposal, prefixed so that field ids stay unique on the page
        proposal.form = ModerationForm(prefix=f"p{proposal.pk}")
    return render(request, "consultation/moderation.html", {"queue": queue})


@require_POST
@require_rule(rules.can_moderate, login=True)
def moderate(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    form = ModerationForm(request.POST, prefix=f"p{pk}")
    if form.is_valid():
        attempt(
            request,
            lambda: services.moderate(
                actor=request.user,
                proposal=proposal,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            ),
            _("Decision recorded."),
        )
    else:
        messages.error(request, _("Please choose a decision."))
    return redirect("consultation:moderation")
