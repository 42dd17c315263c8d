from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from .audit import record_event
from .models import ConsentRecord
from .network import client_ip
from .roles import Role

# The platform's name in allauth's e-mails: their greeting, signature and subject.
PLATFORM_NAME = "Pacte"


@dataclass(frozen=True)
class Platform:
    """What allauth's e-mails call the site ("Hello from {{ current_site.name }}!"). Without
    django.contrib.sites allauth named it by the request's host ("Bonjour, c'est 127.0.0.1:8766 !")."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    """Every new account is a citizen, and its acceptance of the privacy notice is recorded. The account
    e-mails name the platform, Pacte; their links keep the address the request came to."""

    def get_client_ip(self, request) -> str:
        """allauth's limits (failed sign-ins, sign-ups, e-mails sent) count per client address by the
        site's one rule, which knows the deployment's proxies (PACTE_TRUSTED_PROXIES)."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's address.")
        return address

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """allauth counts failed sign-ins per account ("5/5m/key"): anyone typing five wrong passwords for
        someone's e-mail, from anywhere, locked that person out. Counted per client address and account
        instead; the per-address limit ("10/m/ip") still slows down whoever tries many accounts."""
        return f"{client_ip(request)}|{super()._get_login_attempts_cache_key(request, **credentials)}"

    def format_email_subject(self, subject: str) -> str:
        return f"[{PLATFORM_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        domain = request.get_host() if request is not None else urlsplit(settings.PACTE_SITE_URL).netloc
        super().send_mail(
            template_prefix, email, {"current_site": Platform(PLATFORM_NAME, domain), **context}
        )

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get_or_create(name=Role.CITIZEN.value)[0])
            ConsentRecord.objects.create(
                user=user,
                purpose=ConsentRecord.Purpose.PRIVACY_NOTICE,
                version=settings.PACTE_PRIVACY_NOTICE_VERSION,
                granted=True,
            )
            record_event(actor=user, action="account.created", obj=user)
        return user
