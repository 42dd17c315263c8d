"""Declared life cycles: per model, one table of the moves it may make, and one `transition()` that
checks a move, writes it and audits it.

An app declares its table in its `states.py` (consultation/states.py, analysis/states.py, ...):

    PHASES = StateMachine({DRAFT: (OPEN,), OPEN: (CLOSED,), CLOSED: ()}, field="phase")

and changes the field only through `transition(obj, to, machine=PHASES, actor=..., rule=...,
audit_action=...)`. A grid test per machine asserts every (from, to) pair, allowed or refused.
"""

from collections.abc import Callable, Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import record_event
from .errors import Conflict, ServiceError


class StateMachine:
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


def transition(
    obj,
    to: str,
    *,
    machine: StateMachine,
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
