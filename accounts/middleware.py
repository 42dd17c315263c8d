from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .roles import ROLES_REQUIRING_MFA, has_role

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


class RequireMfaForStaffRolesMiddleware:
    """Facilitators and organisers act on others' data: until they have set up TOTP, every page
    sends them to the set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and has_role(user, *ROLES_REQUIRING_MFA)
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request, _("Your role requires two-factor authentication. Please set it up to continue.")
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
