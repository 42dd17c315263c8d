"""Short names a consultation may not take: the words of the site's own addresses.

A consultation's pages live at ``consultations/<slug>/``, ``analyse/<slug>/`` and ``api/.../<slug>/``,
beside fixed pages at the same place (``consultations/moderation/``, ``analyse/tableau-de-bord/``...).
A consultation called ``moderation`` would have its page hidden behind the moderation queue. The
reserved words are read from the URLconf itself, so a new fixed page reserves its word with no list to
keep up to date.
"""

from __future__ import annotations

from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

SLUG = "<slug:slug>"


def _routes(patterns, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every route of the URLconf as its path segments (regex patterns, e.g. the admin's, are skipped
    below their prefix)."""
    routes = []
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        segments = prefix + tuple(s for s in str(entry.pattern).split("/") if s)
        if isinstance(entry, URLResolver):
            routes.extend(_routes(entry.url_patterns, segments))
        elif isinstance(entry, URLPattern):
            routes.append(segments)
    return routes


@cache
def reserved_slugs() -> frozenset[str]:
    """The fixed words found where a consultation's slug stands in some other address."""
    routes = _routes(get_resolver().url_patterns)
    slug_places = {(r[:i], i) for r in routes for i, s in enumerate(r) if s == SLUG}
    return frozenset(
        route[i]
        for route in routes
        for prefix, i in slug_places
        if len(route) > i and route[:i] == prefix and "<" not in route[i]
    )
