from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .roles import requires_second_factor
from .second_factor import has_second_factor, second_factor_used

# Paths a facilitator or organiser without a second factor may still reach: setting it up, leaving,
# switching language, public legal pages, assets and the public read-only API (the same open data for
# everyone; a redirection to an HTML page is no answer for a script).
_ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/pages/",
    "/accounts/reauthenticate/",
    "/api/",
)
# Paths reachable by a session that did not use the second factor the person has: confirming it, leaving,
# and the same public paths. Not the rest of /accounts/2fa/: such a session must not remove or replace the
# second factor.
_ALLOWED_WITHOUT_SECOND_FACTOR = (
    "/accounts/2fa/reauthenticate/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/pages/",
    "/api/",
)


class RequireMfaForStaffRolesMiddleware:
    """Facilitators, organisers and staff act on others' data: until they have set up TOTP, every page
    sends them to the set-up page; once they have, every page needs a session that used it (allauth's
    sign-in asks for the code; a session opened another way is sent to confirm with the code)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(_ALLOWED_WITHOUT_SECOND_FACTOR)
            or not requires_second_factor(user)
        ):
            return self.get_response(request)
        if not has_second_factor(user):
            if request.path.startswith(_ALLOWED_PREFIXES):
                return self.get_response(request)
            messages.warning(
                request, _("Your role requires two-factor authentication. Please set it up to continue.")
            )
            return redirect(reverse("mfa_activate_totp"))
        if not second_factor_used(request):
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Please confirm it is you with your code."),
            )
            return redirect_to_login(request.get_full_path(), reverse("mfa_reauthenticate"))
        return self.get_response(request)
