"""Site-level pages. `config` sits above every app, so the home page may show what each app offers."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.generic import TemplateView


def home(request):
    return render(request, "pages/home.html")


class PageView(TemplateView):
    """A static page (legal notice, accessibility statement, privacy notice)."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            privacy_version=settings.PACTE_PRIVACY_NOTICE_VERSION,
            pool_retention_days=settings.PACTE_POOL_RETENTION_DAYS,
            **kwargs,
        )


def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 (not an error page) when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def csrf_failure(request, reason=""):
    """A refused form or script call: JSON for API and script clients, the usual page for people."""
    from django.utils.translation import gettext as _
    from django.views.csrf import csrf_failure as default_failure

    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        message = _("This request was refused (CSRF check): reload the page and try again.")
        return JsonResponse({"error": message}, status=403)
    return default_failure(request, reason=reason)
