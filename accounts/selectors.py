"""Reads of `accounts` used by its pages and by the other apps: consent decisions (cached), the
privacy notice's acceptance, staff and audit-log listings. Writes are in services.py."""

from django.conf import settings

from . import cached
from .models import AuditEvent, ConsentRecord, User
from .roles import Role


def _consent_key(user_id, purpose: str, version: str) -> str:
    return f"consent:{user_id}:{purpose}:{version}"


def load_consents(user: User) -> User:
    """Read into the user object every (purpose, version) whose latest decision grants it; the signed-in
    user's cache entry then carries them (accounts/backends.py), so the charter check on every vote
    costs no cache round trip of its own. A person has a few decisions (one per charter accepted)."""
    latest: dict[tuple[str, str], bool] = {}
    decisions = ConsentRecord.objects.filter(user=user).order_by("created_at", "id")
    for purpose, version, granted in decisions.values_list("purpose", "version", "granted"):
        latest[(purpose, version)] = granted
    user._pacte_consents = frozenset(key for key, granted in latest.items() if granted)
    return user


def has_granted_consent(user: User, purpose: str, version: str) -> bool:
    """The person's latest decision on this version of `purpose` grants it. The signed-in user arrives
    with their decisions (load_consents); other user objects read a cache entry per decision. Every
    ConsentRecord write clears both (accounts/signals.py)."""
    held = getattr(user, "_pacte_consents", None)
    if held is not None:
        return (purpose, version) in held

    def latest() -> bool:
        granted = (
            ConsentRecord.objects.filter(user=user, purpose=purpose, version=version)
            .order_by("-created_at", "-id")
            .values_list("granted", flat=True)
            .first()
        )
        return bool(granted)

    return cached.read_through(_consent_key(user.pk, purpose, version), latest)


def forget_consent(user_id, purpose: str, version: str) -> None:
    cached.invalidate(_consent_key(user_id, purpose, version))
    cached.invalidate(cached.user_key(user_id))  # it carries the decisions


def current_consent(user: User, purpose: str) -> ConsentRecord | None:
    return ConsentRecord.objects.filter(user=user, purpose=purpose).order_by("-created_at", "-id").first()


def has_accepted_privacy_notice(user: User) -> bool:
    consent = current_consent(user, ConsentRecord.Purpose.PRIVACY_NOTICE)
    return bool(consent and consent.granted and consent.version == settings.PACTE_PRIVACY_NOTICE_VERSION)


def accepted_an_earlier_privacy_notice(user: User) -> bool:
    """Whether `user` once accepted a version other than the current one: they are told the notice
    changed. Someone who never accepted any version (an account not made through sign-up) is asked to
    accept it, not told it changed."""
    return (
        ConsentRecord.objects.filter(user=user, purpose=ConsentRecord.Purpose.PRIVACY_NOTICE, granted=True)
        .exclude(version=settings.PACTE_PRIVACY_NOTICE_VERSION)
        .exists()
    )


def audit_events_of(user: User):
    return AuditEvent.objects.filter(actor_id=user.pk).order_by("id")


def recent_consents(user: User, limit: int = 20) -> list[ConsentRecord]:
    """The person's latest consent decisions, newest first, for their dashboard."""
    return list(user.consents.order_by("-created_at")[:limit])


def staff_members():
    """Everyone holding a staff role, by e-mail address, with their groups."""
    return (
        User.objects.filter(groups__name__in=[Role.FACILITATOR, Role.MODERATOR, Role.ORGANISER])
        .prefetch_related("groups")
        .distinct()
        .order_by("email")
    )


def active_user_by_email(email: str) -> User | None:
    """The account using this e-mail address (any case), unless erased."""
    return User.objects.filter(email__iexact=email, erased_at__isnull=True).first()
