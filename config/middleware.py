"""Project middleware."""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.refusals import json_refusal, wants_json

from .views import is_database_busy, service_busy


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp 4 builds both policies (enforced and report-only) for every response, even one whose
    view is exempt (@csp_exempt()), and only then drops them. The vote view is exempt (it answers JSON
    or a redirect) and runs on every click, so an exempt response returns at once when no report-only
    policy is configured: same headers, less work."""

    def process_response(self, request, response):
        if getattr(response, "_csp_exempt", False) and not getattr(
            settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None
        ):
            return response
        return super().process_response(request, response)


class DatabaseBusyMiddleware:
    """The embedded SQLite database takes one writer at a time; a view that waited longer than
    PACTE_SQLITE_TIMEOUT for its turn answers 503 with Retry-After (config.views.service_busy), not 500,
    and is not logged as a server error. (Raised outside a view, the 500 handler answers the same.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return service_busy(request) if is_database_busy(exception) else None


class NullCharacterInAddressMiddleware:
    """An address whose query string holds a null character (``%00``) is refused with a 400 that says
    so, JSON for scripts (accounts.refusals.wants_json), a page for people. PostgreSQL refuses NUL in
    any text it is given: a search box, a filter or a sort order read from the address and passed to a
    query was a 500 (``?q=%00`` on the proposals' list, found by fuzzing). No page takes such a
    character, so it is refused here once for every view rather than in each one. Forms need no such
    rule: Django's CharField refuses NUL under the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_null_character(request):
            return null_character_refusal(request)
        return self.get_response(request)


def _has_null_character(request) -> bool:
    query = request.META.get("QUERY_STRING", "")
    if "%00" not in query and "\x00" not in query:  # the usual address: nothing to decode
        return False
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())


def null_character_refusal(request):
    message = _(
        "This address holds a null character (%00), which no page accepts: check the address, or "
        "start again from the page that led here."
    )
    if wants_json(request):
        return json_refusal(message, 400)
    return render(request, "400.html", {"message": message}, status=400)
