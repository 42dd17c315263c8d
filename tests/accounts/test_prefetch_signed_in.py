"""A signed-in request reads its session and its cached user in one Redis round trip
(accounts/prefetch.py); who is signed in is still decided by the session alone."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from redis import client as redis_client

from accounts import prefetch
from accounts.cached import user_key
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    "redis" not in settings.CACHES["default"]["BACKEND"].lower(), reason="the prefetch needs Redis"
)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    cache.delete(user_key(user.pk))  # signing in left a short-lived tombstone
    assert client.get(reverse("accounts:dashboard")).status_code == 200  # this process learns the session
    return client


def _round_trips(monkeypatch) -> list[str]:
    trips = []
    command, pipeline = redis_client.Redis.execute_command, redis_client.Pipeline.execute

    def counted_command(self, *args, **kwargs):
        if not isinstance(self, redis_client.Pipeline):
            trips.append(str(args[0]))
        return command(self, *args, **kwargs)

    def counted_pipeline(self, *args, **kwargs):
        trips.append("pipeline " + " ".join(str(c[0][0]) for c in self.command_stack))
        return pipeline(self, *args, **kwargs)

    monkeypatch.setattr(redis_client.Redis, "execute_command", counted_command)
    monkeypatch.setattr(redis_client.Pipeline, "execute", counted_pipeline)
    return trips


def test_a_signed_in_page_reads_session_and_user_in_one_round_trip(citizen, monkeypatch):
    client = _signed_in(citizen)
    trips = _round_trips(monkeypatch)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert trips[0] == "pipeline GET GET"
    assert "GET" not in trips[1:]  # neither the session nor the user read again


def test_signing_out_ends_the_session_for_whoever_replays_its_cookie(citizen):
    client = _signed_in(citizen)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = replay.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_new_password_signs_out_the_other_sessions_read_in_one_round_trip(citizen):
    elsewhere = _signed_in(citizen)
    citizen.set_password("another long passphrase 2026")
    citizen.save()
    assert elsewhere.get(reverse("accounts:dashboard")).status_code == 302
    cache.delete(user_key(citizen.pk))  # once the tombstone has expired: the rebuilt entry refuses too
    assert elsewhere.get(reverse("accounts:dashboard")).status_code == 302


def test_the_remembered_owner_is_only_a_hint(citizen, db):
    """Even if this process remembered another person for the session, the session decides who is
    signed in."""
    client = _signed_in(citizen)
    other = UserFactory()
    _signed_in(other)
    prefetch._owners[client.cookies[settings.SESSION_COOKIE_NAME].value] = str(other.pk)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == citizen.pk
