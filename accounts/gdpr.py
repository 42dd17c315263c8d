"""GDPR export hooks. `accounts` is the bottom layer and imports no other app; the apps above register
here (in their AppConfig.ready) what they hold about a person, for the export.

Exporter: ``fn(user) -> JSON-serialisable data``, stored under its name in the export.

Erasure is declared in the personal-data registry, `accounts.personal_data`.
"""

from collections.abc import Callable
from typing import Any

_exporters: dict[str, Callable[[Any], Any]] = {}


def register_exporter(name: str, fn: Callable[[Any], Any]) -> None:
    _exporters[name] = fn


def exporters() -> dict[str, Callable[[Any], Any]]:
    return dict(_exporters)
