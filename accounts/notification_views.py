"""The digest preference on *My account*, and the unsubscribe link of the digest e-mails (no sign-in)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import notification_preferences as preferences
from .errors import ServiceError
from .forms import DigestForm
from .permissions import require_rule
from .refusals import show_form_errors
from .rules import anyone, is_signed_in


def digest_form(user) -> DigestForm:
    """The form as *My account* shows it, with the person's current choice."""
    preference = preferences.preference_of(user)
    return DigestForm(initial={"digest": preference.digest, "language": preference.language})


def emails_section():
    """Where the e-mail settings live: a GET of their POST-only addresses (a bookmark, a reload after the
    redirect, a link pasted from the address bar) lands there rather than on a bare 405."""
    return redirect(reverse("accounts:dashboard") + "#emails")


@require_rule(is_signed_in, login=True)
def digest_preference(request):
    if request.method != "POST":
        return emails_section()
    form = DigestForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("accounts:dashboard")
    try:
        preferences.set_preference(
            user=request.user, digest=form.cleaned_data["digest"], language=form.cleaned_data["language"]
        )
    except ServiceError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Your e-mail preference has been saved."))
    return redirect("accounts:dashboard")


# Mail clients send the one-click POST (RFC 8058) without a session or a CSRF token: the signed token in the
# address is what authorises it, and it only ever turns e-mails off.
@require_rule(anyone)
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        user = preferences.user_from_token(token)
    except preferences.UnsubscribeLinkError as error:
        return render(request, "accounts/unsubscribe.html", {"refusal": error.text}, status=error.status)
    context = {"address": preferences.masked_address(user.email)}
    if request.method == "POST":
        preferences.unsubscribe(user=user)
        return render(request, "accounts/unsubscribe.html", {**context, "done": True})
    already = preferences.digest_frequency(user) == preferences.Digest.NONE
    return render(request, "accounts/unsubscribe.html", {**context, "already": already})
