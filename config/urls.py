from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView

from accounts.permissions import require_rule
from accounts.rules import anyone
from consultation.api import SchemaView

from . import views


def public_page(template_name: str):
    """A static page, for everyone (its requirement declared like every view's: accounts/permissions.py)."""
    return require_rule(anyone)(views.PageView.as_view(template_name=template_name))


pages = (
    [
        path(
            "accessibilite/",
            public_page("pages/accessibility.html"),
            name="accessibility",
        ),
        path("mentions-legales/", public_page("pages/legal.html"), name="legal"),
        path("confidentialite/", public_page("pages/privacy.html"), name="privacy"),
    ],
    "pages",
)

urlpatterns = [
    path("", views.home, name="home"),
    # First of the includes: Django tries them in order, and votes are the busiest requests.
    path("consultations/", include("consultation.urls")),
    path("pages/", include(pages)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("compte/", include("accounts.urls")),
    path("panels/", include("deliberation.urls")),
    path("analyse/", include("analysis.urls")),
    # The API's documentation is not counted against the API's rate limit (a reader who reached it still
    # gets the page telling how to use the API, not a JSON refusal).
    path("api/schema/", SchemaView.as_view(throttle_classes=[]), name="api-schema"),
    path(
        "api/docs/",
        # Redoc writes its styles in <style> elements carrying the page's nonce (static/pacte/api-docs.js):
        # this page's policy accepts that nonce for styles too; the rest of the policy is the site's.
        csp_update({"style-src": [NONCE]})(
            SpectacularRedocView.as_view(url_name="api-schema", throttle_classes=[])
        ),
        name="api-docs",
    ),
    path("api/", include("consultation.api_urls")),  # after the schema: it ends with a JSON 404 catch-all
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

# JSON errors for API and script clients, the site's error pages for people (config/views.py).
handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
