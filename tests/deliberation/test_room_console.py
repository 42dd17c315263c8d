"""The console a facilitator runs a session with, in the room (issue 19): a countdown that counts by itself,
an agenda that can be corrected, a check-in that can be taken back, members named as they volunteered."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from deliberation import services
from deliberation.models import AgendaItem, Attendance, Panel, Session, Volunteer
from tests.conftest import with_totp

from .conftest import messages_of, seat


@pytest.fixture
def team(client, facilitator):
    """The facilitator signed in, reading English unless a request asks for another language."""
    client.force_login(with_totp(facilitator))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _console(client, session, language="en") -> str:
    return client.get(
        reverse("deliberation:console", args=[session.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()


def _agenda_titles(html: str) -> list[str]:
    body = html[html.index("<tbody>", html.index('id="agenda-state"')) :].split("</tbody>")[0]
    return [row.split("<td>")[2].split("</td>")[0] for row in body.split("</tr>")[:-1]]


def _items(session, facilitator, *titles):
    return [
        services.add_agenda_item(
            actor=facilitator, session=session, title=t, kind="plenary", duration_minutes=30
        )
        for t in titles
    ]


def test_the_countdown_counts_from_the_servers_end_time_without_a_reload_button(team, session, facilitator):
    _items(session, facilitator, "Audition")
    running = services.move_agenda(
        actor=facilitator, session=Session.objects.get(pk=session.pk), forward=True
    )
    html = _console(team, session)
    ends_at = (running.started_at + timedelta(minutes=30)).isoformat(timespec="milliseconds")
    countdown = re.search(
        r'<p class="fr-callout__text fr-h2 fr-mb-1w" id="countdown" role="timer"[^>]*>', html
    ).group(0)
    assert f'data-ends-at="{ends_at}"' in countdown and "data-server-now=" in countdown
    # The script words the time from the page's own sentences, in the page's language.
    assert 'data-remaining-template="Remaining time: {m} min {s} s"' in countdown
    assert 'data-overrun-template="Overrun by {m} min {s} s"' in countdown
    assert '<script src="/static/pacte/countdown.js" defer></script>' in html
    assert re.search(r">Remaining time: (29 min [0-5]?\d|30 min 0) s<", html)
    # No button to refresh the time; without JavaScript, a plain link reloads the console.
    assert "<noscript><p><a href=" in html and not re.search(r"<button[^>]*>[^<]*Refresh", html)
    french = _console(team, session, "fr")
    assert 'data-remaining-template="Temps restant\u00a0: {m} min {s} s"' in french


def test_agenda_items_are_edited_reordered_and_removed_with_an_audit_trail(team, session, facilitator):
    hearing, duplicate, vote = _items(session, facilitator, "Audition", "Audition", "Vote")
    url = reverse("deliberation:edit_agenda_item", args=[duplicate.pk])
    done = team.post(
        url,
        {"title": "Atelier en petits groupes", "kind": "small_group", "duration_minutes": 45},
        follow=True,
    )
    assert messages_of(done) == ["Agenda item changed."]
    assert _agenda_titles(done.content.decode()) == ["Audition", "Atelier en petits groupes", "Vote"]
    moved = team.post(
        reverse("deliberation:move_agenda_item", args=[vote.pk]), {"direction": "up"}, follow=True
    )
    assert messages_of(moved) == ["“Vote” is now item 2 of the agenda."]
    assert _agenda_titles(moved.content.decode()) == ["Audition", "Vote", "Atelier en petits groupes"]
    team.post(reverse("deliberation:move_agenda_item", args=[hearing.pk]), {"direction": "down"})
    assert _agenda_titles(_console(team, session)) == ["Vote", "Audition", "Atelier en petits groupes"]
    first = team.post(
        reverse("deliberation:move_agenda_item", args=[vote.pk]), {"direction": "up"}, follow=True
    )
    assert messages_of(first) == ["This item is already the first of the agenda."]
    removed = team.post(reverse("deliberation:remove_agenda_item", args=[duplicate.pk]), follow=True)
    assert messages_of(removed) == ["“Atelier en petits groupes” is removed from the agenda."]
    assert _agenda_titles(removed.content.decode()) == ["Vote", "Audition"]
    actions = list(
        AuditEvent.objects.filter(object_type="deliberation.session", object_id=str(session.pk))
        .filter(action__startswith="session.agenda_item_")
        .exclude(action="session.agenda_item_added")
        .values_list("action", "actor_role")
    )
    assert actions == [
        ("session.agenda_item_edited", "facilitator"),
        ("session.agenda_item_moved", "facilitator"),
        ("session.agenda_item_moved", "facilitator"),
        ("session.agenda_item_removed", "facilitator"),
    ]
    removal = AuditEvent.objects.get(action="session.agenda_item_removed")
    assert removal.details["title"] == "Atelier en petits groupes"


def test_a_refused_edit_keeps_what_was_typed_under_its_item(team, session, facilitator):
    [item] = _items(session, facilitator, "Audition")
    response = team.post(
        reverse("deliberation:edit_agenda_item", args=[item.pk]),
        {"title": "Audition des chercheurs", "kind": "hearing", "duration_minutes": 0},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Audition des chercheurs"' in html and "greater than or equal to 1" in html
    assert '<details class="fr-mb-1w" open>' in html  # the form of that item is shown open
    item.refresh_from_db()
    assert (item.title, item.duration_minutes) == ("Audition", 30)


def test_the_running_item_cannot_be_removed(team, session, facilitator):
    [item] = _items(session, facilitator, "Audition")
    services.move_agenda(actor=facilitator, session=Session.objects.get(pk=session.pk), forward=True)
    response = team.post(reverse("deliberation:remove_agenda_item", args=[item.pk]), follow=True)
    assert messages_of(response) == ["“Audition” is running: move to another item before removing it."]
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def _attendance_row(html: str, name: str) -> str:
    body = html[html.index('id="attendance"') :].split("</tbody>")[0]
    return next(row for row in body.split("</tr>") if name in row)


def test_a_check_in_can_be_undone_until_the_member_has_voted(team, panel, session, facilitator):
    member = seat(panel)
    services.check_in(actor=facilitator, session=session, member=member)
    name = member.volunteer.public_name
    html = _console(team, session)
    assert "1 of 1 members present." in html and f"Undo the check-in of {name}" in _attendance_row(html, name)
    undone = team.post(
        reverse("deliberation:undo_check_in", args=[session.pk]),
        {"member": member.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert messages_of(undone) == [f"The check-in of {name} is undone."]
    page = undone.content.decode()
    assert "0 of 1 members present." in page and f"Check {name} in" in _attendance_row(page, name)
    event = AuditEvent.objects.get(action="session.check_in_undone")
    assert (event.actor_role, event.details["member"]) == ("facilitator", member.pk)
    # Once the member has voted at this session, their presence stays with their ballot.
    services.check_in(actor=facilitator, session=session, member=member)
    recommendation = services.create_recommendation(
        actor=facilitator, panel=panel, session=session, title="R", text="Texte"
    )
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    services.cast_ballot(user=member.volunteer.user, recommendation=recommendation, choice="for")
    refused = team.post(
        reverse("deliberation:undo_check_in", args=[session.pk]), {"member": member.pk}, follow=True
    )
    assert messages_of(refused) == [
        "This member has already voted at this session: their check-in stays, as their ballot does."
    ]
    assert Attendance.objects.filter(session=session, member=member).exists()


def test_the_team_reads_names_and_contacts_as_volunteered_the_public_reads_pseudonyms(
    client, panel, organiser, facilitator, citizen
):
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    client.force_login(citizen)
    page = client.get(
        reverse("deliberation:volunteer", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    # The consent says who will read the name and contact.
    assert (
        "the name and contact I give here are shown only to the facilitators and organisers of this panel"
        in page
    )
    client.post(
        reverse("deliberation:volunteer", args=[panel.pk]),
        {"name": "Camille Martin", "contact": "06 12 34 56 78", "consent": "on"},
    )
    volunteer = Volunteer.objects.get(user=citizen)
    assert (volunteer.name, volunteer.contact) == ("Camille Martin", "06 12 34 56 78")
    member = seat_volunteer(panel, volunteer)
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="Séance 1", starts_at=timezone.now(), place="Lyon"
    )
    client.force_login(with_totp(facilitator))
    console = _console(client, session)
    row = _attendance_row(console, "Camille Martin")
    assert f"Camille Martin ({citizen.pseudonym})" in row and "06 12 34 56 78" in row
    assert f"Check Camille Martin ({citizen.pseudonym}) in" in row
    # The member's own space, the panel's public page: pseudonyms only.
    client.force_login(citizen)
    for url in (
        reverse("deliberation:member_space", args=[panel.pk]),
        reverse("deliberation:panel_detail", args=[panel.pk]),
        reverse("deliberation:selection_report", args=[panel.pk]),
    ):
        html = client.get(url).content.decode()
        assert "Camille Martin" not in html and "06 12 34 56 78" not in html, url
    assert member.volunteer.public_name == citizen.pseudonym


def seat_volunteer(panel, volunteer):
    from deliberation.models import PanelMember

    from .conftest import recorded_draw

    return PanelMember.objects.create(panel=panel, volunteer=volunteer, selection=recorded_draw(panel))
