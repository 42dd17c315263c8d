"""The audit log's event types and the objects they are about, as the audit console shows them.

One registry: every ``action`` an ``audit.record_event`` (or ``states.transition``) records is declared
here, by the layer that records it, with its label in the reader's language and the role the step is taken
under (``EventType.role``). ``tests/accounts/test_event_types.py`` walks the code and fails on an action
that has no label. The role is recorded with the event when the caller names none (``record_event``), and
is how the console names who took a step recorded before roles were (``AuditEvent.console_actor``): the
log is hash-chained, old events are never rewritten.

The objects are named by the layer that owns them too (``register_object_type``): a function that gets
the ids of one model's objects and the reader, checks the reader's rule first, and only then reads what
it may show, with the page's address; an object the reader may not see reads as its kind and number
("Recommendation no. 11"), with no link.

This layer imports none of the layers above: they register theirs in their ``AppConfig.ready``
(``consultation/audit_events.py``, ``deliberation/audit_events.py``, ``analysis/audit_events.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .roles import Role


@dataclass(frozen=True)
class EventType:
    code: str
    label: object  # lazy translation: worded when shown
    #: The role the step is taken under (an `accounts.roles.Role`, or `roles.PANEL_TEAM` when it may be the
    #: organisers' or the facilitators'); "" for a person acting on their own account, or the platform.
    role: str = ""


@dataclass(frozen=True)
class ObjectRef:
    name: str  # in the reader's language
    url: str = ""  # only when the reader may see the page


#: (model label, ids, reader) -> {id: ObjectRef}
Describer = Callable[[list[str], object], Mapping[str, ObjectRef]]

_types: dict[str, EventType] = {}
_describers: dict[str, Describer] = {}


def register(*types: EventType) -> None:
    """Declare event types (each layer, in its ``AppConfig.ready``); a code declared twice is a mistake."""
    for event_type in types:
        if event_type.code in _types and _types[event_type.code] != event_type:
            raise ValueError(f"Event type {event_type.code!r} declared twice.")
        _types[event_type.code] = event_type


def get(code: str) -> EventType | None:
    return _types.get(code)


def label(code: str) -> str:
    """The event type in the reader's language; the code itself for a type this version does not know."""
    event_type = _types.get(code)
    return str(event_type.label) if event_type else code


def declared_role(code: str) -> str:
    event_type = _types.get(code)
    return event_type.role if event_type else ""


def every_type() -> list[EventType]:
    """Every declared type, by label in the reader's language (the console's filter)."""
    return sorted(_types.values(), key=lambda t: str(t.label).casefold())


_kinds: dict[str, object] = {}


def register_object_type(model_label: str, describer: Describer, *, kind: object = None) -> None:
    """Declare how the console names and links one model's objects (``app_label.modelname``); ``kind``:
    its name, when the model's ``verbose_name`` is not the one to show."""
    _describers[model_label] = describer
    if kind is not None:
        _kinds[model_label] = kind


def object_types() -> list[str]:
    """The models whose objects the console names (its "Kind of object" filter)."""
    return sorted(_describers)


def kind(model_label: str) -> str:
    """The model's name in the reader's language ("Consultation"), or the label for an unknown one."""
    if model_label in _kinds:
        return str(_kinds[model_label])
    try:
        return capfirst(str(apps.get_model(model_label)._meta.verbose_name))
    except (LookupError, ValueError):
        return model_label


def numbered(model_label: str, object_id: str) -> ObjectRef:
    """The object by its kind and number, no link: what a reader who may not see it reads."""
    return ObjectRef(gettext("%(kind)s no. %(id)s") % {"kind": kind(model_label), "id": object_id})


def describe(objects: Iterable[tuple[str, str]], reader) -> dict[tuple[str, str], ObjectRef]:
    """Name (and link, where the reader may see it) every (model label, id) of a page of the log: one call
    per model, whatever the number of events."""
    by_type: dict[str, set[str]] = {}
    for model_label, object_id in objects:
        if model_label and object_id:
            by_type.setdefault(model_label, set()).add(object_id)
    named: dict[tuple[str, str], ObjectRef] = {}
    for model_label, ids in by_type.items():
        describer = _describers.get(model_label)
        found = describer(sorted(ids), reader) if describer else {}
        for object_id in ids:
            named[(model_label, object_id)] = found.get(object_id) or numbered(model_label, object_id)
    return named


def whole_ids(ids: Iterable[str]) -> list[int]:
    """The ids that are whole numbers (an object id is stored as text)."""
    return [int(i) for i in ids if i.isascii() and i.isdigit()]


def describer_for(
    model_label: str,
    *,
    load: Callable[[list[int]], Iterable],
    may_see: Callable[[object, object], bool],
    name: Callable[[object], str],
    url: Callable[[object], str],
) -> Describer:
    """A describer from its parts: ``load`` the objects (with what the rule and the name read),
    ``may_see(reader, obj)`` the page's rule, asked before ``name`` reads anything of the object;
    ``url`` its page."""

    def describe_all(ids: list[str], reader) -> dict[str, ObjectRef]:
        refs = {}
        for obj in load(whole_ids(ids)):
            if may_see(reader, obj):
                refs[str(obj.pk)] = ObjectRef(name(obj), url(obj))
            else:
                refs[str(obj.pk)] = numbered(model_label, str(obj.pk))
        return refs

    return describe_all


# --------------------------------------------------------------------------------------------------
# This layer's own
# --------------------------------------------------------------------------------------------------

ACCOUNT_EVENT_TYPES = [
    EventType("account.created", _("Account created")),
    EventType("account.email_notices", _("E-mail notices switched on or off")),
    EventType("account.notice_preference", _("Notification preferences changed")),
    EventType("account.digest_unsubscribed", _("Unsubscribed from the digest by its link")),
    EventType("account.exported", _("Personal data downloaded")),
    EventType("account.erased", _("Account erased at its holder's request")),
    EventType("consent.granted", _("Consent given")),
    EventType("consent.withdrawn", _("Consent withdrawn")),
    EventType("profile.updated", _("Profile updated")),
    EventType("role.granted", _("Role granted"), Role.ORGANISER),
    EventType("role.revoked", _("Role revoked"), Role.ORGANISER),
    EventType("admin.changed", _("Changed in the administration site")),
    EventType("admin.added", _("Added in the administration site")),
    EventType("admin.deleted", _("Deleted in the administration site")),
]

register(*ACCOUNT_EVENT_TYPES)


def _accounts(ids: list[str], reader) -> dict[str, ObjectRef]:
    """An account by the pseudonym the log knows it by (no page to link to: the console is organisers')."""
    from .models import User
    from .rules import can_view_audit_log

    if not can_view_audit_log(reader):
        return {}
    return {
        str(pk): ObjectRef(gettext("Account %(pseudonym)s") % {"pseudonym": pseudonym})
        for pk, pseudonym in User.objects.filter(pk__in=whole_ids(ids)).values_list("pk", "pseudonym")
    }


register_object_type("accounts.user", _accounts)
