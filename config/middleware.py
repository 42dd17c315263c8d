"""Project middleware."""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings


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
