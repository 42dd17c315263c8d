"""The admin is behind allauth's sign-in with its rate limits and second factor (issue #16, item 2), and a
session that skipped the second factor opens neither the admin nor the organisers' pages
(config/admin.py, accounts/middleware.py)."""

import pytest
from allauth.account.internal.flows import login as allauth_login
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _with_known_totp(user) -> str:
    """Give `user` an authenticator app; returns its secret, to compute codes as the app would."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.fixture
def first_organiser(db):
    """Made as the README says: `createsuperuser`, then the organiser role."""
    return UserFactory(roles=["citizen", "organiser"], is_staff=True, is_superuser=True)


def _forget_the_second_factor(client) -> None:
    """The session as a sign-in that skipped the second factor left it (Django's admin login did)."""
    session = client.session
    session.pop(allauth_login.AUTHENTICATION_METHODS_SESSION_KEY, None)
    session.save()


def test_thirty_wrong_passwords_on_the_admin_login_never_authenticate(client, first_organiser, password):
    _with_known_totp(first_organiser)
    for n in range(30):
        response = client.post(
            reverse("admin:login"), {"username": first_organiser.email, "password": f"no{n}"}
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))  # no password is checked there
    response = client.post(reverse("admin:login"), {"username": first_organiser.email, "password": password})
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    # Going to the admin leads to allauth's sign-in, which brings the person back to the admin.
    page = client.get(reverse("admin:index"), follow=True)
    assert page.redirect_chain[-1][0] == f"{reverse('account_login')}?next=/admin/"


def test_the_right_password_alone_opens_neither_the_admin_nor_organiser_pages(
    client, first_organiser, password
):
    secret = _with_known_totp(first_organiser)
    response = client.post(
        f"{reverse('account_login')}?next=/admin/", {"login": first_organiser.email, "password": password}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    for page in (reverse("admin:index"), reverse("accounts:roles"), reverse("accounts:audit_log")):
        response = client.get(page)
        assert response.status_code == 302 and "/login/" in response["Location"]
    # With the code, both open.
    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("accounts:roles")).status_code == 200


def test_a_session_that_skipped_the_second_factor_must_confirm_it_first(client, first_organiser):
    secret = _with_known_totp(first_organiser)
    client.force_login(first_organiser)
    _forget_the_second_factor(client)
    confirm = reverse("mfa_reauthenticate")
    admin_page = client.get(reverse("admin:index"), follow=True)
    assert admin_page.redirect_chain[-1][0] == f"{confirm}?next=/admin/"
    roles_page = client.get(reverse("accounts:roles"))
    assert roles_page.status_code == 302 and roles_page["Location"] == f"{confirm}?next=/compte/roles/"
    # Nor can such a session remove or replace the second factor.
    for page in (reverse("mfa_deactivate_totp"), reverse("mfa_generate_recovery_codes")):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith(confirm)
    # Confirming with the code opens the pages again.
    response = client.post(f"{confirm}?next=/admin/", {"code": _code(secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("accounts:roles")).status_code == 200


def test_staff_without_a_second_factor_are_sent_to_set_it_up(client):
    staff = UserFactory(is_staff=True, is_superuser=True)  # createsuperuser gives no role: staff all the same
    client.force_login(staff)
    for page in (reverse("admin:index"), reverse("admin:login")):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_a_citizen_gets_no_admin(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("admin:login")).status_code == 403
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
