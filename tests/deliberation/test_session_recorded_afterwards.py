"""A session held on paper and scheduled afterwards (its date in the past, never run from the console) is
recorded after the fact: its console offers *Add to the agenda*, reordering and removing, check-ins and
minutes, and says why moving from item to item and the check-in code are not offered. Past dates alone do
not finish a session: a facilitator ending it (*End the session*), or running it on a day now past, does
(`rules.session_phase`)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import rules, services
from deliberation.models import AgendaItem, Attendance, Session
from tests.conftest import with_totp
from tests.deliberation.conftest import messages_of, seat

pytestmark = pytest.mark.django_db

TO_RECORD = {
    "en": "was not run from this console: record it here after the fact.",
    "fr": "n’a pas été animée depuis cette console\u00a0: consignez-la ici après coup.",
}
NOT_LIVE = {
    "en": "Moving from item to item and the check-in code are only for the day of the session.",
    "fr": "Le passage d’un point à l’autre et le code d’émargement ne servent que le jour de la séance.",
}
ENDED = {
    "en": "Items can no longer be added, moved or removed, members can no longer be checked in and the "
    "check-in code no longer works.",
    "fr": "Les points ne peuvent plus être ajoutés, déplacés ni retirés, les membres ne peuvent plus être "
    "émargés et le code d’émargement ne fonctionne plus.",
}


@pytest.fixture
def held_on_paper(panel, facilitator, client):
    """Scheduled today for a session held on paper last week."""
    client.force_login(with_totp(facilitator))
    return services.schedule_session(
        actor=facilitator,
        panel=panel,
        title="Séance sur papier",
        starts_at=timezone.now() - timedelta(days=7),
        place="Lyon",
    )


def _console(client, session, language="en") -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse("deliberation:console", args=[session.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _titles(session) -> list[str]:
    return list(AgendaItem.objects.filter(session=session).values_list("title", flat=True))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_past_session_never_run_gets_its_agenda_attendance_and_minutes(
    client, held_on_paper, panel, language
):
    member = seat(panel)
    add = reverse("deliberation:add_agenda_item", args=[held_on_paper.pk])
    for title in ("Audition", "Vote"):
        response = client.post(
            add, {"title": title, "kind": "plenary", "duration_minutes": 30}, HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 302
    client.post(reverse("deliberation:check_in", args=[held_on_paper.pk]), {"member": member.pk})
    client.post(reverse("deliberation:save_minutes", args=[held_on_paper.pk]), {"minutes": "Tenue à Lyon."})

    html = _console(client, held_on_paper, language)

    assert _titles(held_on_paper) == ["Audition", "Vote"]
    assert Attendance.objects.filter(session=held_on_paper, member=member).exists()
    assert Session.objects.get(pk=held_on_paper.pk).minutes == "Tenue à Lyon."
    assert TO_RECORD[language] in html and NOT_LIVE[language] in html
    assert f'action="{add}"' in html  # still open for what was held
    assert ("Move “Vote” up" if language == "en" else "Monter «\u00a0Vote\u00a0»") in html
    assert f'action="{reverse("deliberation:move_agenda", args=[held_on_paper.pk])}"' not in html
    assert held_on_paper.checkin_code not in html


def test_moving_through_a_session_recorded_afterwards_is_refused_with_the_reason(client, held_on_paper):
    client.post(
        reverse("deliberation:add_agenda_item", args=[held_on_paper.pk]),
        {"title": "Audition", "kind": "plenary", "duration_minutes": 30},
    )
    response = client.post(
        reverse("deliberation:move_agenda", args=[held_on_paper.pk]),
        {"direction": "next"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert any("its items are recorded, not run one after the other" in m for m in messages_of(response))
    assert not AgendaItem.objects.filter(session=held_on_paper, started_at__isnull=False).exists()
    assert rules.session_phase(held_on_paper) == rules.SessionPhase.TO_RECORD  # not finished by a click


@pytest.mark.parametrize("language", ["en", "fr"])
def test_ending_the_session_closes_its_agenda_and_says_why(client, held_on_paper, language):
    client.post(
        reverse("deliberation:add_agenda_item", args=[held_on_paper.pk]),
        {"title": "Audition", "kind": "plenary", "duration_minutes": 30},
    )
    assert ("End the session" if language == "en" else "Terminer la séance") in _console(
        client, held_on_paper, language
    )

    client.cookies["django_language"] = "en"
    client.post(reverse("deliberation:end_session", args=[held_on_paper.pk]))
    refused = client.post(
        reverse("deliberation:add_agenda_item", args=[held_on_paper.pk]),
        {"title": "Oubli", "kind": "vote", "duration_minutes": 10},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = _console(client, held_on_paper, language)

    assert "no item can be added to it" in " ".join(messages_of(refused))
    assert _titles(held_on_paper) == ["Audition"]
    assert ENDED[language] in html
    assert ("End the session" if language == "en" else "Terminer la séance") not in html
    assert reverse("deliberation:add_agenda_item", args=[held_on_paper.pk]) not in html
    assert ("Save the minutes" if language == "en" else "Enregistrer le compte rendu") in html


def test_ending_todays_session_stops_its_code_and_ends_the_running_item(client, panel, facilitator):
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="Séance du jour", starts_at=timezone.now(), place="Lyon"
    )
    item = services.add_agenda_item(
        actor=facilitator, session=session, title="Audition", kind="plenary", duration_minutes=30
    )
    services.move_agenda(actor=facilitator, session=session, forward=True)
    client.force_login(with_totp(facilitator))
    assert session.checkin_code in _console(client, session)

    response = client.post(reverse("deliberation:end_session", args=[session.pk]), follow=True)

    assert "The session is ended: its agenda stays as it was held." in messages_of(response)
    assert session.checkin_code not in response.content.decode()
    item.refresh_from_db()
    assert item.ended_at is not None
    session.refresh_from_db()
    member = seat(panel)
    with pytest.raises(services.DeliberationError, match="is over"):
        services.check_in_with_code(user=member.volunteer.user, session=session, code=session.checkin_code)


def test_a_session_to_come_cannot_be_ended(client, panel, facilitator):
    session = services.schedule_session(
        actor=facilitator,
        panel=panel,
        title="Séance prochaine",
        starts_at=timezone.now() + timedelta(days=3),
        place="Lyon",
    )
    client.force_login(with_totp(facilitator))
    assert "End the session" not in _console(client, session)

    response = client.post(
        reverse("deliberation:end_session", args=[session.pk]), HTTP_ACCEPT_LANGUAGE="en", follow=True
    )

    assert any("has not begun yet" in m for m in messages_of(response))
    assert Session.objects.get(pk=session.pk).ended_at is None


def test_the_phase_grid(panel, facilitator):
    now = timezone.now()
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="S", starts_at=now - timedelta(days=2), place="Lyon"
    )
    assert rules.session_phase(session) == rules.SessionPhase.TO_RECORD
    assert rules.can_add_to_agenda(facilitator, session)
    assert not rules.can_see_checkin_code(facilitator, session)
    assert rules.session_phase(session, now - timedelta(days=2)) == rules.SessionPhase.LIVE  # on its day
    AgendaItem.objects.create(session=session, order=1, title="A", kind="plenary", duration_minutes=5,
                              started_at=now - timedelta(days=2))  # fmt: skip
    assert rules.session_phase(session) == rules.SessionPhase.FINISHED  # run on its day, now past
    session = Session.objects.get(pk=services.schedule_session(
        actor=facilitator, panel=panel, title="T", starts_at=now, place="Lyon").pk)  # fmt: skip
    assert rules.session_phase(session) == rules.SessionPhase.LIVE
    session.ended_at = now
    assert rules.session_phase(session) == rules.SessionPhase.FINISHED
    assert not rules.can_add_to_agenda(facilitator, session)


@pytest.mark.parametrize(
    "language, to_record, over",
    [
        ("en", "No code: to record in its console", "Session over"),
        ("fr", "Pas de code\u00a0: à consigner dans sa console", "Séance terminée"),
    ],
)
def test_the_facilitation_page_tells_a_session_to_record_from_one_over(
    client, held_on_paper, panel, language, to_record, over
):
    client.cookies["django_language"] = language
    url = reverse("deliberation:facilitate", args=[panel.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert to_record in page and over not in page
    client.post(reverse("deliberation:end_session", args=[held_on_paper.pk]))
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert over in page and to_record not in page
