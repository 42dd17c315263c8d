"""How often a person hears of what became of their contributions, in which language, and the one-click
unsubscribe link every digest carries.

The digest itself (which events, which citizens) is built in the top layer (`analysis.digest`): `accounts`
only keeps the choice, answers "who wants what" and signs the links. See docs/notifications.md.

The unsubscribe link works without signing in (RFC 8058): its token is the account id and a digest of the
address it was sent to, signed with the site's secret key and a salt of its own (no other signed value of
the site is accepted as one, and a changed id or address breaks the signature). A GET shows a confirmation
page (mail scanners follow links); a POST, from that page or from the mail client's one-click button
(``List-Unsubscribe-Post``), sets the digest to "none". No expiry: a link in an old e-mail still works.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .audit import record_event
from .errors import ServiceError
from .models import NoticePreference, User
from .notices import site_url

Digest = NoticePreference.Digest

UNSUBSCRIBE_SALT = "pacte.notices.unsubscribe"


class UnsubscribeLinkError(ServiceError):
    status = 400


def preference_of(user) -> NoticePreference:
    """The person's choice (an unsaved row with the defaults when they never made one)."""
    found = NoticePreference.objects.filter(user=user).first()
    return found or NoticePreference(user=user)


def digest_frequency(user) -> str:
    return preference_of(user).digest


def not_digest_q(frequency: str, user_path: str = "") -> Q:
    """Users (at `user_path`) whose digest is not `frequency`; no row counts as the default (weekly)."""
    field = f"{user_path}__notice_preference__digest" if user_path else "notice_preference__digest"
    if frequency == Digest.WEEKLY:
        return Q(**{f"{field}__isnull": False}) & ~Q(**{field: Digest.WEEKLY})
    return Q(**{f"{field}__isnull": True}) | ~Q(**{field: frequency})


def digest_q(frequency: str, user_path: str = "") -> Q:
    """Users (at `user_path`) whose digest is `frequency`, as a query filter."""
    field = f"{user_path}__notice_preference__digest" if user_path else "notice_preference__digest"
    if frequency == Digest.WEEKLY:
        return Q(**{f"{field}__isnull": True}) | Q(**{field: Digest.WEEKLY})
    return Q(**{field: frequency})


def chosen_language(user) -> str:
    """The language the person chose for their e-mails, or "" (the caller picks: their latest
    contribution's, else the site's)."""
    language = preference_of(user).language
    return language if language in dict(settings.LANGUAGES) else ""


@transaction.atomic
def set_preference(*, user: User, digest: str, language: str) -> NoticePreference:
    if digest not in Digest.values:
        raise ServiceError(_("Choose how often to hear of your contributions."))
    if language and language not in dict(settings.LANGUAGES):
        raise ServiceError(_("Choose a language among those offered."))
    preference, _created = NoticePreference.objects.get_or_create(user=user)
    changed = {"digest": digest} if preference.digest != digest else {}
    if preference.language != language:
        changed["language"] = language
    if changed:
        preference.digest, preference.language = digest, language
        preference.save()
        record_event(actor=user, action="account.notice_preference", obj=user, details=changed)
    return preference


@transaction.atomic
def unsubscribe(*, user: User) -> bool:
    """The digest set to "none" (by the link in an e-mail); False when it already was."""
    preference, _created = NoticePreference.objects.get_or_create(user=user)
    if preference.digest == Digest.NONE:
        return False
    preference.digest = Digest.NONE
    preference.save(update_fields=["digest", "updated_at"])
    record_event(actor=user, action="account.digest_unsubscribed", obj=user, details={"by": "link"})
    return True


def _address_digest(user) -> str:
    return hashlib.sha256(user.email.lower().encode()).hexdigest()[:16]


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk, "a": _address_digest(user)}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_from_token(token: str) -> User:
    """The account a link was made for; refused (UnsubscribeLinkError) when the token was altered, was
    made for another purpose, or no longer matches an account (deleted, or its address changed since)."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise UnsubscribeLinkError(
            _(
                "This unsubscribe link is not valid: it may have been cut or altered. Copy the whole link "
                "from the e-mail, or sign in and choose in My account how often you hear from us."
            )
        )
    user = User.objects.filter(pk=payload["u"], erased_at__isnull=True, is_active=True).first()
    if user is None or payload.get("a") != _address_digest(user):
        raise UnsubscribeLinkError(
            _(
                "This unsubscribe link no longer matches an account: the account was deleted or its e-mail "
                "address changed. E-mails are only sent to the current address of an account."
            )
        )
    return user


def unsubscribe_url(user) -> str:
    return site_url(reverse("accounts:unsubscribe", args=[unsubscribe_token(user)]))


def unsubscribe_headers(user) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: mail clients show an "Unsubscribe" button that POSTs to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def masked_address(email: str) -> str:
    """The address as the unsubscribe page shows it to whoever holds the link: enough for its owner to
    recognise it, not enough to learn it (c•••@example.org)."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"
