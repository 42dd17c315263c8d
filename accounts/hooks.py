"""Hooks that higher layers fill: `accounts` imports none of them. They register here (in their
AppConfig.ready) what they show on a person's *My account* page.

Account sections: ``fn(user) -> dict | None``; a dict is one section of *My account*, with keys ``title``
(translated) and ``items``, a list of dicts with keys ``label`` (the thing, e.g. a panel's title), ``url``,
``state`` (translated sentence) and optionally ``action_label`` and ``action_url`` (a link, never a form:
the action's own page asks to confirm). None or no item: the section is not shown.
"""

from collections.abc import Callable
from typing import Any

_sections: list[Callable[[Any], dict | None]] = []


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
