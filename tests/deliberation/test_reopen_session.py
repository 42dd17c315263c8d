"""A session ended by mistake, or with something left to record, is reopened from its console (*Reopen the
session…*, then a confirmation page): only by the panel's team, audited in the hash-chained log, refused
with a message when its panel is closed or when it is not over. A vote counted at the session stays as
counted: reopening gives back the session's agenda, never a ballot (`rules.can_reopen_session`)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import verify_chain
from accounts.models import AuditEvent
from deliberation import rules, services
from deliberation.models import AgendaItem, Panel, Recommendation, Session
from tests.conftest import with_totp
from tests.deliberation.conftest import messages_of, seat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REOPEN = {"en": "Reopen the session…", "fr": "Rouvrir la séance…"}
CONFIRM = {"en": "Confirm: reopen the session", "fr": "Confirmer\u00a0: rouvrir la séance"}
CLOSED = {
    "en": "This panel is closed: the record of its sessions is final and none of them can be reopened.",
    "fr": "Ce panel est clos\u00a0: le compte rendu de ses séances est définitif et aucune ne peut être "
    "rouverte.",
}


@pytest.fixture
def team(client, facilitator):
    client.force_login(with_totp(facilitator))
    return client


def _get(client, name, session, language="en", **kwargs):
    client.cookies["django_language"] = language
    return client.get(reverse(name, args=[session.pk]), HTTP_ACCEPT_LANGUAGE=language, **kwargs)


def _reopen(client, session, language="en", confirm=True):
    client.cookies["django_language"] = language
    data = {"confirm": "yes"} if confirm else {}
    return client.post(
        reverse("deliberation:reopen_session", args=[session.pk]), data, HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )  # fmt: skip


def _ended_today(panel, facilitator) -> Session:
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="Séance du jour", starts_at=timezone.now(), place="Lyon"
    )
    services.add_agenda_item(
        actor=facilitator, session=session, title="Audition", kind="plenary", duration_minutes=30
    )
    services.move_agenda(actor=facilitator, session=session, forward=True)
    return services.end_session(actor=facilitator, session=session)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_console_offers_reopening_only_once_the_session_is_over(team, panel, facilitator, language):
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="Séance", starts_at=timezone.now(), place="Lyon"
    )
    reopen_url = reverse("deliberation:reopen_session", args=[session.pk])
    live = _get(team, "deliberation:console", session, language).content.decode()
    assert REOPEN[language] not in live and reopen_url not in live

    services.end_session(actor=facilitator, session=session)
    ended = _get(team, "deliberation:console", session, language).content.decode()
    assert REOPEN[language] in ended and f'href="{reopen_url}"' in ended

    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.CLOSED)
    closed = _get(team, "deliberation:console", session, language).content.decode()
    assert REOPEN[language] not in closed and reopen_url not in closed


@pytest.mark.parametrize("language", ["en", "fr"])
def test_reopening_asks_to_confirm_then_the_session_is_live_again_and_audited(
    team, panel, facilitator, language
):
    session = _ended_today(panel, facilitator)
    ended_at = session.ended_at

    page = _get(team, "deliberation:reopen_session", session, language)
    assert page.status_code == 200
    html = page.content.decode()
    assert CONFIRM[language] in html and 'name="confirm" value="yes"' in html
    assert ("it is live again" if language == "en" else "elle est de nouveau en cours") in html
    # Sent without the confirmation (an old form, a crafted request): the question again, nothing changed.
    unconfirmed = _reopen(team, session, language, confirm=False)
    assert CONFIRM[language] in unconfirmed.content.decode()
    assert Session.objects.get(pk=session.pk).ended_at == ended_at

    done = _reopen(team, session, language)
    assert done.redirect_chain[-1][0] == reverse("deliberation:console", args=[session.pk])
    assert messages_of(done) == [
        "The session is reopened: it is live again until you end it."
        if language == "en"
        else "La séance est rouverte\u00a0: elle est de nouveau en cours jusqu’à ce que vous la terminiez."
    ]
    session.refresh_from_db()
    assert session.ended_at is None and rules.session_phase(session) == rules.SessionPhase.LIVE
    console = done.content.decode()
    assert ("End the session" if language == "en" else "Terminer la séance") in console
    assert f'action="{reverse("deliberation:add_agenda_item", args=[session.pk])}"' in console
    assert session.checkin_code in console  # the code works again on its day

    event = AuditEvent.objects.get(action="session.reopened")
    assert (event.object_id, event.actor_id, event.actor_role) == (
        str(session.pk),
        facilitator.pk,
        "facilitator",
    )
    assert event.details == {"ended_at": ended_at.isoformat(), "phase": "live"}
    assert verify_chain().ok


def test_a_session_reopened_after_its_day_is_recorded_again_then_ended_again(team, panel, facilitator):
    """Run from the console, its day now past: finished by its date alone. Reopened, it is to record (add
    the vote that was forgotten) until it is ended again."""
    session = _ended_today(panel, facilitator)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(days=3))
    session.refresh_from_db()
    page = _get(team, "deliberation:reopen_session", session).content.decode()
    assert "Its day is past: reopened, it is to record again." in page

    done = _reopen(team, session)
    assert messages_of(done) == ["The session is reopened: record what was missing, then end it again."]
    assert "after its day: record what was missing here." in done.content.decode()
    session.refresh_from_db()
    assert rules.session_phase(session) == rules.SessionPhase.TO_RECORD

    added = team.post(
        reverse("deliberation:add_agenda_item", args=[session.pk]),
        {"title": "Vote oublié", "kind": "vote", "duration_minutes": 15},
    )
    assert added.status_code == 302
    assert AgendaItem.objects.filter(session=session, title="Vote oublié").exists()
    team.post(reverse("deliberation:end_session", args=[session.pk]))
    session.refresh_from_db()
    assert session.ended_at is not None and rules.session_phase(session) == rules.SessionPhase.FINISHED


def test_only_the_panels_team_reaches_reopening(client, panel, facilitator):
    session = _ended_today(panel, facilitator)
    url = reverse("deliberation:reopen_session", args=[session.pk])
    other_facilitator = UserFactory(roles=["facilitator"])  # runs other panels, not this one
    member = seat(panel).volunteer.user
    for user in (other_facilitator, member):
        client.force_login(with_totp(user))
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"confirm": "yes"}).status_code in (403, 404)
    client.logout()
    assert client.post(url, {"confirm": "yes"}).status_code == 302  # to the sign-in page
    assert Session.objects.get(pk=session.pk).ended_at is not None
    assert not AuditEvent.objects.filter(action="session.reopened").exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_closed_panels_session_is_not_reopened(team, panel, facilitator, language):
    session = _ended_today(panel, facilitator)
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.CLOSED)
    for response in (_get(team, "deliberation:reopen_session", session, language, follow=True),
                     _reopen(team, session, language)):  # fmt: skip
        assert response.status_code == 200
        assert messages_of(response) == [CLOSED[language]]
    assert Session.objects.get(pk=session.pk).ended_at is not None


def test_a_session_not_over_is_not_reopened_twice(team, panel, facilitator):
    session = _ended_today(panel, facilitator)
    _reopen(team, session)
    again = _reopen(team, session)  # a second tab
    assert again.status_code == 200
    assert messages_of(again) == ["This session is not over: there is nothing to reopen."]
    assert AuditEvent.objects.filter(action="session.reopened").count() == 1


@pytest.mark.usefixtures("counts_published_from_one_ballot")
def test_a_vote_counted_at_the_session_stays_counted_once_it_is_reopened(team, panel, facilitator):
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="Séance de vote", starts_at=timezone.now(), place="Lyon"
    )
    voters = [seat(panel) for _ in range(3)]
    for member in voters:
        services.check_in(actor=facilitator, session=session, member=member)
    recommendation = services.create_recommendation(
        actor=facilitator, panel=panel, session=session, title="Registre des refus", text="Un registre."
    )
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    services.cast_ballot(user=voters[0].volunteer.user, recommendation=recommendation, choice="for")
    services.close_vote(actor=facilitator, recommendation=recommendation)
    services.end_session(actor=facilitator, session=session)

    page = _get(team, "deliberation:reopen_session", session).content.decode()
    votes = page[page.index('id="votes-held"') :].split("</table>")[0]
    assert "Registre des refus" in votes and "Adopted by the panel" in votes
    assert "Reopening the session reopens none of these votes" in page
    _reopen(team, session)

    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.votes_for) == (Recommendation.Status.ADOPTED, 1)
    member = voters[1].volunteer.user
    assert not rules.can_vote(member, recommendation) and not rules.can_open_vote(facilitator, recommendation)
    with pytest.raises(services.DeliberationError):
        services.cast_ballot(user=member, recommendation=recommendation, choice="against")
    with pytest.raises(services.DeliberationError):
        services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.votes_for, recommendation.votes_against) == (
        Recommendation.Status.ADOPTED, 1, 0,
    )  # fmt: skip
