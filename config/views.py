"""Site-level pages. `config` sits above every app, so the home page may show what each app offers."""

import sys

from csp.decorators import csp_exempt
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.csrf import csrf_failure as defaults_csrf_failure
from django.views.generic import TemplateView

from accounts.permissions import require_rule
from accounts.refusals import json_refusal, wants_json
from accounts.rules import anyone


@require_rule(anyone)
def home(request):
    """What Pacte does, and where to take part now: the consultations taking contributions, each linked
    (one whose closing time has passed is no longer listed, even before the beat moves its phase)."""
    from consultation.accepting import accepting_contributions
    from consultation.models import Consultation
    from consultation.presenters import with_closing_and_participants

    open_consultations = with_closing_and_participants(
        Consultation.objects.filter(accepting_contributions()).order_by("-pk")
    )
    return render(request, "pages/home.html", {"open_consultations": open_consultations})


class PageView(TemplateView):
    """A static page (legal notice, accessibility statement, privacy notice)."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            privacy_version=settings.PACTE_PRIVACY_NOTICE_VERSION,
            pool_retention_days=settings.PACTE_POOL_RETENTION_DAYS,
            **kwargs,
        )


@csp_exempt()  # a JSON answer for machines, never a page: no policy to build (213 us per check, 0013)
@require_rule(anyone)
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 (not an error page) when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _json_error(request, message: str, status: int) -> JsonResponse:
    return json_refusal(message, status)


def csrf_failure(request, reason=""):
    """A refused form or script call: JSON for API and script clients, the usual page for people."""
    if wants_json(request):
        message = _("This request was refused (CSRF check): reload the page and try again.")
        return json_refusal(message, 403)
    return defaults_csrf_failure(request, reason=reason)


# The error handlers (config/urls.py): JSON for API and script clients, Django's page (our templates
# 400.html, 403.html, 404.html, 500.html) for people. Without them a script voting with a malformed
# body or an address that is not a number got an HTML page.


def bad_request(request, exception):
    if wants_json(request):
        return _json_error(
            request, _("This request could not be understood: check its address and body."), 400
        )
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if wants_json(request):
        return _json_error(request, _("You are not allowed to do this."), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if wants_json(request):
        return _json_error(request, _("Not found."), 404)
    return defaults.page_not_found(request, exception)


# Seconds a client is told to wait when the database cannot be reached (a restart, a failover).
DATABASE_RETRY_AFTER = 30


def _database_unreachable() -> bool:
    """The error being handled is the database not answering (not a bug in a query): every service runs
    in one transaction, so such a request wrote nothing and can simply be sent again."""
    error = sys.exc_info()[1]
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request):
    if is_database_busy(sys.exc_info()[1]):  # raised outside a view (a session saved by its middleware)
        return service_busy(request)
    if _database_unreachable():
        if wants_json(request):
            response = _json_error(request, _("The service is briefly unavailable: please try again."), 503)
        else:
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
    if wants_json(request):
        return _json_error(request, _("Server error: please try again later."), 500)
    return defaults.server_error(request)


#: Seconds a client is told to wait after a 503 "busy".
RETRY_AFTER_SECONDS = 5


def is_database_busy(exception) -> bool:
    """The embedded SQLite database's writer lock was held longer than PACTE_SQLITE_TIMEOUT."""
    return isinstance(exception, OperationalError) and "database is locked" in str(exception)


def service_busy(request):
    """503 with Retry-After: nothing was written, and trying again in a moment works (JSON for scripts,
    a page for people). Rendered like the 500 page, without anything that may itself need the database."""
    if wants_json(request):
        response = _json_error(request, _("The site is busy: please try again in a few seconds."), 503)
    else:
        response = HttpResponse(loader.get_template("503.html").render({"busy": True}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
