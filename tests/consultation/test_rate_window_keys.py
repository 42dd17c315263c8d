"""A rate limit's window never keeps the client's address in a form anyone can reverse: a plain hash of an
IPv4 address is found by hashing the 2**32 of them. Every window key, in Redis and in the vote's windows'
table, is a digest keyed by SECRET_KEY (consultation/ratelimit.py: window_key)."""

import hashlib

from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from consultation import ratelimit, services
from consultation.models import Proposal
from consultation.vote_limit import RateWindow
from tests.factories import UserFactory

ADDRESS = "203.0.113.77"


def _unkeyed_digests(value: str) -> set[str]:
    """What every unkeyed hash of the standard library makes of `value`, as hex, cut to the 24 characters a
    key keeps: any of them in a stored key would give the address away."""
    digests = set()
    for name in hashlib.algorithms_guaranteed:
        hashed = hashlib.new(name, value.encode())
        text = hashed.hexdigest(32) if name.startswith("shake") else hashed.hexdigest()
        digests.add(text[:24])
    return digests


def _stored_keys() -> list[str]:
    keys = list(RateWindow.objects.values_list("key", flat=True))
    keys += [key.decode() for key in cache._cache.get_client().keys("*rl:*")]
    return keys


@override_settings(PACTE_RATE_LIMITS={"vote": {"user": "50/60", "ip": "500/60"}, "proposal": {"ip": "50/60"}})
def test_no_stored_window_key_gives_the_address_away(consultation):
    cache.clear()
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    user = UserFactory()
    services.accept_charter(user=user, consultation=consultation)
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(user)
    vote = reverse("consultation:vote", args=[consultation.slug, proposal.pk])
    for value in ("agree", "disagree"):
        assert client.post(vote, {"value": value}, HTTP_ACCEPT="application/json").status_code == 200
    proposing = RequestFactory().post("/", REMOTE_ADDR=ADDRESS)
    proposing.user = user
    assert not ratelimit.is_rate_limited(proposing, "proposal")

    keys = _stored_keys()
    assert RateWindow.objects.filter(scope="ip").exists(), "the vote's address window was not counted"
    assert any(":ip:" in key for key in keys), "no address window reached the cache"
    leaked = _unkeyed_digests(ADDRESS)
    for key in keys:
        assert ADDRESS not in key
        assert not any(digest in key for digest in leaked), f"{key} is an unkeyed hash of the address"


def test_the_key_depends_on_the_secret_key():
    with override_settings(SECRET_KEY="one secret key long enough for this test " * 2):
        first = ratelimit.window_key("vote", "ip", ADDRESS)
    with override_settings(SECRET_KEY="another secret key long enough for this one " * 2):
        second = ratelimit.window_key("vote", "ip", ADDRESS)
    assert first != second
