"""Roles are Django groups. One place for their names and for the question "does this user have it"."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import cached


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    FACILITATOR = "facilitator", _("Facilitator")
    MODERATOR = "moderator", _("Moderator")
    ORGANISER = "organiser", _("Organiser")


# Roles that can act on others' data: their accounts must be protected by a second factor.
ROLES_REQUIRING_MFA = frozenset({Role.FACILITATOR, Role.ORGANISER})


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
