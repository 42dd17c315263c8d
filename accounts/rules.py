"""Permissions of the accounts layer, as predicates."""

from .roles import Role, has_role


def can_manage_roles(user) -> bool:
    return has_role(user, Role.ORGANISER)


def can_view_audit_log(user) -> bool:
    return has_role(user, Role.ORGANISER)


def anyone(user, obj=None) -> bool:
    """A public page: everyone, signed in or not."""
    return True


def is_signed_in(user, obj=None) -> bool:
    """One's own account pages: any signed-in person (they only ever show the reader's own data)."""
    return bool(getattr(user, "is_authenticated", False))
