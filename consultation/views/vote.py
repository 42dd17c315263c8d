"""The vote, agree / disagree / pass: the busiest path of the platform, kept in its own module."""

import json
from dataclasses import dataclass

from csp.decorators import csp_exempt
from django.contrib import messages
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import beside, vote_sessions
from accounts.errors import ServiceError
from accounts.network import client_ip
from accounts.permissions import require_rule
from accounts.refusals import json_refusal, wants_json
from accounts.rules import anyone

from .. import selectors, services, vote_limit
from ..models import Vote
from ..ratelimit import is_rate_limited
from .common import next_url


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


#: What the vote's fast path (consultation/fast_vote.py) leaves on a request it did not serve.
FAST_ATTRIBUTE = "_pacte_fast_vote"


@dataclass(frozen=True)
class Counted:
    """The fast path authenticated the session and counted the attempt against the rate limit
    (`limited`: over it), but wrote nothing: the full path must not count it again."""

    user_id: int
    limited: bool


#: The fast path found no valid vote session for the session: the full path authenticates it and
#: writes one (accounts.vote_sessions.remember).
NOT_AUTHENTICATED = object()


def _rate_limited(request) -> bool:
    """Count this attempt against the vote's limits, once: in PostgreSQL, the counter the fast path
    counts in too (consultation/vote_limit.py), unless the fast path already counted it for this person;
    in the cache on another database. Also writes the session's vote session when the fast path found
    none, now that the session has been authenticated here (docs/decisions/0019)."""
    fast = getattr(request, FAST_ATTRIBUTE, None)
    if isinstance(fast, Counted) and fast.user_id == request.user.pk:
        return fast.limited
    if fast is NOT_AUTHENTICATED:
        vote_sessions.remember(request, request.user)
    if connection.vendor != "postgresql":
        return is_rate_limited(request, "vote")
    return vote_limit.hit(user_id=request.user.pk, address=client_ip(request), now=timezone.now())


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

    def back_beside():  # to the page the vote was sent from, at the proposal voted on (accounts/beside.py)
        back = next_url(request, reverse("consultation:proposals", args=[slug]))
        return beside.redirect_beside(back, beside.anchor_of("proposal", pk))

    def refuse(message, status):
        if as_json:
            return json_refusal(message, status)
        # Beside the proposal voted on when the page shows it (accounts/beside.py), else at the top.
        beside.say(request, messages.ERROR, message, beside.anchor_of("proposal", pk))
        return back_beside()

    if not request.user.is_authenticated:
        if as_json:
            return refuse(_("Please sign in to vote."), 401)
        return redirect(f"{reverse('account_login')}?next={reverse('consultation:proposals', args=[slug])}")
    # Counted before anything is written, for every signed-in attempt (an unknown proposal too).
    limited = _rate_limited(request)
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
    # Said inside the proposal's card, where the page comes back to: in view on a phone, and read.
    said = _("Your vote “%(vote)s” is recorded.") % {"vote": Vote.Value(outcome.value).label}
    beside.say(request, messages.SUCCESS, said, beside.anchor_of("proposal", pk))
    return back_beside()
