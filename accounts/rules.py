"""Permissions of the accounts layer, as predicates."""

from .roles import Role, has_role


def can_manage_roles(user) -> bool:
    return has_role(user, Role.ORGANISER)


def can_view_audit_log(user) -> bool:
    return has_role(user, Role.ORGANISER)
