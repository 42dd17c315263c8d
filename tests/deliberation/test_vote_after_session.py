"""A vote still open once its session is over takes no ballot, and a finished session's attendance is
its record: no one is checked in there afterwards, except by reopening the session (`rules`:
`ballots_accepted`, `attendance_open`)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import rules, services
from deliberation.models import Attendance, BallotReceipt, Panel, Recommendation, Session
from tests.conftest import with_totp

from .conftest import seat

SUSPENDED = {
    "en": "The session of this vote is over: the vote takes no more ballots.",
    "fr": "La séance de ce vote est terminée : le vote ne reçoit plus de bulletin.",
}
OVER = {
    "en": "This session is over: who came is its record and can no longer change.",
    "fr": "Cette séance est terminée : la liste des présents fait partie de son compte rendu et ne peut plus "
    "changer.",
}


def _plain(html: str) -> str:
    return html.replace("\u202f", " ").replace("\xa0", " ").replace("&#x27;", "'").replace("’", "'")


@pytest.fixture
def held(panel, facilitator):
    """A session held today, three members checked in, a vote open at it."""
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.DELIBERATING)
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="Séance", starts_at=timezone.now() - timedelta(minutes=5),
        place="Lyon",
    )  # fmt: skip
    members = [seat(panel) for _ in range(3)]
    for member in members[:2]:
        services.check_in(actor=facilitator, session=session, member=member)
    recommendation = services.create_recommendation(
        actor=facilitator, panel=panel, session=session, title="Registre", text="Un registre."
    )
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    services.cast_ballot(user=members[0].volunteer.user, recommendation=recommendation, choice="for")
    return session, members, recommendation


@pytest.mark.parametrize("language", ["en", "fr"])
def test_ending_the_session_suspends_its_open_vote(client, facilitator, held, language):
    session, members, recommendation = held
    services.end_session(actor=facilitator, session=session)
    voter = members[1].volunteer.user
    assert not rules.can_vote(voter, recommendation)
    with pytest.raises(services.DeliberationError) as refused:
        services.cast_ballot(user=voter, recommendation=recommendation, choice="against")
    assert refused.value.status == 409
    assert BallotReceipt.objects.filter(recommendation=recommendation).count() == 1
    # The member reads why on the recommendation's page, with no ballot form.
    client.force_login(voter)
    client.cookies["django_language"] = language
    page = _plain(
        client.get(
            reverse("deliberation:recommendation", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
    )
    assert _plain(SUSPENDED[language]) in page
    assert reverse("deliberation:cast_ballot", args=[recommendation.pk]) not in page
    # It is still open: the team closes it (publishing what was cast), nothing was lost.
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.VOTING


def test_a_vote_whose_day_is_past_takes_no_ballot(panel, facilitator, held):
    session, members, recommendation = held
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(days=2))
    recommendation.refresh_from_db()
    assert rules.vote_suspended(recommendation)
    with pytest.raises(services.DeliberationError):
        services.cast_ballot(user=members[1].volunteer.user, recommendation=recommendation, choice="for")


def test_reopening_the_session_on_its_day_lets_the_vote_take_ballots_again(facilitator, held):
    session, members, recommendation = held
    services.end_session(actor=facilitator, session=session)
    services.reopen_session(actor=facilitator, session=session)
    recommendation.refresh_from_db()
    services.cast_ballot(user=members[1].volunteer.user, recommendation=recommendation, choice="against")
    assert BallotReceipt.objects.filter(recommendation=recommendation).count() == 2


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_one_is_checked_in_at_a_finished_session(client, facilitator, held, language):
    session, members, _recommendation = held
    services.end_session(actor=facilitator, session=session)
    late = members[2]
    with pytest.raises(services.DeliberationError) as refused:
        services.check_in(actor=facilitator, session=session, member=late)
    assert refused.value.status == 409
    with pytest.raises(services.DeliberationError):
        services.undo_check_in(actor=facilitator, session=session, member=members[1])
    client.force_login(with_totp(facilitator))
    client.cookies["django_language"] = language
    refused_page = client.post(
        reverse("deliberation:check_in", args=[session.pk]), {"member": late.pk}, follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip
    assert OVER[language] in _plain(refused_page.content.decode())
    assert not Attendance.objects.filter(session=session, member=late).exists()
    console = _plain(
        client.get(reverse("deliberation:console", args=[session.pk]), HTTP_ACCEPT_LANGUAGE=language)
        .content.decode()
    )  # fmt: skip
    assert reverse("deliberation:check_in", args=[session.pk]) not in console
    assert reverse("deliberation:undo_check_in", args=[session.pk]) not in console
    assert {"en": "to correct the attendance, reopen the session", "fr": "pour corriger les présences, "
            "rouvrez la séance"}[language] in console  # fmt: skip
    # Reopened, the session records who came again.
    services.reopen_session(actor=facilitator, session=session)
    services.check_in(actor=facilitator, session=session, member=late)
    assert Attendance.objects.filter(session=session, member=late).exists()


def test_a_session_to_record_still_takes_its_attendance(panel, facilitator):
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="Séance sur papier",
        starts_at=timezone.now() - timedelta(days=7), place="Lyon",
    )  # fmt: skip
    member = seat(panel)
    services.check_in(actor=facilitator, session=session, member=member)
    assert Attendance.objects.filter(session=session, member=member).exists()
