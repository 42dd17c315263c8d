"""A closed vote's counts are published only with at least `PACTE_MIN_BALLOTS_TO_PUBLISH` ballots: the
panel's team, who sees the number of ballots cast and chooses when to close, cannot close after one
ballot and read that member's choice in the published result."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from deliberation import services
from deliberation.models import Attendance, BallotBox, Panel, Recommendation
from tests.conftest import with_totp

from .conftest import seat


@pytest.fixture
def five(panel, session):
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.DELIBERATING)
    seats = [seat(panel) for _ in range(5)]
    for member in seats:
        Attendance.objects.create(session=session, member=member, method=Attendance.Method.FACILITATOR)
    return seats


@pytest.fixture
def voting(recommendation, session, facilitator):
    return services.open_vote(actor=facilitator, recommendation=recommendation, session=session)


def _vote(members, recommendation, choices):
    for member, choice in zip(members, choices, strict=False):
        services.cast_ballot(user=member.volunteer.user, recommendation=recommendation, choice=choice)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_closing_after_one_ballot_publishes_no_count_and_decides_nothing(
    client, facilitator, five, voting, language
):
    _vote(five, voting, ["against"])
    client.force_login(with_totp(facilitator))
    url = reverse("deliberation:close_vote", args=[voting.pk])
    warning = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert {
        "en": "Fewer than 5 ballots have been cast: a count published now could reveal how a member voted.",
        "fr": "Moins de 5 bulletins ont été déposés : un décompte publié maintenant pourrait révéler",
    }[language] in warning.replace("\u202f", " ").replace("\xa0", " ")
    client.post(url, {"confirm": "yes"})
    voting.refresh_from_db()
    assert voting.status == Recommendation.Status.TOO_FEW
    assert (voting.votes_for, voting.votes_against, voting.votes_abstain) == (0, 0, 0)
    assert not BallotBox.objects.filter(recommendation=voting).exists()
    event = AuditEvent.objects.get(action="vote.closed")
    assert {k: event.details[k] for k in ("ballots", "min_ballots", "status")} == {
        "ballots": 1, "min_ballots": 5, "status": "too_few"
    }  # fmt: skip
    assert not {"for", "against", "abstain"} & set(event.details)
    client.logout()
    page = client.get(reverse("deliberation:recommendation", args=[voting.pk]), HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert {
        "en": "too few ballots to publish a count without revealing a vote",
        "fr": "trop peu de bulletins pour publier un décompte sans révéler un vote",
    }[language] in text
    assert "Against" not in text and "Contre" not in text  # no table of counts


def test_a_vote_closed_with_too_few_ballots_is_held_again_and_everyone_votes_anew(
    facilitator, five, voting, session
):
    _vote(five, voting, ["for", "for"])
    services.close_vote(actor=facilitator, recommendation=voting)
    services.open_vote(actor=facilitator, recommendation=voting, session=session)
    _vote(five, voting, ["for", "for", "against", "abstain", "for"])  # the first two vote again
    closed = services.close_vote(actor=facilitator, recommendation=voting)
    assert closed.status == Recommendation.Status.ADOPTED
    assert (closed.votes_for, closed.votes_against, closed.votes_abstain) == (3, 1, 1)


def test_the_threshold_is_a_setting(settings, facilitator, five, voting):
    settings.PACTE_MIN_BALLOTS_TO_PUBLISH = 2
    _vote(five, voting, ["for", "against"])
    closed = services.close_vote(actor=facilitator, recommendation=voting)
    assert closed.status == Recommendation.Status.REJECTED and closed.votes_for == 1
