"""Writes that matter in `accounts`. Keyword-only, one transaction each, audited. Reads are in
selectors.py."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import gdpr, personal_data, platform, selectors
from .audit import record_event
from .models import ConsentRecord, ErasureRecord, Profile, User
from .roles import Role
from .rules import can_manage_roles


def get_profile(user: User) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def record_consent(*, user: User, purpose: str, version: str, granted: bool) -> ConsentRecord:
    consent = ConsentRecord.objects.create(user=user, purpose=purpose, version=version, granted=granted)
    held = getattr(user, "_pacte_consents", None)
    if held is not None:  # the signed-in user's object answers the rest of this request: keep it true
        user._pacte_consents = held | {(purpose, version)} if granted else held - {(purpose, version)}
    record_event(
        actor=user,
        action="consent.granted" if granted else "consent.withdrawn",
        obj=consent,
        details={"purpose": purpose, "version": version},
    )
    return consent


def set_email_notices(*, user: User, enabled: bool) -> None:
    if user.email_notices != enabled:
        user.email_notices = enabled
        user.save(update_fields=["email_notices"])
        record_event(actor=user, action="account.email_notices", obj=user, details={"enabled": enabled})


@transaction.atomic
def update_profile(*, user: User, strata: dict[str, str]) -> Profile:
    """Save the optional answers. Giving any answer records consent to their use; clearing them all
    records its withdrawal."""
    profile = get_profile(user)
    before = profile.strata()
    for field in ("age_band", "gender", "departement", "education", "socio_professional"):
        setattr(profile, field, strata.get(field, "") or "")
    profile.derive_region()
    profile.save()
    after = profile.strata()
    if bool(after) != bool(before):
        record_consent(
            user=user,
            purpose=ConsentRecord.Purpose.PROFILE_STRATA,
            version=settings.PACTE_PRIVACY_NOTICE_VERSION,
            granted=bool(after),
        )
    # The values themselves stay out of the log: only which answers changed.
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    record_event(actor=user, action="profile.updated", obj=profile, details={"changed": changed})
    return profile


@transaction.atomic
def grant_role(*, actor: User, user: User, role: str) -> None:
    if not can_manage_roles(actor):
        raise PermissionDenied
    user.groups.add(_group(role))
    record_event(actor=actor, action="role.granted", obj=user, details={"role": role})


@transaction.atomic
def revoke_role(*, actor: User, user: User, role: str) -> None:
    if not can_manage_roles(actor):
        raise PermissionDenied
    if role == Role.ORGANISER and user == actor:
        # Keeps at least the person acting able to grant it back; another organiser must do it.
        raise PermissionDenied
    user.groups.remove(_group(role))
    record_event(actor=actor, action="role.revoked", obj=user, details={"role": role})


def export_personal_data(user: User) -> dict:
    """Everything Pacte holds about the person (GDPR art. 15 and 20), as JSON-serialisable data."""
    profile = get_profile(user)
    data = {
        "account": {
            "email": user.email,
            "pseudonym": user.pseudonym,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "email_notices": user.email_notices,
            "news_of_my_contributions": _notice_preference(user),
        },
        "profile": {
            "age_band": profile.age_band,
            "gender": profile.gender,
            "departement": profile.departement,
            "region": profile.region,
            "education": profile.education,
            "socio_professional": profile.socio_professional,
        },
        "consents": [
            {"purpose": c.purpose, "version": c.version, "granted": c.granted, "at": c.created_at.isoformat()}
            for c in user.consents.all()
        ],
        "audit_events": [
            {"action": e.action, "object": f"{e.object_type}:{e.object_id}", "at": e.created_at.isoformat()}
            for e in selectors.audit_events_of(user)
        ],
    }
    for name, exporter in gdpr.exporters().items():
        data[name] = exporter(user)
    record_event(actor=user, action="account.exported", obj=user)
    return data


def _notice_preference(user: User) -> dict:
    from .notification_preferences import preference_of

    preference = preference_of(user)
    return {"frequency": preference.digest, "language": preference.language}


@transaction.atomic
def erase_account(*, user: User, keep_contributions: bool) -> ErasureRecord:
    """Erase the person (GDPR art. 17): every entry of the personal-data registry
    (`accounts.personal_data`) is applied, public contributions deleted or kept under the pseudonym as
    the person chose; the choice is recorded without identity, as what the platform did at the account
    holder's request (so is what the erasure sets off, e.g. the open-data archives built again)."""
    choice = ErasureRecord.Choice.PSEUDONYMISE if keep_contributions else ErasureRecord.Choice.DELETE
    with platform.acting(platform.ERASURE):
        record = ErasureRecord.objects.create(pseudonym=user.pseudonym, choice=choice)
        personal_data.erase_person(user, keep_contributions)
        record_event(actor=None, action="account.erased", obj=user, details={"choice": choice})
    return record


def _group(role: str) -> Group:
    # The groups come from a data migration; get_or_create keeps roles working if one was removed.
    return Group.objects.get_or_create(name=Role(role).value)[0]


def ensure_role_groups() -> None:
    for role in Role:
        _group(role)
