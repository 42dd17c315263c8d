"""Roles are Django groups. One place for their names and for the question "does this user have it"."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    FACILITATOR = "facilitator", _("Facilitator")
    MODERATOR = "moderator", _("Moderator")
    ORGANISER = "organiser", _("Organiser")


# Roles that can act on others' data: their accounts must be protected by a second factor.
ROLES_REQUIRING_MFA = frozenset({Role.FACILITATOR, Role.ORGANISER})


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_pacte_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._pacte_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds at least one of `roles`."""
    return bool(user_roles(user) & {str(r) for r in roles})
