"""Declared state machines: a model's life cycle in one table, changed by one helper.

    PANEL = StateMachine(Panel, {
        Panel.Status.DRAFT: {Panel.Status.RECRUITING: rules.may_set_status_before_draw, ...},
        ...
    })
    transition(panel, Panel.Status.RECRUITING, actor=organiser, action="panel.status", as_role=...)

The table maps each state to the states it may go to, each with the rule that permits the step: a
predicate `rule(actor, obj)` from the app's `rules.py`, where `actor` is None for the system's own steps
(a task recording a draw's result). A state missing from the table is final.

`transition()` is the one way to change the status field: it checks the table and the rule, writes the
field (with the other fields the step changes, one save), and records the audit event (`from`, `to` and
the caller's details), inside the caller's transaction. A step the table does not declare, or whose rule
says no, raises the machine's refusal (a `ServiceError`, 409 by default): services first check the
reasons they can explain to the person (a draw running, a committed draw) and word them; the table is the
last word. A status moved by a guarded bulk UPDATE (a draw's transient progress) takes its guard from the
table (`sources`).

Every machine has a grid test: each (from, to) pair, allowed or refused (`tests/*/test_states.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import record_event
from .errors import Conflict, ServiceError

Rule = Callable[[Any, Any], bool]

_MACHINES: dict[type, StateMachine] = {}


@dataclass(frozen=True)
class StateMachine:
    model: type
    transitions: Mapping[str, Mapping[str, Rule]]
    field: str = "status"
    refusal: type[ServiceError] = Conflict

    def __post_init__(self) -> None:
        known = {value for value, _label in self.model._meta.get_field(self.field).flatchoices}
        named = set(self.transitions) | {to for steps in self.transitions.values() for to in steps}
        unknown = named - known
        if unknown:
            raise ValueError(f"{self.model.__name__}.{self.field} has no state {sorted(unknown)}")
        _MACHINES[self.model] = self

    @property
    def states(self) -> list[str]:
        return [value for value, _label in self.model._meta.get_field(self.field).flatchoices]

    def rule(self, source: str, target: str) -> Rule | None:
        """The rule of the step, or None when the table does not declare it."""
        return self.transitions.get(source, {}).get(target)

    def sources(self, target: str) -> list[str]:
        """The states the table lets go to `target`."""
        return [source for source, steps in self.transitions.items() if target in steps]

    def allows(self, obj, target: str, *, actor=None) -> bool:
        rule = self.rule(getattr(obj, self.field), target)
        return rule is not None and bool(rule(actor, obj))

    def label(self, state: str) -> str:
        return str(dict(self.model._meta.get_field(self.field).flatchoices).get(state, state))


def machine_of(obj) -> StateMachine:
    for model in type(obj).__mro__:
        if model in _MACHINES:
            return _MACHINES[model]
    raise LookupError(f"no state machine declared for {type(obj).__name__}")


def transition(
    obj,
    to: str,
    *,
    actor=None,
    action: str,
    as_role: str = "",
    details: dict | None = None,
    changes: Mapping[str, Any] | None = None,
    save_fields: Iterable[str] = (),
):
    """Move `obj` to the state `to`: checked against its machine's table and the step's rule, written
    (the status, `changes`, and the fields listed in `save_fields` the caller set itself), audited as
    `action` with `{"from", "to", **details}`. Returns `obj`. The caller holds the row lock."""
    machine = machine_of(obj)
    before = getattr(obj, machine.field)
    if not machine.allows(obj, to, actor=actor):
        raise machine.refusal(
            _("This cannot change from “%(source)s” to “%(target)s”.")
            % {"source": machine.label(before), "target": machine.label(to)}
        )
    setattr(obj, machine.field, to)
    for name, value in (changes or {}).items():
        setattr(obj, name, value)
    obj.save(update_fields=[machine.field, *(changes or {}), *save_fields])
    record_event(
        actor=actor,
        as_role=as_role,
        action=action,
        obj=obj,
        details={"from": str(before), "to": str(to), **(details or {})},
    )
    return obj


# --- Not yet unified (issue #17): the consultation phases and pipeline runs use this older form. -----


class TableMachine:
    """The moves a model's `field` may make: `transitions` maps each state to the states it may go to
    (in the order pages list them). A state absent from the keys is final."""

    def __init__(
        self,
        transitions: Mapping[str, Iterable[str]],
        *,
        field: str = "status",
        refusal: Callable[[object, str, str], ServiceError] | None = None,
    ) -> None:
        self.transitions = {
            str(state): tuple(str(to) for to in targets) for state, targets in transitions.items()
        }
        self.field = field
        self._refusal = refusal

    @property
    def states(self) -> tuple[str, ...]:
        seen = dict.fromkeys(self.transitions)
        for targets in self.transitions.values():
            seen.update(dict.fromkeys(targets))
        return tuple(seen)

    def can(self, current: str, to: str) -> bool:
        return str(to) in self.transitions.get(str(current), ())

    def targets(self, current: str) -> tuple[str, ...]:
        """Where a `current` object may go, in declared order."""
        return self.transitions.get(str(current), ())

    def sources(self, to: str) -> tuple[str, ...]:
        """The states from which an object may move to `to`."""
        return tuple(state for state, targets in self.transitions.items() if str(to) in targets)

    def refusal(self, obj, current: str, to: str) -> ServiceError:
        if self._refusal is not None:
            return self._refusal(obj, current, to)
        return Conflict(
            _("This change is not possible: from “%(from)s” to “%(to)s”.") % {"from": current, "to": to}
        )


def locked_transition(
    obj,
    to: str,
    *,
    machine: TableMachine,
    actor,
    rule: Callable | None = None,
    guard: Callable | None = None,
    audit_action: str | None = None,
    also: Mapping[str, object] | None = None,
    then: Callable | None = None,
):
    """Move `obj` to `to`: lock its row, check the table, then `rule(actor, locked, to)` (skipped for
    the system, `actor=None`), then `guard(locked)` (a check of the object's content, raising a
    ServiceError), write the field and the fields in `also`, call `then(locked, previous_state)` for
    what else the move writes (a history row), and record `audit_action` with {"from", "to"}. One
    transaction; the locked row, moved, is returned and `obj` is moved with it.
    Raises the machine's refusal when the move is not in the table or the rule refuses it."""
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        current = getattr(locked, machine.field)
        allowed = machine.can(current, to) and (actor is None or rule is None or rule(actor, locked, to))
        if not allowed:
            raise machine.refusal(locked, current, to)
        if guard is not None:
            guard(locked)
        changes = {machine.field: to, **(also or {})}
        for name, value in changes.items():
            setattr(locked, name, value)
            setattr(obj, name, value)
        locked.save(update_fields=list(changes))
        if then is not None:
            then(locked, current)
        if audit_action:
            record_event(actor=actor, action=audit_action, obj=locked, details={"from": current, "to": to})
    return locked
