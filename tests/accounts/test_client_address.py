"""The client's address behind reverse proxies, and the sign-in limits counted on it (issue #16, item 7):
one rule (accounts/network.py) for allauth's limits and the site's own; a client cannot pick its address by
writing X-Forwarded-For; one visitor cannot lock another out."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.network import client_ip
from tests.factories import UserFactory

PROXY = "10.0.0.1"  # the deployment's reverse proxy: every request connects from it
ATTACKER = "203.0.113.5"
VISITOR = "198.51.100.7"


def _sign_in(email: str, password: str, forwarded: str, remote: str = PROXY) -> bool:
    """Post allauth's sign-in form as a new browser would; True when it signed the person in."""
    browser = Client()
    browser.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return "_auth_user_id" in browser.session


@pytest.mark.parametrize(
    ("trusted", "forwarded", "remote", "expected"),
    [
        (0, "", "192.0.2.1", "192.0.2.1"),
        (0, "198.51.100.7", "192.0.2.1", "192.0.2.1"),  # no proxy: the header is the client's own words
        (1, "198.51.100.7", PROXY, "198.51.100.7"),
        (1, "1.2.3.4, 198.51.100.7", PROXY, "198.51.100.7"),  # the leftmost entry is forged
        (1, "", PROXY, PROXY),  # reached the application without the header
        (2, "1.2.3.4, 198.51.100.7, 10.0.0.2", PROXY, "198.51.100.7"),
        (2, "198.51.100.7", PROXY, "198.51.100.7"),  # shorter than the proxies: the furthest one known
        (1, "198.51.100.7:51234", PROXY, "198.51.100.7"),  # a proxy that writes the port
        (1, "[2001:DB8::1]:443", PROXY, "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_entry_written_by_the_trusted_proxies(
    settings, trusted, forwarded, remote, expected
):
    settings.PACTE_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_ten_failed_sign_ins_from_one_address_do_not_block_another_address(settings, citizen, password):
    """The review: ten failed sign-ins with made-up e-mails blocked another account's right password,
    because behind the proxy every visitor had the proxy's address."""
    settings.PACTE_TRUSTED_PROXIES = 1
    other = UserFactory()
    for n in range(10):
        assert not _sign_in(f"made-up-{n}@example.org", "wrong password", forwarded=ATTACKER)
    assert _sign_in(citizen.email, password, forwarded=VISITOR)
    # The limit still holds for the address that failed ten times, even with a right password.
    assert not _sign_in(other.email, password, forwarded=ATTACKER)


def test_a_forged_x_forwarded_for_does_not_escape_the_limit(settings, db, password):
    settings.PACTE_TRUSTED_PROXIES = 1
    other = UserFactory()
    for n in range(10):  # a new made-up address in front of the one the proxy adds, each time
        forged = f"192.0.2.{n}, {ATTACKER}"
        assert not _sign_in(f"made-up-{n}@example.org", "wrong password", forwarded=forged)
    assert not _sign_in(other.email, password, forwarded=f"192.0.2.99, {ATTACKER}")


def test_without_a_proxy_x_forwarded_for_is_ignored(db, password):
    other = UserFactory()  # PACTE_TRUSTED_PROXIES = 0, the default
    for n in range(10):
        forged = f"192.0.2.{n}"
        assert not _sign_in(f"made-up-{n}@example.org", "wrong", forwarded=forged, remote=ATTACKER)
    assert not _sign_in(other.email, password, forwarded="192.0.2.99", remote=ATTACKER)
    assert _sign_in(other.email, password, forwarded=ATTACKER, remote=VISITOR)


def test_wrong_passwords_for_someone_else_do_not_lock_them_out(settings, citizen, password):
    """allauth counted failures per account ("5/5m/key") wherever they came from: five wrong passwords
    typed for someone's e-mail locked that person out. Now per address and account."""
    settings.PACTE_TRUSTED_PROXIES = 1
    for _ in range(5):
        assert not _sign_in(citizen.email, "not the password", forwarded=ATTACKER)
    assert _sign_in(citizen.email, password, forwarded=VISITOR)
    # From the address that failed, that account is locked for a while, even with the right password.
    assert not _sign_in(citizen.email, password, forwarded=ATTACKER)


@override_settings(PACTE_RATE_LIMITS={"api": {"ip": "3/60"}}, PACTE_TRUSTED_PROXIES=1)
def test_the_sites_own_limits_use_the_same_address(client, db):
    """The API's limit per address: a client behind the proxy who writes a new X-Forwarded-For each time
    is still one address; another client behind the same proxy is another."""
    for n in range(3):
        response = client.get(
            "/api/consultations/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}"
        )
        assert response.status_code == 200
    refused = client.get(
        "/api/consultations/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.9, {ATTACKER}"
    )
    assert refused.status_code == 429
    assert (
        client.get("/api/consultations/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VISITOR).status_code == 200
    )
