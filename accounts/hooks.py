"""Hooks that higher layers fill: `accounts` imports none of them. They register here (in their
AppConfig.ready) what they show on a person's *My account* page.

Account sections: ``fn(user) -> dict | None``; a dict is one section of *My account*, with keys ``title``
(translated) and ``items``, a list of dicts with keys ``label`` (the thing, e.g. a panel's title), ``url``,
``state`` (translated sentence) and optionally ``language`` (the label's language tag when it is known and
may differ from the page's: the page marks it with ``lang``), ``action_label`` and ``action_url`` (a link,
never a form: the action's own page asks to confirm). None or no item: the section is not shown.

Consent wording: ``fn(versions) -> dict`` registered for one consent purpose; given the recorded version
codes of that purpose (e.g. ``data-donation:v2`` for a consultation's charter), it returns for each code
it knows a dict with keys ``subject`` (what was consented to, e.g. the consultation's title) and
``version`` (the version in words), both translated. *My account* shows these instead of the codes.
"""

from collections.abc import Callable
from typing import Any

_sections: list[Callable[[Any], dict | None]] = []
_consent_wording: dict[str, Callable[[list[str]], dict[str, dict]]] = {}


def register_account_section(fn: Callable[[Any], dict | None]) -> None:
    if fn not in _sections:
        _sections.append(fn)


def account_sections(user) -> list[dict]:
    sections = []
    for provider in _sections:
        section = provider(user)
        if section and section.get("items"):
            sections.append(section)
    return sections


def register_consent_wording(purpose: str, fn: Callable[[list[str]], dict[str, dict]]) -> None:
    _consent_wording[purpose] = fn


def consent_wording(purpose: str, versions: list[str]) -> dict[str, dict]:
    """{version code: {"subject": ..., "version": ...}} for the codes a registered provider knows."""
    provider = _consent_wording.get(purpose)
    return provider(sorted(set(versions))) if provider and versions else {}
