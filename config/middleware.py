"""Project middleware."""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings

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
