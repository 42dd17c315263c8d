"""Roles are Django groups. One place for their names and for the question "does this user have it"."""

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import cached


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    FACILITATOR = "facilitator", _("Facilitator")
    MODERATOR = "moderator", _("Moderator")
    ORGANISER = "organiser", _("Organiser")


#: Who acted, as the public reads it: by role, never by a person's pseudonym. Worded when a page shows it
#: (an audit event stores the role's code, `AuditEvent.actor_role`), so each reader reads their language.
PUBLIC_ACTORS = {
    Role.ORGANISER: _("the organisers"),
    Role.FACILITATOR: _("the facilitation team"),
    Role.MODERATOR: _("the moderation team"),
    Role.CITIZEN: _("a participant"),
}


def public_actor(role: str) -> str:
    """The role in the reader's language (`PUBLIC_ACTORS`); for a role this version does not know, or none
    (events recorded before roles were), the team as a whole: never the person."""
    return str(PUBLIC_ACTORS.get(role, _("the panel's team")))


# Roles that can act on others' data: their accounts must be protected by a second factor.
ROLES_REQUIRING_MFA = frozenset({Role.FACILITATOR, Role.ORGANISER})


def requires_second_factor(user) -> bool:
    """Facilitators, organisers and whoever may enter the admin (staff, superusers: the first organiser
    is made with `createsuperuser`) sign in with a second factor."""
    return bool(user.is_staff or user.is_superuser or has_role(user, *ROLES_REQUIRING_MFA))


def _roles_key(user_id) -> str:
    return f"roles:{user_id}"


def load_roles(user):
    """Read the user's roles from the database into the user object, which the signed-in user's cache
    entry then carries (accounts/backends.py)."""
    user._pacte_roles = set(user.groups.values_list("name", flat=True))
    return user


def user_roles(user) -> set[str]:
    """Asked on every request (the MFA middleware): kept in the cache, cleared by forget_roles. The
    signed-in user arrives with them (load_roles); other user objects read the roles' own entry."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    held = getattr(user, "_pacte_roles", None)
    if held is None:
        names = cached.read_through(
            _roles_key(user.pk), lambda: sorted(user.groups.values_list("name", flat=True))
        )
        held = user._pacte_roles = set(names)
    return held


def has_role(user, *roles: str) -> bool:
    """True when the user holds at least one of `roles`."""
    return bool(user_roles(user) & {str(r) for r in roles})


def forget_roles(user_ids) -> None:
    """Group memberships or names changed (services, admin, shell): the next request reads them again."""
    for user_id in user_ids:
        cached.invalidate(_roles_key(user_id))
        cached.invalidate(cached.user_key(user_id))


#: The roles of those who run the platform: a step taken under one of them is the team's, never a person's.
STAFF_ROLES = frozenset({Role.FACILITATOR, Role.MODERATOR, Role.ORGANISER})
#: An event type taken by whoever runs the panel (organiser or facilitator, `deliberation.rules.acting_role`):
#: what an event recorded before roles were reads as ("The panel's team"). Never stored as a role.
PANEL_TEAM = "team"


def acted_by(role: str, pseudonym: str = "", *, back_office: bool = False) -> str:
    """Who acted, as every page names them (the one rule): a step taken under a staff role (or by the panel's
    team, `PANEL_TEAM`) reads as the team in the reader's language ("The organisers"), never the person's
    pseudonym: it would tie the organiser to what they wrote as a citizen under it. The back office (the
    organisers' pages, the audit console, the panel's team's own pages) adds the pseudonym in brackets,
    the name the audit console knows them by: "The organisers (Citoyen·ne 52A4DB)". A citizen acting as
    one reads as "A participant" publicly and by pseudonym in the back office; so does a person acting on
    their own account (no role)."""
    if role in STAFF_ROLES or role == PANEL_TEAM:
        team = capfirst(public_actor(role))
        return f"{team} ({pseudonym})" if back_office and pseudonym else team
    if back_office and pseudonym:
        return pseudonym
    return capfirst(public_actor(Role.CITIZEN))
