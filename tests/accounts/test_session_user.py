"""The signed-in user is read from the cache on each request (accounts/backends.py): whatever changes
the account must take effect on the very next request."""

from django.test import Client
from django.urls import reverse


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(reverse("accounts:dashboard")).status_code == 200  # the cache now holds the user
    return client


def test_a_deactivated_account_is_signed_out_at_once(citizen):
    client = _signed_in(citizen)
    citizen.is_active = False
    citizen.save()
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_new_password_signs_out_the_other_sessions(citizen):
    elsewhere = _signed_in(citizen)
    citizen.set_password("another long passphrase 2026")
    citizen.save()
    assert elsewhere.get(reverse("accounts:dashboard")).status_code == 302


def test_an_erased_account_is_signed_out_at_once(citizen):
    client = _signed_in(citizen)
    citizen.delete()
    assert client.get(reverse("accounts:dashboard")).status_code == 302
