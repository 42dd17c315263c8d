"""When a consultation accepts contributions: one rule, in the three forms its checks need.

A consultation accepts contributions (answers, proposals, votes, accepting its charter) now when its phase
is open AND it has no closing time or its closing time is still ahead. At the closing time itself it
takes no more: the closing time the pages announce is when contributions stop, whether or not the beat
has run yet (services/closing.py still moves the phase at that time, for the history, the audit and the
notices, but no longer decides when contributions stop).

The rule is written once, as `PHASE` and `CLOSES_AT`, and given in three forms built from them:

- `accepts_contributions(consultation, now)`: on a loaded row (rules.can_contribute and the pages);
- `accepting_contributions(now)`: a `Q` for querysets (the home page's open consultations);
- `guard_sql(alias)` with `sql_params(now)`: a SQL condition on a consultation row, for hand-written
  statements (the vote's `services.votes.TARGET_GUARD`, on both vote paths).

tests/consultation/test_closing_time_stops_contributions.py checks that the three agree on the same rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from .models import Consultation

#: The phase in which a consultation takes contributions...
PHASE = Consultation.Phase.OPEN
#: ...until this field's time (None: no closing time), exclusive.
CLOSES_AT = "closes_at"


def accepts_contributions(consultation: Consultation, now: dt.datetime | None = None) -> bool:
    """Whether `consultation` takes contributions at `now` (default: now)."""
    if consultation.phase != PHASE:
        return False
    closes_at = getattr(consultation, CLOSES_AT)
    return closes_at is None or closes_at > (now or timezone.now())


def accepting_contributions(now: dt.datetime | None = None) -> Q:
    """The consultations that take contributions at `now` (default: now), for `.filter()`."""
    ahead = Q(**{f"{CLOSES_AT}__isnull": True}) | Q(**{f"{CLOSES_AT}__gt": now or timezone.now()})
    return Q(phase=PHASE) & ahead


def guard_sql(alias: str) -> str:
    """The rule as a SQL condition on the consultation row `alias`; its parameters are `sql_params`'s
    (`%(open)s` and `%(now)s`, the names the vote's statements already use)."""
    phase, closes_at = (Consultation._meta.get_field(name).column for name in ("phase", CLOSES_AT))
    return f"{alias}.{phase} = %(open)s AND ({alias}.{closes_at} IS NULL OR {alias}.{closes_at} > %(now)s)"


def sql_params(now: dt.datetime) -> dict:
    return {"open": PHASE.value, "now": now}
