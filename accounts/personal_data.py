"""The one registry of personal data: every model (or file, or cache) that holds data about a person
declares here what erasing that person does to it. `accounts.services.erase_account` walks it; a test
(tests/accounts/test_personal_data_registry.py) fails when a model that points at a user has no entry.

`accounts` is the bottom layer: the apps above register their entries in their AppConfig.ready, so
nothing here imports them.

Each entry names what happens in the two cases a person chooses from (*My account → Delete my
account*):

- ``erase``: they delete their public contributions;
- ``pseudonymise``: they keep them, shown under their pseudonym (as they already were).

and the fate is one of:

- ``DELETE``: the rows go;
- ``BLANK``: the rows stay, the fields in ``blank`` get the values given (the person's link or details go);
- ``KEEP``: the rows stay as they are (under the pseudonym, or already pointing at no one), for the
  reason written in ``why``.

An entry whose rows cannot be found with one lookup (copies keyed by a text hash, files, sessions, rows
to recount) gives a ``handler(user, keep_pseudonymous)`` that does the work; an entry erased by another
entry's handler names it in ``by``. Entries run by ``stage``: ``FIRST`` sees the person's data still in
place (to know which archives held it), ``LAST`` cleans up copies after the sources went.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class Fate(StrEnum):
    DELETE = "delete"
    BLANK = "blank"
    KEEP = "keep"


class Stage(IntEnum):
    FIRST = 0
    NORMAL = 1
    LAST = 2
    IDENTITY = 3  # the account itself, once everything pointing at it is done


@dataclass(frozen=True)
class Entry:
    name: str  # "app_label.ModelName" for a model, else a name such as "file:open-data archives"
    erase: Fate
    pseudonymise: Fate
    why: str
    person: str = ""  # lookup from the model to the user, e.g. "user" or "proposed_by__volunteer__user"
    blank: Mapping[str, Any] = field(default_factory=dict)
    handler: Callable[[Any, bool], None] | None = None
    by: str = ""  # the entry whose handler erases this one
    stage: Stage = Stage.NORMAL

    def fate(self, keep_pseudonymous: bool) -> Fate:
        return self.pseudonymise if keep_pseudonymous else self.erase


_entries: dict[str, Entry] = {}


def register(
    name: str,
    *,
    erase: Fate,
    pseudonymise: Fate | None = None,
    why: str,
    person: str = "",
    blank: Mapping[str, Any] | None = None,
    handler: Callable[[Any, bool], None] | None = None,
    by: str = "",
    stage: Stage = Stage.NORMAL,
) -> Entry:
    """Declare what erasure does to `name`. `pseudonymise` defaults to `erase`. A model entry without a
    handler needs `person`; BLANK needs `blank`."""
    entry = Entry(
        name=name,
        erase=erase,
        pseudonymise=erase if pseudonymise is None else pseudonymise,
        why=why,
        person=person,
        blank=dict(blank or {}),
        handler=handler,
        by=by,
        stage=stage,
    )
    acts = {entry.erase, entry.pseudonymise} != {Fate.KEEP}
    if acts and handler is None and not by and not person:
        raise ValueError(f"{name}: say how to find the person's rows (person=...), or give a handler")
    if Fate.BLANK in {entry.erase, entry.pseudonymise} and handler is None and not entry.blank:
        raise ValueError(f"{name}: BLANK needs the fields to blank")
    _entries[name] = entry
    return entry


def register_staff_records(*names: str, work: str) -> None:
    """Fields that record who on the staff did `work` (an organiser, a facilitator): kept, pointing at
    the erased account, which keeps only its pseudonym (the platform's record of its own work)."""
    why = f"A record of {work} by the staff; it points at the erased account, which keeps only its pseudonym."
    for name in names:
        register(name, erase=Fate.KEEP, why=why)


def entries() -> list[Entry]:
    return sorted(_entries.values(), key=lambda e: e.stage)


def entry(name: str) -> Entry | None:
    return _entries.get(name)


def erase_person(user, keep_pseudonymous: bool) -> None:
    """Apply every entry to `user`, stage by stage (inside the caller's transaction)."""
    from django.apps import apps

    for item in entries():
        if item.by:
            continue
        if item.handler is not None:
            item.handler(user, keep_pseudonymous)
            continue
        fate = item.fate(keep_pseudonymous)
        if fate == Fate.KEEP:
            continue
        rows = apps.get_model(item.name)._default_manager.filter(**{item.person: user})
        if fate == Fate.DELETE:
            rows.delete()
        else:
            rows.update(**item.blank)
