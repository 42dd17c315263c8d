"""The date of a decision-maker's answer starts at today, as the site's time zone counts days: an
organiser usually records the answer the day it is given. Before, the field came up empty and each
organiser typed the date by hand. A form given a stored answer's date keeps that date."""

import re
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from consultation.answer_forms import AnswerForm
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db


def _date_value(html: str) -> str:
    tag = re.search(r'<input[^>]*name="answered_on"[^>]*>', html).group(0)
    match = re.search(r'value="([^"]*)"', tag)
    return match.group(1) if match else ""


def test_a_new_answer_is_dated_today_in_the_sites_time_zone(client, organiser, recommendation):
    # Half past midnight in Paris: still yesterday in UTC, already today for the organiser.
    site = ZoneInfo(settings.TIME_ZONE)
    tomorrow = (timezone.now().astimezone(site) + timedelta(days=1)).date()
    instant = datetime.combine(tomorrow, time(0, 30), tzinfo=site)
    assert instant.astimezone(UTC).date() != tomorrow
    client.force_login(with_totp(organiser))
    url = reverse("deliberation:record_response", args=[recommendation.pk])
    with mock.patch("django.utils.timezone.now", return_value=instant):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _date_value(html) == tomorrow.isoformat()


def test_the_proposal_answer_form_is_dated_today_too():
    html = AnswerForm().as_div()
    assert _date_value(html) == timezone.localdate().isoformat()


def test_a_stored_answer_keeps_its_date():
    html = AnswerForm(initial={"answered_on": date(2026, 3, 2)}).as_div()
    assert _date_value(html) == "2026-03-02"


def test_a_new_answer_is_dated_today_on_a_french_page(client, organiser, recommendation):
    # The browser's date picker reads only 2026-12-07; the French 07/12/2026 left the field empty.
    client.force_login(with_totp(organiser))
    url = reverse("deliberation:record_response", args=[recommendation.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr"' in html
    assert _date_value(html) == timezone.localdate().isoformat()
