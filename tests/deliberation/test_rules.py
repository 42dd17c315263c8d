"""The permission grid: role x panel / recommendation status."""

import pytest

from deliberation import rules
from deliberation.models import Attendance, Panel, Recommendation
from tests.factories import UserFactory

from .conftest import seat

PANEL_STATUSES = [s.value for s in Panel.Status]


@pytest.mark.parametrize("status", PANEL_STATUSES)
def test_panel_grid(panel, status, citizen, facilitator, organiser, moderator):
    panel.status = status
    before_draw = status in ("draft", "recruiting")
    expected = {
        # person: (volunteer, edit selection inputs, run selection, organise, facilitate)
        "citizen": (status == "recruiting", False, False, False, False),
        "moderator": (status == "recruiting", False, False, False, False),
        "facilitator": (status == "recruiting", False, False, False, True),
        "organiser": (status == "recruiting", before_draw, before_draw, True, True),
    }
    people = {"citizen": citizen, "moderator": moderator, "facilitator": facilitator, "organiser": organiser}
    for name, user in people.items():
        got = (
            rules.can_volunteer(user, panel),
            rules.can_edit_selection_inputs(user, panel),
            rules.can_run_selection(user, panel),
            rules.can_organise(user),
            rules.can_facilitate(user),
        )
        assert got == expected[name], name


def test_anonymous_can_do_nothing(panel):
    from django.contrib.auth.models import AnonymousUser

    panel.status = "recruiting"
    anonymous = AnonymousUser()
    assert not rules.can_volunteer(anonymous, panel)
    assert not rules.can_organise(anonymous) and not rules.can_facilitate(anonymous)
    assert rules.active_seat(anonymous, panel) is None


@pytest.mark.parametrize("status", [s.value for s in Recommendation.Status])
def test_recommendation_grid(recommendation, session, status, citizen, facilitator, organiser):
    present = seat(recommendation.panel)
    Attendance.objects.create(session=session, member=present, method="code")
    absent = seat(recommendation.panel)
    recommendation.status = status
    recommendation.vote_session = session
    member_user, absent_user = present.volunteer.user, absent.volunteer.user
    assert rules.can_propose_amendment(member_user, recommendation) == (status == "draft")
    assert rules.can_propose_amendment(absent_user, recommendation) == (status == "draft")
    assert not rules.can_propose_amendment(citizen, recommendation)
    assert rules.can_decide_amendment(facilitator, recommendation) == (status == "draft")
    outsider = UserFactory(roles=["citizen", "facilitator"])  # a facilitator of other panels
    assert not rules.can_decide_amendment(outsider, recommendation)
    assert rules.can_decide_amendment(organiser, recommendation) == (status == "draft")
    assert not rules.can_decide_amendment(member_user, recommendation)
    assert rules.can_vote(member_user, recommendation) == (status == "voting")
    assert not rules.can_vote(absent_user, recommendation)
    assert not rules.can_vote(facilitator, recommendation)
    assert rules.can_record_response(organiser, recommendation) == (status == "adopted")
    assert not rules.can_record_response(facilitator, recommendation)


def test_withdrawn_member_loses_member_rights(recommendation, session):
    member = seat(recommendation.panel)
    member.status = "dropped"
    member.save()
    assert not rules.can_propose_amendment(member.volunteer.user, recommendation)


def test_team_grid(panel, session, citizen, facilitator, organiser, moderator):
    """Who reads members' names and contacts, the reserve list, edits the agenda and replaces a member: the
    panel's team (its assigned facilitators and the organisers), nobody else, members included."""
    member = seat(panel)
    outsider = UserFactory(roles=["citizen", "facilitator"])  # a facilitator of other panels
    expected = {"citizen": False, "moderator": False, "outsider": False, "member": False}
    expected |= {"facilitator": True, "organiser": True}
    people = {"citizen": citizen, "moderator": moderator, "outsider": outsider, "facilitator": facilitator,
              "organiser": organiser, "member": member.volunteer.user}  # fmt: skip
    for name, user in people.items():
        got = (
            rules.can_see_member_identity(user, panel),
            rules.can_see_reserve_list(user, panel),
            rules.can_edit_agenda(user, session),
            rules.can_replace_member(user, member),
        )
        assert got == (expected[name],) * 4, name
    member.status = "dropped"
    assert not rules.can_replace_member(organiser, member)  # a seat already left
    member.status, panel.status = "active", "closed"
    assert not rules.can_replace_member(organiser, member)  # a closed panel's seats no longer change


@pytest.mark.parametrize("status", [s.value for s in Recommendation.Status])
def test_vote_opening_and_closing_grid(recommendation, status, citizen, facilitator, organiser):
    recommendation.status = status
    openable = status in ("draft", "no_ballot", "too_few")  # a vote that decided nothing
    for user, runs in ((facilitator, True), (organiser, True), (citizen, False)):
        assert rules.can_open_vote(user, recommendation) == (runs and openable), (user, status)
        assert rules.can_close_vote(user, recommendation) == (runs and status == "voting"), (user, status)


def test_a_vote_is_held_on_or_after_the_day_its_text_last_changed(recommendation, panel):
    from datetime import timedelta

    from deliberation.models import Session

    today = recommendation.session.starts_at
    sessions = {
        days: Session.objects.create(panel=panel, title=f"J{days}", starts_at=today + timedelta(days=days))
        for days in (-1, 0, 7)
    }
    assert {d: rules.session_may_hold_vote(recommendation, s) for d, s in sessions.items()} == {
        -1: False,
        0: True,
        7: True,
    }


@pytest.mark.parametrize(
    ("threshold", "votes", "status"),
    [
        ("majority", (0, 0, 0), "no_ballot"),  # nobody voted: nothing decided, never "rejected"
        ("majority", (0, 0, 3), "rejected"),  # only abstentions: ballots cast, not adopted
        ("majority", (2, 1, 0), "adopted"),
        ("majority", (1, 1, 0), "rejected"),
        ("two_thirds", (2, 1, 5), "adopted"),
        ("two_thirds", (0, 0, 0), "no_ballot"),
    ],
)
def test_adoption_rule(threshold, votes, status):
    assert rules.status_after_vote(rules.vote_outcome(threshold, *votes)) == status


@pytest.mark.parametrize(
    ("status", "answered", "taken_up"),
    [
        ("pending", False, False),
        ("under_study", False, False),  # acknowledged, no decision: still waiting for its answer
        ("adopted", True, True),
        ("partly_adopted", True, True),
        ("rejected", True, False),
    ],
)
def test_answer_status_grid(status, answered, taken_up):
    assert (rules.counts_as_answered(status), rules.counts_as_taken_up(status)) == (answered, taken_up)
