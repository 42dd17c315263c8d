"""Opening a panel vote (a tester's run, 2026-12-07): the list offers only the sessions that can hold it,
each with how many members are checked in (they alone can vote); a session over with nobody checked in is
refused; opening a vote says at which session and how many can vote, and warns when nobody is checked in
yet."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import forms, services
from deliberation.models import Recommendation, Session
from tests.conftest import with_totp

from .conftest import messages_of

pytestmark = pytest.mark.django_db


def test_only_sessions_that_can_hold_the_vote_are_offered_with_who_can_vote(
    panel, session, members, recommendation
):
    Session.objects.create(panel=panel, title="Hier", starts_at=timezone.now() - timedelta(days=1))
    Session.objects.create(
        panel=panel, title="Close, vide", starts_at=timezone.now(), ended_at=timezone.now()
    )
    Session.objects.create(panel=panel, title="Demain", starts_at=timezone.now() + timedelta(days=1))
    form = forms.OpenVoteForm(panel=panel, recommendation=recommendation)
    labels = {label.split(" — ")[0]: label for value, label in form.fields["session"].choices if value}
    assert set(labels) == {"Séance 1", "Demain"}  # not "Hier" (too early), not "Close, vide"
    assert labels["Séance 1"].endswith("3 members checked in")
    assert labels["Demain"].endswith("0 members checked in")


def test_a_session_over_with_nobody_checked_in_cannot_hold_the_vote(panel, recommendation, facilitator):
    over = Session.objects.create(
        panel=panel, title="Close, vide", starts_at=timezone.now(), ended_at=timezone.now()
    )
    with pytest.raises(
        services.DeliberationError, match="Nobody was checked in at the session “Close, vide”"
    ):
        services.open_vote(actor=facilitator, recommendation=recommendation, session=over)
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.DRAFT


@pytest.mark.parametrize(
    ("language", "opened", "page_says"),
    [
        ("en", "The vote is open at the session “Séance 1”: 3 members checked in there can vote.",
         "3 members checked in there can vote."),
        ("fr", "Le vote est ouvert à la séance «\u00a0Séance 1\u00a0»\u00a0: 3 membres y ont émargé et "
         "peuvent voter.", "3 membres y ont émargé et peuvent voter."),
    ],
)  # fmt: skip
def test_opening_the_vote_names_the_session_and_how_many_can_vote(
    client, session, members, recommendation, facilitator, language, opened, page_says
):
    client.force_login(with_totp(facilitator))
    response = client.post(
        reverse("deliberation:open_vote", args=[recommendation.pk]),
        {"session": session.pk},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    assert opened in messages_of(response)
    assert page_says in response.content.decode()


def test_opening_a_vote_where_nobody_is_checked_in_yet_warns(client, panel, recommendation, facilitator):
    later = Session.objects.create(
        panel=panel, title="Séance 3", starts_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(with_totp(facilitator))
    response = client.post(
        reverse("deliberation:open_vote", args=[recommendation.pk]),
        {"session": later.pk},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    shown = messages_of(response)
    assert any(m.startswith("Nobody is checked in at the session “Séance 3” yet") for m in shown)
    assert "The vote is open at the session “Séance 3”: 0 members checked in there can vote." in shown


def test_with_no_session_able_to_hold_the_vote_the_page_says_so_instead_of_a_list(
    client, panel, session, recommendation, facilitator
):
    Session.objects.filter(pk=session.pk).update(ended_at=timezone.now())  # over, nobody checked in
    client.force_login(with_totp(facilitator))
    page = client.get(
        reverse("deliberation:recommendation", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No session can hold this vote" in page
    assert "Open the vote</button>" not in page
