"""Permission first: every view names its rule (a predicate of the app's `rules.py`) with one decorator,
`require_rule`, and the rule is decided before anything of the request body is read.

Why a middleware as well as the decorator: Django's CSRF middleware reads `request.POST` (and so parses a
whole multipart upload) before the view is called. `PermissionFirstMiddleware` sits before it, finds the
requirement the decorator attached to the view, and decides it there: a refused request is answered
without its body ever being read, and a body larger than the view accepts is refused (413) from its
`Content-Length` alone. The decorator decides again when it was not decided yet (a view called without the
middleware), so a view is never reached without its rule.

Order of the decision, for a request to a decorated view:

1. `login=True` and nobody signed in: to the sign-in page (nothing is loaded).
2. `object_from(**url_kwargs)` loads the object the rule is about (a 404 when there is none).
3. `rule(user, obj)` (or `rule(user)` without `object_from`). Refused: a 404 when `hide=True` (a draft is
   not shown to exist), else the sign-in page for a visitor and a 403 for someone signed in.
   A page anyone may read but only some may send (`post=`): for a POST, that rule too (refused: sign-in
   page or 403).
4. The body's declared size: more than `max_upload_mb` (or Django's DATA_UPLOAD_MAX_MEMORY_SIZE for a view
   that takes no file), a 413 page; the body is not read.

The view is then called with the loaded object after the request: `view(request, obj, **url_kwargs)`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .refusals import json_refusal, wants_json

#: Room left in a body for the form's other fields and the multipart framing around an upload.
UPLOAD_MARGIN_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Requirement:
    """What a view asks before it runs; the grid test (tests/test_permission_grid.py) reads it too."""

    rule: Callable[..., bool]
    object_from: Callable[..., Any] | None = None
    login: bool = False
    hide: bool = False
    max_upload_mb: Callable[[], float] | float | None = None
    post: Callable[..., bool] | None = None

    def allows(self, rule, user, obj) -> bool:
        return rule(user, obj) if self.object_from is not None else rule(user)

    def max_mb(self) -> float:
        """The largest body the view takes, in MB, as its refusal states it."""
        limit = self.max_upload_mb() if callable(self.max_upload_mb) else self.max_upload_mb
        return default_max_mb() if limit is None else float(limit)


def default_max_mb() -> float:
    """A view that takes no file takes a body of at most Django's limit for form data (2.5 MB)."""
    return (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440) / 1024 / 1024


def refused_body(request, limit_mb: float):
    """The 413 answer when the body declares more than `limit_mb` (plus room for the other fields), else
    None. Only the Content-Length header is read."""
    if _declared_length(request) <= limit_mb * 1024 * 1024 + UPLOAD_MARGIN_BYTES:
        return None
    return too_large(request, limit_mb)


class _Decided:
    """Marks a request whose requirement was decided, with the object loaded for it."""

    def __init__(self, requirement: Requirement, kwargs: dict, obj: Any):
        self.requirement, self.kwargs, self.obj = requirement, kwargs, obj


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def too_large(request, limit_mb: float):
    """The 413 page (or JSON for scripts): the body is refused without being read."""
    message = _("This request is too large (%(size)s MB); this page accepts up to %(limit)s MB.") % {
        "size": number_format(_declared_length(request) / 1024 / 1024, 1),
        "limit": number_format(int(limit_mb) if limit_mb.is_integer() else round(limit_mb, 1)),
    }
    if wants_json(request):
        return json_refusal(message, 413)
    return render(request, "413.html", {"message": message}, status=413)


def _back_after_sign_in(request) -> str:
    """Where signing in leads back to: the page asked for; for a form sent (POST) by a visitor whose
    session had ended, the page the form was on (the Referer, when it is this site's), since the address
    the form was sent to answers only POST (a blank 405 page after signing in); else the home page."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def decide(request, requirement: Requirement, kwargs: dict):
    """Decide `requirement` for this request. Refused: raises Http404 / PermissionDenied, or returns
    (response, ...) with the sign-in page or the 413 answer. Allowed: returns (None, the loaded object)."""
    user = request.user
    signed_in = bool(getattr(user, "is_authenticated", False))
    if requirement.login and not signed_in:
        return redirect_to_login(_back_after_sign_in(request)), None
    obj = requirement.object_from(**kwargs) if requirement.object_from is not None else None
    if not requirement.allows(requirement.rule, user, obj):
        if requirement.hide:
            raise Http404
        if not signed_in:
            return redirect_to_login(_back_after_sign_in(request)), None
        raise PermissionDenied
    post = requirement.post
    if request.method == "POST" and post is not None and not requirement.allows(post, user, obj):
        if not signed_in:
            return redirect_to_login(_back_after_sign_in(request)), None
        raise PermissionDenied
    return refused_body(request, requirement.max_mb()), obj


def require_rule(
    rule: Callable[..., bool],
    *,
    object_from: Callable[..., Any] | None = None,
    login: bool = False,
    hide: bool = False,
    max_upload_mb: Callable[[], float] | float | None = None,
    post: Callable[..., bool] | None = None,
):
    """The one way a view says who may use it; see the module's docstring for the order of the decision.
    `max_upload_mb`: the largest file the view takes (a number, or a function read at each request, e.g.
    `lambda: settings.PACTE_IMPORT_PAGE_MAX_MB`); without it the view takes no file. `post`: the rule a
    POST must meet as well (a page everyone reads, some may send)."""
    requirement = Requirement(rule, object_from, login, hide, max_upload_mb, post)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            decided = getattr(request, "_pacte_decided", None)
            if decided is not None and decided.requirement is requirement and decided.kwargs == kwargs:
                obj = decided.obj
            else:
                response, obj = decide(request, requirement, kwargs)
                if response is not None:
                    return response
            if object_from is not None:
                return view(request, obj, *args, **kwargs)
            return view(request, *args, **kwargs)

        wrapped.pacte_requirement = requirement
        return wrapped

    return decorator


def requirement_of(view) -> Requirement | None:
    """The requirement a view declared (through any decorators that kept its attributes), or None."""
    return getattr(view, "pacte_requirement", None)


class PermissionFirstMiddleware:
    """Listed before CsrfViewMiddleware: decides a decorated view's rule before the body is read (the CSRF
    check reads the form), and refuses bodies larger than the view accepts from their declared size. A view
    without a declared requirement (allauth, the admin, the API) may take a form, never a file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        requirement = requirement_of(view_func)
        if requirement is None:
            return refused_body(request, default_max_mb())
        response, obj = decide(request, requirement, view_kwargs)
        if response is not None:
            return response
        request._pacte_decided = _Decided(requirement, dict(view_kwargs), obj)
        return None
