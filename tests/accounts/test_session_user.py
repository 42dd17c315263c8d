"""The signed-in user is read from the cache on each request (accounts/backends.py): whatever changes
the account must take effect on the very next request."""

from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from accounts.cached import user_key


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    # Signing in saves the user (last login), which leaves a short-lived tombstone in the cache; once it
    # has expired (cleared here), the next request fills the cache with the user.
    cache.clear()
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert cache.get(user_key(user.pk)) is not None
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


def test_a_revoked_role_stops_at_once(organiser, db):
    from accounts.services import revoke_role
    from tests.conftest import with_totp
    from tests.factories import UserFactory

    client = _signed_in(with_totp(organiser))
    assert client.get(reverse("accounts:roles")).status_code == 200
    other = with_totp(UserFactory(roles=["citizen", "organiser"]))
    revoke_role(actor=other, user=organiser, role="organiser")
    assert client.get(reverse("accounts:roles")).status_code == 403


def test_a_new_signing_key_signs_the_sessions_out_though_the_cached_user_carries_the_hash(citizen):
    """The cached user carries its session hash (accounts/session_hash.py): computed under the old
    SECRET_KEY, it must not keep a session alive under a new one."""
    client = _signed_in(citizen)
    with override_settings(SECRET_KEY="a new signing key " + "x" * 40, SECRET_KEY_FALLBACKS=[]):
        assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_the_previous_signing_key_as_a_fallback_keeps_the_sessions(citizen):
    client = _signed_in(citizen)
    old = settings.SECRET_KEY
    with override_settings(SECRET_KEY="a new signing key " + "x" * 40, SECRET_KEY_FALLBACKS=[old]):
        assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_a_new_password_signs_out_a_session_whose_user_was_cached_with_its_hash(citizen):
    """The hash travels with the cached entry; the saved password replaces the entry, and the session
    signed in with the old password is refused on its next request, a vote included."""
    elsewhere = _signed_in(citizen)
    cached_user = cache.get(user_key(citizen.pk))
    assert cached_user.get_session_auth_hash() == citizen.get_session_auth_hash()
    citizen.set_password("another long passphrase 2026")
    citizen.save()
    cache.delete(user_key(citizen.pk))  # as when the tombstone has expired: the entry is rebuilt
    response = elsewhere.post(
        "/consultations/any/propositions/1/vote/", {"value": "agree"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 401
