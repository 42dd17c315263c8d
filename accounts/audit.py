"""The hash-chained audit log: `record_event` appends, `verify_chain` checks."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import event_types, platform
from .models import AuditEvent
from .roles import Role

GENESIS_HASH = "0" * 64
# Any constant: every writer of the chain takes this PostgreSQL advisory lock, so two concurrent
# transactions cannot both link to the same previous row.
_ADVISORY_LOCK_KEY = 0x50AC7E


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        # Only when set: events recorded before `actor_role` existed keep the hash they were given.
        **({"actor_role": event.actor_role} if event.actor_role else {}),
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _describe_actor(actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "system"
    return actor.pk, actor.pseudonym  # never the e-mail: the log outlives account erasure


def record_event(
    *, actor, action: str, obj: Any = None, details: dict | None = None, as_role: str = ""
) -> AuditEvent:
    """Append one event. Call it inside the service's transaction so the event and the change it
    describes are committed together or not at all. `as_role` is the role (`accounts.roles.Role`) under
    which the actor acted: public pages name the actor by it, in the reader's language, never by pseudonym
    (`AuditEvent.public_actor`); without one, the role the event type declares (`accounts.event_types`),
    so every staff step records its role. Without an actor, the event records why the platform acted
    (`accounts.platform`: the reason the details give, else the task or command running it)."""
    actor_id, actor_label = _describe_actor(actor)
    if not as_role:  # the role its event type is taken under (accounts.event_types), when it names one
        declared = event_types.declared_role(action)
        as_role = declared if declared in Role.values else ""
    if actor_id is None:  # the platform's own: why (accounts/platform.py), unless the details say it
        details = {**platform.current(), **(details or {})}
    object_type = obj._meta.label_lower if hasattr(obj, "_meta") else (type(obj).__name__ if obj else "")
    object_id = str(getattr(obj, "pk", "") or "") if obj is not None else ""
    # Round-trip through JSON so the hash is computed on exactly what the database will return.
    clean_details = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").only("hash").first()
        event = AuditEvent(
            created_at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label,
            actor_role=str(as_role) if actor_id is not None else "",
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=clean_details,
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        event.hash = compute_hash(event)
        event.save()
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None  # id of the first row whose link or content does not verify
    reason: str = ""  # translatable, human-readable

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the log in order; report the first row that was altered, or that follows a deleted row.

    A deletion at the very end of the log leaves no trace inside the chain; deployments that need
    that guarantee publish the latest hash elsewhere (see README, "Audit log")."""
    prev_hash = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev_hash:
            return ChainReport(
                checked, event.pk, _("the link to the previous event is broken (a row was deleted?)")
            )
        if compute_hash(event) != event.hash:
            return ChainReport(
                checked, event.pk, _("its content does not match its hash (the row was altered)")
            )
        prev_hash = event.hash
        checked += 1
    return ChainReport(checked)
