"""The demo's clock: the demo loaders (`load_consultation --demo-contributions`, `load_panel_demo`) date
each step of the demo's history when it happened, counted back from the day the demo is loaded, so the
story reads in order whenever `make demo` runs:

    consultation opened (DEMO_TIMELINE["consultation_opens"] days ago)
    -> volunteers called for the panel -> draw -> three sessions -> votes closed, panel closed
    -> decision-makers' answers and milestones (some done, one late, some due in the future)
    -> the broad-listening synthesis and the answers to the consultation (today).

Lowest layer (accounts), so the consultation's loader and the panel's share one timeline."""

from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from unittest import mock

from django.db.models import DateTimeField
from django.utils import timezone

#: Days before the day the demo is loaded. The panel's votes close more than 90 days ago, so the answers
#: still awaited are overdue (`PACTE_ANSWER_OVERDUE_DAYS`); every answer is dated before today.
DEMO_TIMELINE = {
    "consultation_opens": 165,
    "volunteers_called": 150,
    "first_session": 120,
}
#: Days between two sessions of the demo panel (the third, the votes, is 92 days before loading).
SESSION_INTERVAL_DAYS = 14

_REAL_NOW = timezone.now  # what the models' ``default=timezone.now`` fields call


def days_ago(days: int, hour: int = 10) -> datetime:
    """``hour`` o'clock, Paris time, ``days`` days before today."""
    return on_day(timezone.localdate() - timedelta(days=days), hour)


def on_day(day, hour: int = 10) -> datetime:
    """``hour`` o'clock, local time, on ``day``."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


@contextmanager
def demo_clock(moment: datetime):
    """While the demo creates one step of its history, "now" is ``moment`` (plus the real time elapsed
    since, so the steps keep their order): the audit events, phase changes, recommendation versions and
    the other times the services record are dated when that step happened, not when the demo was loaded.

    Only for the demo loaders: the services take no time argument (a real organiser acts now), and the
    audit log is an append-only hash chain whose stored rows must never be edited afterwards, so the clock
    is moved while the rows are created instead. It patches ``django.utils.timezone.now`` (what the
    services and the audit log call) and the default of the models' ``default=timezone.now`` fields."""
    started = _REAL_NOW()

    def now() -> datetime:
        # In UTC, as timezone.now() gives it: the audit log hashes the time as it will read it back.
        return (moment + (_REAL_NOW() - started)).astimezone(UTC)

    real_get_default = DateTimeField.get_default

    def get_default(field):
        return now() if field.default is _REAL_NOW else real_get_default(field)

    with (
        mock.patch.object(timezone, "now", now),
        mock.patch.object(DateTimeField, "get_default", get_default),
    ):
        yield
