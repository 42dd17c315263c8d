"""One date-time format per language for the whole site (config/formats/), day before month, 24-hour
clock, in Paris time: "8 Dec 2026, 00:10" and "8 déc. 2026 à 00:10", never "12/08/2026 12:10 a.m."."""

import datetime as dt
import json
from unittest import mock

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

# 23:10 UTC on 7 December is 00:10 on 8 December in Paris.
MOMENT = dt.datetime(2026, 12, 7, 23, 10, tzinfo=dt.UTC)


def test_every_way_a_template_writes_a_date_time_gives_the_one_format_in_paris_time():
    template = Template(
        '{{ when }}|{{ when|date:"DATETIME_FORMAT" }}|{{ when|date:"SHORT_DATETIME_FORMAT" }}|'
        '{{ when|date:"DATE_FORMAT" }}|{{ when|date:"SHORT_DATE_FORMAT" }}'
    )
    expected = {
        "en": "8 Dec 2026, 00:10|8 Dec 2026, 00:10|8 Dec 2026, 00:10|8 December 2026|8 December 2026",
        "fr": "8 déc. 2026 à\u00a000:10|" * 3 + "8 décembre 2026|8 décembre 2026",
    }
    for language, shown in expected.items():
        with translation.override(language):
            assert template.render(Context({"when": MOMENT})) == shown


def test_the_personal_data_export_is_named_in_the_readers_language_and_paris_date(client, citizen):
    """At 00:10 in Paris (23:10 UTC the day before), the file is the Paris day's, not UTC's."""
    from tests.accounts.test_gdpr import _signed_in_and_confirmed

    _signed_in_and_confirmed(client, citizen)
    names = {}
    for language in ("fr", "en"):
        with mock.patch("django.utils.timezone.now", return_value=MOMENT):
            response = client.post(reverse("accounts:export"), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        json.loads(response.content)
        names[language] = response["Content-Disposition"]
    assert names["fr"] == 'attachment; filename="pacte-mes-donnees-2026-12-08.json"'
    assert names["en"] == 'attachment; filename="pacte-my-data-2026-12-08.json"'
