"""Guards with words (issue 19): a vote is opened only at a session held once its text was last changed,
closed only after a confirmation, and a vote closed with no ballot reads "no ballot cast", never
"rejected"; a member is replaced only after a confirmation with a reason."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import AuditEvent
from deliberation import rules, services
from deliberation.models import Panel, PanelMember, Recommendation, Selection, Session, Volunteer
from tests.conftest import with_totp

from .conftest import messages_of, seat


@pytest.fixture
def team(client, facilitator):
    client.force_login(with_totp(facilitator))
    return client


def _earlier_session(panel, days=30) -> Session:
    return Session.objects.create(
        panel=panel, title="Séance de mars", starts_at=timezone.now() - timedelta(days=days), place="Lyon"
    )


def test_a_vote_cannot_be_opened_at_a_session_held_before_the_text_was_last_changed(
    team, panel, session, recommendation
):
    earlier = _earlier_session(panel)
    url = reverse("deliberation:open_vote", args=[recommendation.pk])
    response = team.post(url, {"session": earlier.pk}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "The session “Séance de mars”" in html
        and "was held before the text put to the vote was last changed" in html
    )
    today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"Choose a session held on {today} or later" in html
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.DRAFT and recommendation.vote_session is None
    # The form says it before anyone tries, and a session held today or later is accepted.
    page = team.get(
        reverse("deliberation:recommendation", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert f"The session must be held on {today} or later" in page.content.decode()
    team.post(url, {"session": session.pk})
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.VOTING


def test_an_amendment_accepted_after_a_session_moves_the_earliest_vote(panel, facilitator, members):
    earlier = _earlier_session(panel, days=10)
    recommendation = services.create_recommendation(
        actor=facilitator, panel=panel, session=earlier, title="R", text="Texte"
    )
    # Drafted during the earlier session (dated as it happened): that session could hold the vote...
    Recommendation.objects.filter(pk=recommendation.pk).update(created_at=earlier.starts_at)
    recommendation.versions.update(created_at=earlier.starts_at)
    recommendation.refresh_from_db()
    assert rules.session_may_hold_vote(recommendation, earlier)
    amendment = services.propose_amendment(
        user=members[0].volunteer.user, recommendation=recommendation, text="Texte amendé"
    )
    services.accept_amendment(actor=facilitator, amendment=amendment)
    # ...until the text changed today, after it.
    with pytest.raises(services.DeliberationError, match="was held before the text put to the vote"):
        services.open_vote(actor=facilitator, recommendation=recommendation, session=earlier)


@pytest.mark.usefixtures("counts_published_from_one_ballot")
def test_closing_a_vote_asks_for_a_confirmation_with_the_turnout(
    team, recommendation, session, facilitator, members
):
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    services.cast_ballot(user=members[0].volunteer.user, recommendation=recommendation, choice="for")
    page = team.get(
        reverse("deliberation:recommendation", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    close_url = reverse("deliberation:close_vote", args=[recommendation.pk])
    # The recommendation's page links to the confirmation; no form there closes the vote in one click.
    assert (
        f'href="{close_url}"' in page.content.decode()
        and f'action="{close_url}"' not in page.content.decode()
    )
    confirm = team.get(close_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    summary = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', confirm))
    assert (summary["Ballots cast"], summary["Members checked in at that session"]) == ("1", "3")
    assert "1 of the 3 members checked in have voted." in confirm and "It cannot be undone" in confirm
    # A POST without the confirmation (the old one-click form, a replayed request) only shows the page.
    assert team.post(close_url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.VOTING
    done = team.post(close_url, {"confirm": "yes"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert messages_of(done) == ["The vote is closed and the result published."]
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.ADOPTED


def test_a_vote_closed_with_no_ballot_reads_no_ballot_cast_never_rejected(
    client, team, panel, recommendation, session, facilitator, members
):
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    confirm = team.get(
        reverse("deliberation:close_vote", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "No ballot has been cast. Closing the vote now decides nothing" in confirm.content.decode()
    done = team.post(
        reverse("deliberation:close_vote", args=[recommendation.pk]),
        {"confirm": "yes"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert messages_of(done) == [
        "The vote is closed: no ballot was cast, nothing was decided. The vote can be opened again."
    ]
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.NO_BALLOT
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.DELIBERATING)  # a draft panel shows nothing
    client.logout()
    for language, no_ballot, rejected in (
        ("en", "No ballot cast: the vote decided nothing.", "Rejected"),
        ("fr", "Aucun bulletin déposé\u00a0: le vote n’a rien décidé.", "Rejetée"),
    ):
        public = client.get(
            reverse("deliberation:recommendation", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert no_ballot in public and rejected not in public, language
        listing = client.get(
            reverse("deliberation:panel_detail", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert rejected not in listing, language
    # Nothing was decided: the panel's team can put it to the vote again.
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.VOTING


@pytest.fixture
def seated_with_reserve(panel):
    leaving, _staying = seat(panel), seat(panel)
    Volunteer.objects.filter(panel=panel).update(strata={"gender": "female"})
    reserve = Volunteer.objects.create(
        panel=panel, strata={"gender": "female"}, source="import", external_id="r1", name="Léa Dupont",
        contact="lea@example.org",
    )  # fmt: skip
    Selection.objects.filter(panel=panel).update(reserves=[str(reserve.pk)])
    return leaving, reserve


def test_replacing_a_member_asks_for_a_confirmation_and_a_reason(team, panel, seated_with_reserve):
    leaving, reserve = seated_with_reserve
    url = reverse("deliberation:replace_member", args=[leaving.pk])
    confirm = team.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "It cannot be undone" in confirm and "Why this member leaves the panel" in confirm
    # The reserve list is on the page: who would be called.
    assert "Léa Dupont" in confirm
    leaving.refresh_from_db()
    assert leaving.status == PanelMember.Status.ACTIVE  # looking is not replacing
    without_reason = team.post(url, {"reason": "  "}, HTTP_ACCEPT_LANGUAGE="en")
    assert without_reason.status_code == 200
    assert "Say why this member leaves the panel: the reason is recorded with the replacement." in (
        without_reason.content.decode()
    )
    leaving.refresh_from_db()
    assert leaving.status == PanelMember.Status.ACTIVE
    done = team.post(url, {"reason": "A déménagé à l’étranger"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert messages_of(done) == [f"Léa Dupont (Volunteer #{reserve.pk}) takes the seat."]
    assert done.redirect_chain[-1][0] == reverse("deliberation:facilitate", args=[panel.pk])
    leaving.refresh_from_db()
    assert (leaving.status, leaving.drop_reason) == (PanelMember.Status.DROPPED, "A déménagé à l’étranger")
    event = AuditEvent.objects.get(action="selection.replaced")
    assert event.details["reason"] == "A déménagé à l’étranger" and event.actor_role == "facilitator"
