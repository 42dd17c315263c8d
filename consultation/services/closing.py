"""Closing consultations whose closing time has passed (the beat's `consultation.close_due` task,
every PACTE_CLOSING_SWEEP_SECONDS, and `python manage.py close_due_consultations`).

This module does not decide when contributions stop: the closing time does. Whether a consultation takes
contributions is one rule, consultation/accepting.py (phase open AND no closing time or one still
ahead), read by every check: rules.can_contribute (so the services that answer, propose, vote and
accept the charter), the vote's SQL guard `votes.TARGET_GUARD` on both vote paths, the pages and cards
(consultation/presenters.py: "Closed on …" and no controls from the closing time on). So at the closing
time contributions stop, whether this runs a minute later or not at all (the beat down).

This module then moves the phase at the time planned, through the phase's declared step
(`consultations.transition`, no actor, `platform=CLOSING_TIME`: the history's "By" says "The platform
(closing time reached)", not a person), so the close is checked, kept in the phase history and audited
as an organiser's close, and what follows a closed phase (public results, the synthesis)
follows. Until it runs (at most one period), the
phase still reads open but nothing can be contributed, and the pages already say it is closed.

Safe to run again and at once on several hosts: each due consultation is closed in its own transaction,
on its row read `select_for_update(skip_locked=True)` and filtered again (still open, still due), so a row
that another run holds is skipped by this one and a row it has closed no longer matches."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .. import accepting
from ..models import Consultation, PhaseChange
from .consultations import transition


def _due(now: dt.datetime):
    """Open consultations that no longer take contributions (accepting.py's rule): their closing time has
    come."""
    return Consultation.objects.filter(phase=accepting.PHASE).exclude(accepting.accepting_contributions(now))


def close_due_consultations(*, now: dt.datetime | None = None, only: Consultation | None = None) -> list[str]:
    """Close every open consultation whose closing time is `now` or earlier (`only`: that one, if due);
    returns the slugs this run closed (the others were closed by another run, or are not due)."""
    now = now or timezone.now()
    due = _due(now) if only is None else _due(now).filter(pk=only.pk)
    closed = []
    for pk in list(due.order_by("closes_at", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            row = _due(now).select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:  # closed meanwhile, moved, or being closed by another run
                continue
            transition(
                actor=None,
                consultation=row,
                to_phase=Consultation.Phase.CLOSED,
                platform=PhaseChange.Platform.CLOSING_TIME,
            )
            closed.append(row.slug)
    return closed


def close_if_due(consultation: Consultation) -> bool:
    """What the beat would do for this one consultation, now: the organisers' page runs it before it
    shows the phase, so an organiser never sees "open" (and no Reopen) for a consultation whose closing
    time has passed. True when it closed it here; the row passed in is then refreshed."""
    if consultation.phase != accepting.PHASE or accepting.accepts_contributions(consultation):
        return False
    if not close_due_consultations(only=consultation):
        return False
    consultation.refresh_from_db()
    return True
