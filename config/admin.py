"""The admin site behind allauth's sign-in (rate limits, second factor), never its own password form.

Django's admin has its own login view: it checked passwords with no rate limit and no second factor, and
the session it opened also opened the organisers' pages. allauth documents wrapping the admin's login
(`secure_admin_login`), but that wrapper still shows Django's password form to a signed-in person the
admin refuses; here the admin's login only ever sends people elsewhere. Entering the admin also needs a
session that used the second factor (accounts/second_factor.py).
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.second_factor import has_second_factor, second_factor_used


class PacteAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and second_factor_used(request)

    def login(self, request, extra_context=None):
        """Never checks a password: sends the visitor to allauth's sign-in, to set up or confirm their
        second factor, or back to where they were going once they may enter."""
        wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            wanted = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(wanted, reverse("account_login"))
        if self.has_permission(request):
            return redirect(wanted)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not has_second_factor(user):
            return redirect("mfa_activate_totp")
        return redirect_to_login(wanted, reverse("mfa_reauthenticate"))
