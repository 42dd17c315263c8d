"""The client's address: one rule for every limit that counts per address (the site's own rate limits in
``consultation.ratelimit``, the API's throttle, and allauth's login and sign-up limits through
``AccountAdapter.get_client_ip``).

Behind reverse proxies the connection comes from the nearest proxy (REMOTE_ADDR), and each proxy appends
the address it received the request from to X-Forwarded-For. Only the entries written by the deployer's
own proxies can be believed: anything further left came from the client, who may write what it likes.
With ``PACTE_TRUSTED_PROXIES = n`` the client is therefore the address n steps from the right of
X-Forwarded-For + [REMOTE_ADDR] (with n = 1: the last X-Forwarded-For entry, written by the one proxy).
With n = 0 (the default: no proxy) X-Forwarded-For is ignored. The application must then be reachable
only through those proxies (gunicorn bound to 127.0.0.1 or a private network): a client that reaches it
directly could otherwise write the entry the proxy would have written.
"""

import functools
import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The address of the client that sent `request` (see the module's docstring); "" if unknown."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = getattr(settings, "PACTE_TRUSTED_PROXIES", 0)
    if trusted <= 0:
        return _clean(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [entry.strip() for entry in forwarded.split(",") if entry.strip()] + [remote]
    # chain[-1] is the nearest proxy; each of the `trusted` proxies wrote the entry before its own.
    # A chain shorter than that did not come through every proxy: its leftmost entry is the best known.
    return _clean(chain[max(len(chain) - 1 - trusted, 0)])


@functools.lru_cache(maxsize=4096)  # parsed once per address, not on every request it sends
def _clean(address: str) -> str:
    """The address in its canonical form, without a port or IPv6 brackets when a proxy wrote them
    ("192.0.2.1:5678", "[2001:db8::1]:443"); anything unparsable is kept as written (still one key)."""
    address = address.strip()[:100]
    candidates = [address]
    if address.startswith("[") and "]" in address:
        candidates.append(address[1 : address.index("]")])
    elif address.count(":") == 1:
        candidates.append(address.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return address
