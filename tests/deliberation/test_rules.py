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
