"""The audit console (/compte/journal/): the log's events, filtered and paged, each with its type in words
(``accounts.event_types``), who acted (``AuditEvent.console_actor``, ``roles.acted_by``) and its object
named, linked to its page only when the reader may see it (the object's layer checks its rule first)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import PacteForm

from . import event_types
from .event_types import ObjectRef
from .models import AuditEvent
from .roles import Role

PER_PAGE = 50
PLATFORM = "platform"  # the role filter's value for the events the platform recorded by itself


def _type_choices():
    return [("", _("Every type")), *((t.code, t.label) for t in event_types.every_type())]


def _object_choices():
    """The kinds the console names (``event_types.register_object_type``): no query, a DISTINCT over the
    whole log on every page load would grow with it."""
    labels = event_types.object_types()
    kinds = sorted(((label, event_types.kind(label)) for label in labels), key=lambda c: str(c[1]).casefold())
    return [("", _("Every kind")), *kinds]


class AuditFilterForm(PacteForm):
    """What the console's filters ask (GET: a link keeps them; no JavaScript needed)."""

    type = forms.ChoiceField(label=_("Event type"), required=False)
    role = forms.ChoiceField(
        label=_("Actor's role"),
        required=False,
        choices=[("", _("Every role")), *Role.choices, (PLATFORM, _("The platform"))],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("To (included)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    object_type = forms.ChoiceField(label=_("Kind of object"), required=False)
    object_id = forms.CharField(
        label=_("Object number"),
        required=False,
        max_length=64,
        help_text=_("With a kind of object: the events about that one object."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = _type_choices()
        self.fields["object_type"].choices = _object_choices()

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date comes before the start date."))
        return cleaned


def filtered_events(filters: dict):
    """The events matching the form's cleaned filters, newest first."""
    events = AuditEvent.objects.order_by("-id")
    if filters.get("type"):
        events = events.filter(action=filters["type"])
    role = filters.get("role")
    if role == PLATFORM:
        events = events.filter(actor_id__isnull=True)
    elif role:
        # Recorded with that role, or recorded before roles were under a type taken under it.
        types = [t.code for t in event_types.every_type() if t.role == role]
        events = events.filter(actor_id__isnull=False).filter(
            Q(actor_role=role) | Q(actor_role="", action__in=types)
        )
    tz = timezone.get_current_timezone()
    if filters.get("since"):
        events = events.filter(created_at__gte=dt.datetime.combine(filters["since"], dt.time.min, tz))
    if filters.get("until"):
        events = events.filter(
            created_at__lt=dt.datetime.combine(filters["until"], dt.time.min, tz) + dt.timedelta(days=1)
        )
    if filters.get("object_type"):
        events = events.filter(object_type=filters["object_type"])
        if filters.get("object_id"):
            events = events.filter(object_id=filters["object_id"].strip())
    return events


@dataclass(frozen=True)
class ConsoleRow:
    event: AuditEvent
    actor: str
    label: str
    known: bool  # False: a type this version has no label for (its code is shown)
    object: ObjectRef | None


@dataclass(frozen=True)
class Console:
    form: AuditFilterForm
    page: Page
    rows: list[ConsoleRow]
    query: str  # the filters as a query string, for the pages' links
    filtered: bool


def console(params, reader) -> Console:
    form = AuditFilterForm(data={k: v for k, v in params.items() if k != "page"} or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(filtered_events(filters), PER_PAGE).get_page(params.get("page"))
    events = list(page.object_list)
    named = event_types.describe(((e.object_type, e.object_id) for e in events), reader)
    rows = [
        ConsoleRow(
            event=e,
            actor=e.console_actor(),
            label=e.label,
            known=event_types.get(e.action) is not None,
            object=named.get((e.object_type, e.object_id)),
        )
        for e in events
    ]
    kept = {k: v for k, v in params.items() if k != "page" and v and k in AuditFilterForm.base_fields}
    return Console(form, page, rows, urlencode(kept), bool(filters and any(filters.values())))
