"""A finished session (run from the console on an earlier day: `rules.session_phase`) is no longer run
live: its check-in code, a credential of the session, is not in its console's HTML at all (nor in the
facilitation page), and no longer checks anyone in, even inside the check-in window; its console no longer
offers *Add to the agenda*, and the service refuses it. A session to come or running today shows both. A
past session never run from the console is recorded afterwards (test_session_recorded_afterwards.py): its
code does not work either."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.models import AgendaItem, Attendance, Session
from tests.conftest import with_totp
from tests.deliberation.conftest import messages_of, seat

pytestmark = pytest.mark.django_db

CODE_REFUSED = {
    "en": "This session is over: its check-in code no longer works. Ask the facilitator to record your "
    "presence.",
    "fr": "Cette séance est terminée\u00a0: son code de présence ne fonctionne plus. Demandez à l’animateur "
    "d’enregistrer votre présence.",
}
CODE_REFUSED_TO_RECORD = {
    "en": "This session's day is past: its check-in code no longer works. Ask the facilitator to record "
    "your presence.",
    "fr": "Le jour de cette séance est passé : son code de présence ne fonctionne plus. Demandez à "
    "l’animateur d’enregistrer votre présence.",
}
SCHEDULE_NOTE = {
    True: {"en": "Session over", "fr": "Séance terminée"},
    False: {
        "en": "No code: the facilitator records who came",
        "fr": "Pas de code : l’animateur consigne les présences",
    },
}
ADD_REFUSED = "This session is over: its agenda stays as it was held and no item can be added to it."


def _scheduled(panel, facilitator, *, days: float, run: bool = True) -> Session:
    """A session scheduled while it was to come, run from the console (`run`), then moved `days` from now
    (negative: in the past)."""
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="Séance de juin", starts_at=timezone.now(), place="Lyon"
    )
    services.add_agenda_item(
        actor=facilitator, session=session, title="Audition", kind="plenary", duration_minutes=30
    )
    if run:
        services.move_agenda(actor=facilitator, session=session, forward=True)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() + timedelta(days=days))
    session.refresh_from_db()
    return session


def _get(client, name, pk, language="en") -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse(f"deliberation:{name}", args=[pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_finished_sessions_console_carries_neither_the_code_nor_add_to_agenda(
    client, panel, facilitator, language
):
    finished = _scheduled(panel, facilitator, days=-3)
    client.force_login(with_totp(facilitator))

    html = _get(client, "console", finished.pk, language)

    assert finished.checkin_code not in html
    assert ("Check-in code for members" if language == "en" else "Code d’émargement") not in html
    assert reverse("deliberation:add_agenda_item", args=[finished.pk]) not in html
    assert ("Add to the agenda" if language == "en" else "Ajouter à l’ordre du jour") not in html
    # What records the session afterwards stays.
    assert ("Save the minutes" if language == "en" else "Enregistrer le compte rendu") in html
    assert finished.checkin_code not in _get(client, "facilitate", panel.pk, language)


@pytest.mark.parametrize("days", [0, 2], ids=["running-today", "to-come"])
def test_a_running_or_scheduled_sessions_console_shows_them(client, panel, facilitator, days):
    session = _scheduled(panel, facilitator, days=days)
    client.force_login(with_totp(facilitator))

    html = _get(client, "console", session.pk)

    assert f'<code class="fr-text--lead">{session.checkin_code}</code>' in html
    assert f'action="{reverse("deliberation:add_agenda_item", args=[session.pk])}"' in html
    assert f"<code>{session.checkin_code}</code>" in _get(client, "facilitate", panel.pk)


def test_adding_to_a_finished_sessions_agenda_is_refused_with_a_message(client, panel, facilitator):
    finished = _scheduled(panel, facilitator, days=-3)
    client.force_login(with_totp(facilitator))

    response = client.post(
        reverse("deliberation:add_agenda_item", args=[finished.pk]),
        {"title": "Vote oublié", "kind": "vote", "duration_minutes": 10},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert ADD_REFUSED in messages_of(response)  # the form is not on the page: said as a message
    assert list(AgendaItem.objects.filter(session=finished).values_list("title", flat=True)) == ["Audition"]


# The window is wide open: only the session being over refuses the code.
@override_settings(PACTE_CHECKIN_CLOSES_HOURS_AFTER=24 * 7)
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("run", [True, False], ids=["finished", "to-record"])
def test_a_past_sessions_code_checks_no_one_in(client, panel, facilitator, language, run):
    finished = _scheduled(panel, facilitator, days=-2, run=run)
    member = seat(panel)
    client.force_login(member.volunteer.user)
    client.cookies["django_language"] = language

    space = _get(client, "member_space", panel.pk, language)
    assert reverse("deliberation:check_in_code", args=[finished.pk]) not in space  # no form to type it in
    # Run from the console, it is over; never run, its day passed, it is to record (not "over").
    assert SCHEDULE_NOTE[run][language] in space and SCHEDULE_NOTE[not run][language] not in space
    response = client.post(  # an old tab, or a code noted down
        reverse("deliberation:check_in_code", args=[finished.pk]),
        {"code": finished.checkin_code},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )

    assert response.status_code == 200
    assert (CODE_REFUSED if run else CODE_REFUSED_TO_RECORD)[language] in messages_of(response)
    assert not Attendance.objects.filter(session=finished).exists()


@override_settings(PACTE_CHECKIN_CLOSES_HOURS_AFTER=24 * 7)
def test_todays_code_still_checks_in(client, panel, facilitator):
    session = _scheduled(panel, facilitator, days=0)
    member = seat(panel)
    client.force_login(member.volunteer.user)

    client.post(reverse("deliberation:check_in_code", args=[session.pk]), {"code": session.checkin_code})

    assert Attendance.objects.filter(session=session, member=member).exists()
