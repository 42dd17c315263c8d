"""Declared state machines: a model's life cycle in one table, changed by one helper.

    PANEL = StateMachine(Panel, {
        Panel.Status.DRAFT: {Panel.Status.RECRUITING: rules.may_set_status_before_draw, ...},
        ...
    })
    transition(panel, Panel.Status.RECRUITING, actor=organiser, action="panel.status", as_role=...)

The table maps each state to the states it may go to (in the order pages list them), each with the rule
that permits the step: a predicate `rule(actor, obj)` from the app's `rules.py`, where `actor` is None
for the system's own steps (a task recording a draw; `by_the_system` permits those only). A state
missing from the table is final. One machine per model, registered when declared.

`transition()` is the one way to change the status field: it checks the table and the rule, writes the
field (with the other fields the step changes, one save), calls the caller's `then` hook (what else the
step writes, such as a history row) and records the audit event (`from`, `to` and the caller's details),
inside the caller's transaction; the caller holds the row lock (it read the row `select_for_update`). A
step the table does not declare, or whose rule says no, raises the machine's refusal (`refusal(message)`,
a `Conflict`, 409, by default; the message names both states): services first check the reasons they
can explain to the person (a draw running, a committed draw) and word them; the table is the last word.
A status moved by a guarded bulk UPDATE (a draw's transient progress) takes its guard from the table
(`sources`).

Every machine has a grid test: each (from, to) pair, allowed or refused (`tests/*/test_states.py`,
`tests/analysis/test_run_states.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from .audit import record_event
from .errors import Conflict, ServiceError

Rule = Callable[[Any, Any], bool]

_MACHINES: dict[type, StateMachine] = {}


def by_the_system(actor, _obj) -> bool:
    """The rule of a step the system takes itself (a task), never a person."""
    return actor is None


@dataclass(frozen=True)
class StateMachine:
    """`model`'s life cycle: `transitions` maps each state of `field` to {state it may go to: rule}.
    A refused step raises `refusal(message % {"from": label, "to": label})`."""

    model: type
    transitions: Mapping[str, Mapping[str, Rule]]
    field: str = "status"
    refusal: Callable[[str], ServiceError] = Conflict
    message: str = gettext_lazy("This cannot change from “%(from)s” to “%(to)s”.")

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

    def can(self, source: str, target: str) -> bool:
        """Whether the table declares the step (whoever takes it)."""
        return self.rule(source, target) is not None

    def targets(self, source: str) -> tuple[str, ...]:
        """The states the table lets `source` go to, in declared order."""
        return tuple(self.transitions.get(source, {}))

    def sources(self, target: str) -> list[str]:
        """The states the table lets go to `target`."""
        return [source for source, steps in self.transitions.items() if target in steps]

    def allows(self, obj, target: str, *, actor=None) -> bool:
        rule = self.rule(getattr(obj, self.field), target)
        return rule is not None and bool(rule(actor, obj))

    def label(self, state: str) -> str:
        return str(dict(self.model._meta.get_field(self.field).flatchoices).get(state, state))

    def check(self, obj, target: str, *, actor=None) -> None:
        """Raise the refusal unless the table and the step's rule let `actor` move `obj` to `target`."""
        if not self.allows(obj, target, actor=actor):
            source = getattr(obj, self.field)
            raise self.refusal(self.message % {"from": self.label(source), "to": self.label(target)})


def machine_for(model: type) -> StateMachine | None:
    """The machine declared for `model` (or a parent model), None when it has none."""
    return next((_MACHINES[one] for one in model.__mro__ if one in _MACHINES), None)


def machine_of(obj) -> StateMachine:
    machine = machine_for(type(obj))
    if machine is None:
        raise LookupError(f"no state machine declared for {type(obj).__name__}")
    return machine


def transition(
    obj,
    to: str,
    *,
    actor=None,
    action: str | None,
    as_role: str = "",
    details: dict | None = None,
    changes: Mapping[str, Any] | None = None,
    save_fields: Iterable[str] = (),
    then: Callable[[Any, str], Any] | None = None,
):
    """Move `obj` to the state `to`: checked against its machine's table and the step's rule (else the
    machine's refusal), written (the status, `changes`, and the fields listed in `save_fields` the caller
    set itself), followed by `then(obj, previous_state)` and audited as `action` with
    `{"from", "to", **details}` (`action=None`: a system step recorded on the object itself, not
    audited), in the caller's transaction. Returns `obj`. The caller holds the row lock."""
    machine = machine_of(obj)
    machine.check(obj, to, actor=actor)
    before = getattr(obj, machine.field)
    setattr(obj, machine.field, to)
    for name, value in (changes or {}).items():
        setattr(obj, name, value)
    obj.save(update_fields=[machine.field, *(changes or {}), *save_fields])
    if then is not None:
        then(obj, before)
    if action is not None:
        record_event(
            actor=actor,
            as_role=as_role,
            action=action,
            obj=obj,
            details={"from": str(before), "to": str(to), **(details or {})},
        )
    return obj
