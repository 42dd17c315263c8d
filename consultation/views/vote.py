"""The vote, agree / disagree / pass: the busiest path of the platform, kept in its own module."""

import json

from csp.decorators import csp_exempt
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import ServiceError
from accounts.permissions import require_rule
from accounts.refusals import json_refusal
from accounts.rules import anyone

from .. import selectors, services
from ..models import Vote
from ..ratelimit import is_rate_limited
from .common import next_url, wants_json


def _vote_value(request) -> str:
    """The vote's `value`: a form field, or a JSON body {"value": ...} from a script."""
    if request.content_type != "application/json":
        return request.POST.get("value", "")
    try:
        body = json.loads(request.body)
    except ValueError:  # malformed JSON or not UTF-8
        body = None
    if not isinstance(body, dict):
        raise services.ConsultationError(
            _('The body is not a JSON object: send {"value": "agree"}, or the form field value=agree.')
        )
    value = body.get("value", "")
    return value if isinstance(value, str) else ""  # a number or a list is no vote: the usual message


def _valid_value(request) -> int | None:
    """The vote's value when the body holds a valid one, None otherwise (the slow path then says why)."""
    try:
        return services.VOTE_VALUES.get(_vote_value(request))
    except ServiceError:
        return None


@require_POST
@csp_exempt()  # answers JSON or a redirect, never a page: no policy to build on the busiest path
@require_rule(anyone)
def vote(request, slug, pk):
    """Vote agree / disagree / pass. A small POST form without JavaScript, or JSON for scripts
    (Accept: application/json), with JSON error bodies. Its rule (`rules.can_vote`) is decided by the
    service; the refusals before it (not signed in: 401, no such proposal: 404) are answered here, in JSON
    for scripts. A valid vote is one guarded statement (`services.try_cast_vote`); when it writes nothing,
    the checks run one by one to give the exact refusal (docs/decisions/0013-vote-path.md)."""
    as_json = wants_json(request)

    def refuse(message, status):
        if as_json:
            return json_refusal(message, status)
        messages.error(request, message)
        return redirect(next_url(request, reverse("consultation:proposals", args=[slug])))

    if not request.user.is_authenticated:
        if as_json:
            return refuse(_("Please sign in to vote."), 401)
        return redirect(f"{reverse('account_login')}?next={reverse('consultation:proposals', args=[slug])}")
    # Counted before anything is written, for every signed-in attempt (an unknown proposal too).
    limited = is_rate_limited(request, "vote")
    outcome = None
    if not limited:
        # The common case in one guarded statement; any refusal falls through to the checks below,
        # which give the exact answer in their order (404, 429, then the value, then the service's).
        value = _valid_value(request)
        if value is not None:
            outcome = services.try_cast_vote(user=request.user, slug=slug, proposal_id=pk, value=value)
    if outcome is None:
        proposal = selectors.vote_target(slug, pk)
        if proposal is None:
            return refuse(_("This proposal does not exist."), 404)
        if limited:
            return refuse(_("You have voted many times in a short time. Please wait a minute."), 429)
        try:
            outcome = services.cast_vote(user=request.user, proposal=proposal, value=_vote_value(request))
        except ServiceError as exc:
            return refuse(exc.text, exc.status)
    if as_json:
        return JsonResponse(
            {"proposal": pk, "vote": Vote.Value(outcome.value).name.lower(), "changed": outcome.changed}
        )
    messages.success(
        request, _("Your vote “%(vote)s” is recorded.") % {"vote": Vote.Value(outcome.value).label}
    )
    return redirect(next_url(request, reverse("consultation:proposals", args=[slug])) + f"#proposal-{pk}")
