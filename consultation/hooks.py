"""Hooks that higher layers fill. `consultation` never imports `deliberation` or `analysis`; they register
here (in their AppConfig.ready) what they know about a contribution.

Contribution fate: ``fn(proposal) -> list[dict]``; each dict is one fact shown on the citizen's
"My contributions" page, with keys ``label`` (translated text) and optionally ``url``. Example from
analysis: ``{"label": "Grouped in the theme 'Consent by use'", "url": "/analyse/themes/12/"}``.
"""

from collections.abc import Callable
from typing import Any

_fate_providers: list[Callable[[Any], list[dict]]] = []


def register_contribution_fate(fn: Callable[[Any], list[dict]]) -> None:
    if fn not in _fate_providers:
        _fate_providers.append(fn)


def contribution_fate(proposal) -> list[dict]:
    facts: list[dict] = []
    for provider in _fate_providers:
        facts.extend(provider(proposal) or [])
    return facts
