"""Whether the person signed in with their second factor in this session (allauth's record of the
authentication steps a session went through: "password", then "mfa")."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled


def second_factor_used(request) -> bool:
    """True when this session's sign-in (or a later confirmation) included the second factor. A session
    opened by any other way (Django's admin login before it was closed, a future login path) has none."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def has_second_factor(user) -> bool:
    return is_mfa_enabled(user)
