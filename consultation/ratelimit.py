"""Cache-based rate limits per user and per IP address (Redis in production, local memory otherwise).

Rates are set in settings.PACTE_RATE_LIMITS as "<count>/<seconds>" per action and scope, e.g.
{"vote": {"user": "120/60", "ip": "1200/60"}}. A fixed window per (action, scope, key) is enough here:
the aim is to stop floods and scripts, not to shape traffic precisely.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the reverse proxy REMOTE_ADDR is the proxy; deployments set PACTE_CLIENT_IP_HEADER.
    header = getattr(settings, "PACTE_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _parse(rate: str) -> tuple[int, int]:
    count, seconds = rate.split("/")
    return int(count), int(seconds)


def _hit(key: str, limit: int, seconds: int) -> bool:
    """Count one hit; True when the limit is exceeded. One cache round trip once the window exists."""
    try:
        return cache.incr(key) > limit
    except ValueError:  # no window yet (or it just expired): open one
        if cache.add(key, 1, timeout=seconds):
            return limit < 1
        return cache.incr(key) > limit


def is_rate_limited(request, action: str) -> bool:
    """Count this request against the per-user and per-IP limits of `action`; True when over either."""
    rates = settings.PACTE_RATE_LIMITS.get(action, {})
    keys = {"ip": client_ip(request)}
    if request.user.is_authenticated:
        keys["user"] = str(request.user.pk)
    limited = False
    for scope, rate in rates.items():
        if scope not in keys:
            continue
        limit, seconds = _parse(rate)
        digest = hashlib.sha256(keys[scope].encode()).hexdigest()[:24]
        limited |= _hit(f"rl:{action}:{scope}:{digest}", limit, seconds)
    return limited
