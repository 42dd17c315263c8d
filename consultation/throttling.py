"""The public API's rate limit (DRF throttle), in its own module: REST_FRAMEWORK names it in the
settings, and DRF imports it while ``consultation.api`` is still importing DRF's views."""

from rest_framework.throttling import BaseThrottle

from .ratelimit import is_rate_limited, window_seconds


class PerAddressThrottle(BaseThrottle):
    """The API's limit per client address (PACTE_RATE_API_IP): the same windows, cache and client-address
    rule as the limits on votes and proposals (``consultation.ratelimit``), so a reverse proxy is handled
    in one place. Scripts wanting everything have the open-data archive."""

    def allow_request(self, request, view) -> bool:
        return not is_rate_limited(request, "api")

    def wait(self) -> float | None:
        return window_seconds("api", "ip")
