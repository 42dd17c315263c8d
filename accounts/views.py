import json

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import audit_console, hooks, selectors, services
from .forms import DeleteAccountForm, NoticesForm, ProfileForm, RoleForm
from .models import ConsentRecord, ErasureRecord
from .notification_views import digest_form, emails_section
from .permissions import require_rule
from .roles import Role
from .rules import can_manage_roles, can_view_audit_log, is_signed_in


@require_rule(is_signed_in, login=True)
def dashboard(request):
    consents = selectors.recent_consents(request.user)
    for purpose in {c.purpose for c in consents}:  # codes such as "data-donation:v1" put in words
        wording = hooks.consent_wording(purpose, [c.version for c in consents if c.purpose == purpose])
        for consent in consents:
            if consent.purpose == purpose:
                consent.wording = wording.get(consent.version)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "profile": services.get_profile(request.user),
            "consents": consents,
            "needs_privacy": not selectors.has_accepted_privacy_notice(request.user),
            "privacy_changed": selectors.accepted_an_earlier_privacy_notice(request.user),
            "privacy_version": settings.PACTE_PRIVACY_NOTICE_VERSION,
            "notices_form": NoticesForm(initial={"email_notices": request.user.email_notices}),
            "digest_form": digest_form(request.user),
            "sections": hooks.account_sections(request.user),
            "can_manage_roles": can_manage_roles(request.user),
            "can_view_audit_log": can_view_audit_log(request.user),
        },
    )


@require_rule(is_signed_in, login=True)
def email_notices(request):
    if request.method != "POST":
        return emails_section()
    form = NoticesForm(request.POST)
    form.is_valid()  # a lone optional checkbox: always valid, absent means off
    services.set_email_notices(user=request.user, enabled=form.cleaned_data.get("email_notices", False))
    messages.success(request, _("Your e-mail preference has been saved."))
    return redirect("accounts:dashboard")


@require_rule(is_signed_in, login=True)
def profile_edit(request):
    profile = services.get_profile(request.user)
    form = ProfileForm.for_profile(profile, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=request.user, strata=form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:dashboard")
    return render(request, "accounts/profile_form.html", {"form": form})


@require_rule(is_signed_in, login=True)
@require_POST
def accept_privacy(request):
    services.record_consent(
        user=request.user,
        purpose=ConsentRecord.Purpose.PRIVACY_NOTICE,
        version=settings.PACTE_PRIVACY_NOTICE_VERSION,
        granted=True,
    )
    messages.success(request, _("Thank you: your acceptance of the privacy notice has been recorded."))
    return redirect("accounts:dashboard")


# Downloading one's data or deleting one's account asks for the password again (or the second factor)
# unless it was typed in the last few minutes (ACCOUNT_REAUTHENTICATION_TIMEOUT): someone who finds a
# signed-in browser cannot take the person's data nor erase them. The page itself shows without it;
# allauth keeps the form sent and carries it out once the person has confirmed.
_confirm_it_is_you = reauthentication_required(allow_get=True)


@require_rule(is_signed_in, login=True)
@_confirm_it_is_you
def export_data(request):
    if request.method != "POST":
        return render(request, "accounts/export.html")
    data = services.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    # Named in the reader's language and dated by the Paris calendar (TIME_ZONE), not UTC's: an export
    # made at 00:30 in Paris is the day's, not the day before's. ISO date: unambiguous in both languages.
    # Translators: a file name, ASCII letters, digits and dashes only.
    name = _("pacte-my-data-%(date)s.json") % {"date": timezone.localdate().isoformat()}
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_rule(is_signed_in, login=True)
@_confirm_it_is_you
def delete_account(request):
    form = DeleteAccountForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["contributions"] == ErasureRecord.Choice.PSEUDONYMISE
        services.erase_account(user=request.user, keep_contributions=keep)
        logout(request)
        messages.success(request, _("Your account has been deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


@require_rule(can_manage_roles, login=True)
def manage_roles(request):
    form = RoleForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        target = selectors.active_user_by_email(form.cleaned_data["email"])
        if target is None:
            form.add_error("email", _("No account uses this e-mail address."))
        else:
            role = form.cleaned_data["role"]
            try:
                if form.cleaned_data["action"] == "grant":
                    services.grant_role(actor=request.user, user=target, role=role)
                    messages.success(request, _("Role %(role)s granted.") % {"role": Role(role).label})
                else:
                    services.revoke_role(actor=request.user, user=target, role=role)
                    messages.success(request, _("Role %(role)s revoked.") % {"role": Role(role).label})
            except PermissionDenied:
                form.add_error(None, _("You cannot remove your own organiser role; ask another organiser."))
            else:
                return redirect("accounts:roles")
    return render(request, "accounts/roles.html", {"form": form, "staff": selectors.staff_members()})


@require_rule(can_view_audit_log, login=True)
def audit_log(request):
    page = audit_console.console(request.GET, request.user)
    return render(request, "accounts/audit_log.html", {"console": page})
