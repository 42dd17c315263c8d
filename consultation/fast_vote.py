"""The vote's fast path: a JSON vote in one SQL statement, with no Redis exchange and without the
middleware a JSON vote does not need (docs/decisions/0019-vote-without-redis.md).

Listed right after SecurityMiddleware (its headers still apply). It serves only what it can serve
exactly as the full path would, and only the success: a POST to the vote address, asking for JSON,
with a session cookie, through Django's own CSRF check, with a valid value, whose one statement
authenticates the session (accounts/vote_sessions.py), counts the vote's rate limit
(consultation/vote_limit.py) and writes the vote with the guarded upsert every vote path shares
(services.votes.upsert_statement). In every other case it answers nothing and the full stack answers,
refusal, status and order included, as it always did: what the fast path learnt that the full path
must not count twice (the rate limit it counted) travels on the request (views.vote.FAST_ATTRIBUTE).
"""

import re
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from accounts import vote_sessions
from accounts.errors import ServiceError
from accounts.models import ConsentRecord
from accounts.network import client_ip
from accounts.permissions import refused_body, requirement_of
from accounts.refusals import wants_json

from . import hooks, sql, vote_limit
from .models import Consultation, Proposal, Vote
from .selectors import LARGEST_ID
from .services.votes import TARGET_GUARD, VoteOutcome, target_params, upsert_statement
from .views.vote import FAST_ATTRIBUTE, NOT_AUTHENTICATED, Counted, _valid_value
from .views.vote import vote as vote_view

#: The vote's address (consultation/urls.py, under config/urls.py's "consultations/"): the slug and int
#: converters' own patterns. tests/consultation/test_fast_vote.py checks it against the URLconf.
PATH = re.compile(r"/consultations/(?P<slug>[-a-zA-Z0-9_]+)/propositions/(?P<pk>[0-9]+)/vote/")

_REFUSED = object()


class _CsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check. A refusal comes back as a marker instead of the failure page and its log
    line: the full path, which runs the same check again, answers and logs it."""

    def _reject(self, request, reason):
        return _REFUSED


def _statement() -> tuple[str, dict]:
    counting, params = vote_limit.counting_ctes("auth")
    proposal_table, consultation_table = Proposal._meta.db_table, Consultation._meta.db_table
    # The charter: the person's latest decision on the consultation's current version grants it
    # (accounts.selectors.load_consents; the version's code is Consultation.charter_consent_version_for).
    charter = (
        "(SELECT cr.granted FROM accounts_consentrecord cr WHERE cr.user_id = auth.user_id "
        "AND cr.purpose = %(charter)s AND cr.version = c.slug || ':v' || c.charter_version "
        "ORDER BY cr.created_at DESC, cr.id DESC LIMIT 1) IS TRUE"
    )
    statement = upsert_statement(
        # The participant key is services.base.participant_key_for's ("u" and the user id).
        "SELECT p.id, p.consultation_id, 'u' || auth.user_id AS key, auth.user_id "  # noqa: S608
        f"FROM auth, {proposal_table} p JOIN {consultation_table} c ON c.id = p.consultation_id "
        f"WHERE {TARGET_GUARD} AND {charter} AND NOT EXISTS (SELECT FROM hits WHERE over)",
        prefix=f"auth AS ({vote_sessions.AUTHENTICATED}), {counting}, ",
        source="auth LEFT JOIN target ON TRUE",
        more=", auth.user_id, COALESCE((SELECT bool_or(over) FROM hits), FALSE)",
    )
    return statement, params


class FastVoteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = _CsrfCheck(get_response)
        self.requirement = requirement_of(vote_view)

    def __call__(self, request):
        response = None
        if request.method == "POST" and getattr(settings, "PACTE_FAST_VOTE", True):
            match = PATH.fullmatch(request.path_info)
            if match is not None:
                response = self._serve(request, match["slug"], int(match["pk"]))
        return response if response is not None else self.get_response(request)

    def _serve(self, request, slug: str, pk: int):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not session_key or not wants_json(request):
            return None
        if not 0 < pk <= LARGEST_ID or not vote_sessions.enabled():
            return None
        try:
            request.get_host()  # CommonMiddleware's check of ALLOWED_HOSTS
        except DisallowedHost:
            return None
        if self.requirement is None or refused_body(request, self.requirement.max_mb()) is not None:
            return None
        self.csrf.process_request(request)
        if self.csrf.process_view(request, vote_view, (), {"slug": slug, "pk": pk}) is not None:
            return None
        value = _valid_value(request)
        if value is None:
            return None
        statement, params = _statement()
        params.update(vote_sessions.authenticated_params(session_key, timezone.now()))
        params.update(target_params(slug=slug, proposal_id=pk, value=value, now=params["now"]))
        params.update(charter=ConsentRecord.Purpose.CHARTER.value)
        params.update(ip_key=vote_limit.ip_key(client_ip(request)))
        try:
            # Inside an outer transaction (tests, scripts), a failed statement needs its savepoint.
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                row = sql.fetch_one(statement, params)
        except (DatabaseError, ServiceError):  # nothing was written or counted: the full path answers
            return None
        if row is None:
            setattr(request, FAST_ATTRIBUTE, NOT_AUTHENTICATED)
            return None
        consultation_id, previous, written, user_id, limited = row
        if limited or consultation_id is None:
            setattr(request, FAST_ATTRIBUTE, Counted(user_id, limited))
            return None
        outcome = VoteOutcome(value, previous) if written else VoteOutcome(value, value)
        if written:
            transaction.on_commit(lambda: hooks.votes_changed(consultation_id))
        return self._answer(request, pk, outcome)

    def _answer(self, request, pk: int, outcome: VoteOutcome):
        """The view's JSON answer with the headers the middleware the fast path skips would add:
        LocaleMiddleware (Content-Language, Vary), SessionMiddleware (Vary: Cookie: the session was
        read), XFrameOptionsMiddleware, CommonMiddleware (Content-Length), CsrfViewMiddleware's own."""
        response = JsonResponse(
            {"proposal": pk, "vote": Vote.Value(outcome.value).name.lower(), "changed": outcome.changed}
        )
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", translation.get_language_from_request(request))
        response.headers.setdefault("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper())
        response.headers["Content-Length"] = str(len(response.content))
        return self.csrf.process_response(request, response)
