"""GDPR hooks. `accounts` is the bottom layer and imports no other app; the apps above register here
(in their AppConfig.ready) what they hold about a person and how to erase it.

Exporter: ``fn(user) -> JSON-serialisable data``, stored under its name in the export.
Eraser: ``fn(user, keep_pseudonymous: bool) -> None``; called inside the erasure transaction, before
the identity is wiped. With ``keep_pseudonymous`` the app keeps public contributions (they are already
shown under the pseudonym) and deletes private data; without it, it deletes the contributions too.
"""

from collections.abc import Callable
from typing import Any

_exporters: dict[str, Callable[[Any], Any]] = {}
_erasers: dict[str, Callable[[Any, bool], None]] = {}


def register_exporter(name: str, fn: Callable[[Any], Any]) -> None:
    _exporters[name] = fn


def register_eraser(name: str, fn: Callable[[Any, bool], None]) -> None:
    _erasers[name] = fn


def exporters() -> dict[str, Callable[[Any], Any]]:
    return dict(_exporters)


def erasers() -> dict[str, Callable[[Any, bool], None]]:
    return dict(_erasers)
