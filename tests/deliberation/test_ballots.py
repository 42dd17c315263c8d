import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction

from accounts.models import User
from deliberation import services
from deliberation.models import Ballot, BallotReceipt, PanelMember, Recommendation

from .conftest import other_session, seat


@pytest.fixture
def open_vote(recommendation, session, facilitator):
    return services.open_vote(actor=facilitator, recommendation=recommendation, session=session)


def test_ballot_model_cannot_point_at_a_person():
    for field in Ballot._meta.get_fields():
        if field.is_relation:
            assert field.related_model is Recommendation, field.name
        assert not isinstance(field, models.DateTimeField | models.DateField), field.name
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    related = {f.related_model for f in BallotReceipt._meta.get_fields() if f.is_relation}
    assert Ballot not in related and User not in related and PanelMember in related


def test_ballots_cannot_be_matched_to_receipts_by_order(open_vote, members):
    for member, choice in zip(members, ["for", "against", "abstain"], strict=True):
        services.cast_ballot(user=member.volunteer.user, recommendation=open_vote, choice=choice)
    ballots = list(Ballot.objects.filter(recommendation=open_vote))
    receipts = list(BallotReceipt.objects.filter(recommendation=open_vote))
    assert len(ballots) == len(receipts) == 3
    # Random keys: neither table carries a sequence number that would line ballots up with voters.
    assert len({b.pk.int for b in ballots} | {r.pk.int for r in receipts}) == 6
    assert all(b.pk.version == 4 and r.pk.version == 4 for b, r in zip(ballots, receipts, strict=True))
    assert sorted(b.choice for b in ballots) == ["abstain", "against", "for"]


def test_one_ballot_per_member_service_message(open_vote, members):
    voter = members[0].volunteer.user
    services.cast_ballot(user=voter, recommendation=open_vote, choice="for")
    with pytest.raises(services.DeliberationError, match="already voted"):
        services.cast_ballot(user=voter, recommendation=open_vote, choice="against")
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["for"]


def test_one_ballot_per_member_database_constraint(open_vote, members):
    BallotReceipt.objects.create(recommendation=open_vote, member=members[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotReceipt.objects.create(recommendation=open_vote, member=members[0])


def test_ballot_after_closing_is_refused(open_vote, members, facilitator):
    services.cast_ballot(user=members[0].volunteer.user, recommendation=open_vote, choice="for")
    services.close_vote(actor=facilitator, recommendation=open_vote)
    with pytest.raises(services.DeliberationError, match="not open"):
        services.cast_ballot(user=members[1].volunteer.user, recommendation=open_vote, choice="against")
    assert Ballot.objects.count() == 1 and BallotReceipt.objects.count() == 1


def test_absent_member_cannot_vote(open_vote, members, panel):
    absent = seat(panel)  # seated but not checked in at the vote's session
    with pytest.raises(services.DeliberationError, match="checked in"):
        services.cast_ballot(user=absent.volunteer.user, recommendation=open_vote, choice="for")
    assert not Ballot.objects.exists() and not BallotReceipt.objects.exists()


def test_presence_at_another_session_does_not_count(recommendation, members, panel, facilitator):
    later = other_session(panel)
    services.open_vote(actor=facilitator, recommendation=recommendation, session=later)
    with pytest.raises(services.DeliberationError):
        services.cast_ballot(user=members[0].volunteer.user, recommendation=recommendation, choice="for")
    services.check_in_with_code(
        user=members[0].volunteer.user, session=later, code=later.checkin_code.lower()
    )
    services.cast_ballot(user=members[0].volunteer.user, recommendation=recommendation, choice="for")
    assert Ballot.objects.count() == 1


def test_non_member_cannot_vote(open_vote, citizen, members):
    with pytest.raises(PermissionDenied):
        services.cast_ballot(user=citizen, recommendation=open_vote, choice="for")


@pytest.mark.parametrize(
    ("threshold", "choices", "adopted"),
    [
        ("majority", ["for", "for", "against"], True),
        ("majority", ["for", "against", "abstain"], False),  # a tie among votes cast is not a majority
        ("two_thirds", ["for", "for", "against"], True),
        ("two_thirds", ["for", "against", "abstain"], False),
    ],
)
def test_closing_applies_the_panel_threshold(
    panel, open_vote, members, facilitator, threshold, choices, adopted
):
    panel.threshold = threshold
    panel.save()
    for member, choice in zip(members, choices, strict=True):
        services.cast_ballot(user=member.volunteer.user, recommendation=open_vote, choice=choice)
    closed = services.close_vote(actor=facilitator, recommendation=open_vote)
    expected_for = choices.count("for")
    assert (closed.votes_for, closed.votes_against, closed.votes_abstain) == (
        expected_for,
        choices.count("against"),
        choices.count("abstain"),
    )
    assert closed.status == ("adopted" if adopted else "rejected")
