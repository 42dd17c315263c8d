"""The facilitation page's "Check-in code" column and the member's schedule say what is true of each
session in its phase (`rules.session_phase`): the code while it is live, "to record" for a session whose
day passed that nobody ended (or that was reopened after its day), "over" only once it is finished."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.models import Session
from tests.conftest import with_totp
from tests.deliberation.conftest import seat

pytestmark = pytest.mark.django_db

TO_RECORD = {
    "en": "No code: to record in its console",
    "fr": "Pas de code\u00a0: à consigner dans sa console",
}
OVER = {"en": "Session over", "fr": "Séance terminée"}
MEMBER_TO_RECORD = {
    "en": "No code: the facilitator records who came",
    "fr": "Pas de code\u00a0: l’animateur consigne les présences",
}


def _schedule(panel, facilitator, title, days_ago):
    return services.schedule_session(
        actor=facilitator, panel=panel, title=title, starts_at=timezone.now() - timedelta(days=days_ago),
        place="Lyon",
    )  # fmt: skip


def _code_cells(html: str) -> dict[str, str]:
    """Session title -> the text of its code cell, from the facilitation page's sessions table."""
    body = html[html.index("<caption>") :].split("</tbody>")[0]
    cells = {}
    for row in body.split("<tr>")[2:]:
        columns = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
        cells[columns[1]] = columns[2]
    return cells


@pytest.fixture
def sessions(panel, facilitator):
    live = _schedule(panel, facilitator, "Vivante", 0)
    to_record = _schedule(panel, facilitator, "Sur papier", 7)
    ended = _schedule(panel, facilitator, "Terminée", 3)
    services.end_session(actor=facilitator, session=ended)
    # Run from the console on its day, ended, then reopened once its day had passed.
    reopened = _schedule(panel, facilitator, "Rouverte", 0)
    services.add_agenda_item(
        actor=facilitator, session=reopened, title="Vote", kind="vote", duration_minutes=5
    )
    services.move_agenda(actor=facilitator, session=reopened, forward=True)
    services.end_session(actor=facilitator, session=reopened)
    Session.objects.filter(pk=reopened.pk).update(starts_at=timezone.now() - timedelta(days=2))
    services.reopen_session(actor=facilitator, session=Session.objects.get(pk=reopened.pk))
    return {"live": live, "to_record": to_record, "ended": ended, "reopened": reopened}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_code_column_says_what_is_true_in_each_phase(client, facilitator, panel, sessions, language):
    client.force_login(with_totp(facilitator))
    client.cookies["django_language"] = language
    page = client.get(reverse("deliberation:facilitate", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language)
    cells = _code_cells(page.content.decode())
    assert cells == {
        "Vivante": f"<code>{sessions['live'].checkin_code}</code>",
        "Sur papier": TO_RECORD[language],
        "Terminée": OVER[language],
        "Rouverte": TO_RECORD[language],
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_members_schedule_does_not_call_a_session_to_record_over(client, panel, sessions, language):
    member = seat(panel)
    client.force_login(member.volunteer.user)
    client.cookies["django_language"] = language
    html = client.get(
        reverse("deliberation:member_space", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    schedule = html[html.index("<caption>") :].split("</tbody>")[0]
    rows = {row.split("</td><td>")[1].split("</td>")[0]: row for row in schedule.split("<tr>")[2:]}
    assert MEMBER_TO_RECORD[language] in rows["Sur papier"] and OVER[language] not in rows["Sur papier"]
    assert MEMBER_TO_RECORD[language] in rows["Rouverte"]
    assert OVER[language] in rows["Terminée"]
    assert 'name="code"' in rows["Vivante"]  # the code form, live
