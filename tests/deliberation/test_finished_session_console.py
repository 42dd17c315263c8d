"""The console of a finished session (run from the console on an earlier day: `rules.session_phase`) offers
no action that no longer applies:
no reordering or removing of agenda items, no moving through the agenda. A POST sent anyway (an old
tab, a crafted request) is refused with a message on the console, nothing changed. Attendance, minutes
and correcting an item's wording stay open: they are how the session is recorded afterwards."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import rules, services
from deliberation.models import AgendaItem
from tests.conftest import with_totp
from tests.deliberation.conftest import messages_of

pytestmark = pytest.mark.django_db

REFUSAL = {
    "en": "This session is over: its agenda stays as it was held and can no longer be rearranged.",
    "fr": "Cette séance est terminée\u00a0: son ordre du jour reste tel qu’elle s’est tenue, il ne peut plus "
    "être réorganisé.",
}


def _session(panel, facilitator, days_ago):
    session = services.schedule_session(
        actor=facilitator,
        panel=panel,
        title="Séance de juin",
        starts_at=timezone.now() - timedelta(days=days_ago),
        place="Lyon",
    )
    for title in ("Audition", "Débat", "Vote"):
        services.add_agenda_item(
            actor=facilitator, session=session, title=title, kind="plenary", duration_minutes=30
        )
    return session


def _console(client, session, language="en"):
    return client.get(reverse("deliberation:console", args=[session.pk]), HTTP_ACCEPT_LANGUAGE=language)


def _order(session):
    return list(AgendaItem.objects.filter(session=session).order_by("order").values_list("title", flat=True))


@pytest.fixture
def finished(panel, facilitator, client):
    # Scheduled while it was to come and run from the console, then its day passed: moved back in time
    # as the calendar would.
    session = _session(panel, facilitator, days_ago=0)
    services.move_agenda(actor=facilitator, session=session, forward=True)
    type(session).objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(days=3))
    session.refresh_from_db()
    client.force_login(with_totp(facilitator))
    return session


def test_todays_console_offers_reordering(client, panel, facilitator):
    session = _session(panel, facilitator, days_ago=0)
    client.force_login(with_totp(facilitator))
    html = _console(client, session).content.decode()
    assert "Move “Débat” up" in html and "Order and removal" in html and "Add to the agenda" in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_finished_sessions_console_hides_the_agenda_controls(client, finished, language):
    html = _console(client, finished, language).content.decode()
    actions = [reverse("deliberation:move_agenda", args=[finished.pk])]
    for item in AgendaItem.objects.filter(session=finished):
        for name in ("move_agenda_item", "remove_agenda_item"):
            actions.append(reverse(f"deliberation:{name}", args=[item.pk]))
    assert [url for url in actions if f'action="{url}"' in html] == []
    assert 'name="direction"' not in html
    assert ("Order and removal" if language == "en" else "Ordre et retrait") not in html
    assert ("Save the minutes" if language == "en" else "Enregistrer le compte rendu") in html
    assert (
        reverse("deliberation:edit_agenda_item", args=[AgendaItem.objects.filter(session=finished)[0].pk])
        in html
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_reordering_a_finished_session_is_refused_with_a_message(client, finished, language):
    before = _order(finished)
    second = AgendaItem.objects.get(session=finished, title="Débat")
    client.cookies["django_language"] = language
    response = client.post(
        reverse("deliberation:move_agenda_item", args=[second.pk]),
        {"direction": "up"},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    assert response.status_code == 200
    assert REFUSAL[language] in messages_of(response)
    assert _order(finished) == before


def test_removing_and_moving_through_are_refused_too(client, finished):
    before = _order(finished)
    item = AgendaItem.objects.get(session=finished, title="Audition")
    posts = [
        (reverse("deliberation:remove_agenda_item", args=[item.pk]), {}),
        (reverse("deliberation:move_agenda", args=[finished.pk]), {"direction": "next"}),
    ]
    for url, data in posts:
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        assert response.status_code == 200, url
        assert REFUSAL["en"] in messages_of(response), url
    assert _order(finished) == before
    assert list(AgendaItem.objects.filter(session=finished, started_at__isnull=False)) == [
        AgendaItem.objects.get(session=finished, title="Audition")
    ]  # as it was left on its day


def test_the_rule_closes_the_agenda_once_the_day_is_over(finished, panel, facilitator):
    assert rules.can_edit_agenda(facilitator, finished)
    assert not rules.can_rearrange_agenda(facilitator, finished)
    today = _session(panel, facilitator, days_ago=0)
    assert rules.can_rearrange_agenda(facilitator, today)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_agenda_button_is_named_once_for_a_screen_reader(client, panel, facilitator, language):
    """The visible word ("Descendre") is hidden from screen readers where the button's hidden text names
    the action in full: read together they said « Descendre Descendre « Débat » »."""
    import re

    session = _session(panel, facilitator, days_ago=0)
    client.force_login(with_totp(facilitator))
    html = _console(client, session, language).content.decode()
    # The buttons whose visible word is completed by a hidden text: the agenda's up, down and remove.
    buttons = [b for b in re.findall(r"<button[^>]*>(.*?)</button>", html, re.S) if "fr-sr-only" in b]
    assert len(buttons) >= 7  # up and down of three items (four), and three removals
    for inner in buttons:
        heard = re.sub(r'<span aria-hidden="true">.*?</span>', "", inner, flags=re.S)
        words = re.sub(r"<[^>]+>", " ", heard).split()
        first = words[0]
        assert words.count(first) == 1, f"{' '.join(words)!r} names its action twice"
