"""The transparency page's dates: the closing time planned while the consultation is open, and when it
closed once closed (closing records that moment: an early close is not a "planned closing")."""

import datetime as dt
import html
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from consultation import services
from tests.helpers import make_consultation

JAN_15 = dt.datetime(2030, 1, 15, 23, 59, tzinfo=ZoneInfo("Europe/Paris"))


def _page(client, consultation) -> str:
    address = reverse("analysis:transparency", args=[consultation.slug])
    return html.unescape(client.get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode())


def test_the_transparency_page_says_when_an_early_close_happened_not_a_planned_closing(client, db):
    consultation = make_consultation(closes_at=JAN_15)
    assert 'Planned closing: <time datetime="2030-01-15T23:59:00+01:00">' in _page(client, consultation)
    services.transition(actor=None, consultation=consultation, to_phase="closed")  # today, before its time
    today = timezone.localtime(consultation.closes_at)
    page = _page(client, consultation)
    assert "Planned closing" not in page
    assert f'Closed on <time datetime="{today.isoformat()}">' in page
