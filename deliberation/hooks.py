"""Hooks that the layer above (`analysis`) fills; `deliberation` never imports it.

Recommendation sections: ``fn(recommendation, user) -> dict | None``, one section shown on the
recommendation's page, registered in the higher app's AppConfig.ready: ``{"title": translated heading,
"items": [{"label", "url"}], "empty": text shown when there is no item, "action": {"label", "url"} or
None}``. Analysis adds the themes of the consultation's synthesis linked to the recommendation, and the
way to link them for those who run the panel. The page has already checked that the reader may see the
recommendation; the provider decides what of its own it shows.
"""

from collections.abc import Callable
from typing import Any

_section_providers: list[Callable[[Any, Any], dict | None]] = []


def register_recommendation_section(fn: Callable[[Any, Any], dict | None]) -> None:
    if fn not in _section_providers:
        _section_providers.append(fn)


def recommendation_sections(recommendation, user) -> list[dict]:
    return [s for s in (provider(recommendation, user) for provider in _section_providers) if s]
