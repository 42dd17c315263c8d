import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction

from accounts.models import User
from deliberation import ballot_box, services
from deliberation.models import BallotBox, BallotReceipt, PanelMember, Recommendation

from .conftest import other_session, seat

# A count is published from one ballot here: the floor is tested in test_vote_count_threshold.py.
pytestmark = pytest.mark.usefixtures("counts_published_from_one_ballot")


@pytest.fixture
def open_vote(recommendation, session, facilitator):
    return services.open_vote(actor=facilitator, recommendation=recommendation, session=session)


def counts(recommendation) -> dict[str, int]:
    box = BallotBox.objects.get(recommendation=recommendation)
    return ballot_box.unseal(recommendation.pk, box.sealed)


def test_the_ballot_box_cannot_point_at_a_person():
    for field in BallotBox._meta.get_fields():
        if field.is_relation:
            assert field.related_model is Recommendation, field.name
        assert not isinstance(field, models.DateTimeField | models.DateField), field.name
    related = {f.related_model for f in BallotReceipt._meta.get_fields() if f.is_relation}
    assert BallotBox not in related and User not in related and PanelMember in related
    assert not any(isinstance(f, models.DateTimeField | models.DateField) for f in BallotReceipt._meta.fields)


def test_ballots_are_counts_in_one_sealed_box(open_vote, members):
    for member, choice in zip(members, ["for", "against", "for"], strict=True):
        services.cast_ballot(user=member.volunteer.user, recommendation=open_vote, choice=choice)
    assert BallotBox.objects.count() == 1 and BallotReceipt.objects.count() == 3
    box = BallotBox.objects.get()
    # Nothing readable without the site's key; sealing the same counts twice gives two values.
    assert not any(word in box.sealed for word in ("for", "against", "abstain"))
    assert ballot_box.seal(open_vote.pk, counts(open_vote)) != box.sealed
    assert counts(open_vote) == {"for": 2, "against": 1, "abstain": 0}


def test_a_box_does_not_open_on_another_recommendation_nor_with_another_key(open_vote, members, settings):
    services.cast_ballot(user=members[0].volunteer.user, recommendation=open_vote, choice="for")
    sealed = BallotBox.objects.get().sealed
    with pytest.raises(ballot_box.BoxUnreadable):
        ballot_box.unseal(open_vote.pk + 1, sealed)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(ballot_box.BoxUnreadable):
        ballot_box.unseal(open_vote.pk, sealed)
    settings.SECRET_KEY_FALLBACKS = [old_key]  # a key rotated during a vote keeps its box readable
    assert ballot_box.unseal(open_vote.pk, sealed)["for"] == 1


def test_one_ballot_per_member_service_message(open_vote, members):
    voter = members[0].volunteer.user
    services.cast_ballot(user=voter, recommendation=open_vote, choice="for")
    with pytest.raises(services.DeliberationError, match="already voted"):
        services.cast_ballot(user=voter, recommendation=open_vote, choice="against")
    assert counts(open_vote) == {"for": 1, "against": 0, "abstain": 0}


def test_one_ballot_per_member_database_constraint(open_vote, members):
    BallotReceipt.objects.create(recommendation=open_vote, member=members[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotReceipt.objects.create(recommendation=open_vote, member=members[0])


def test_ballot_after_closing_is_refused(open_vote, members, facilitator):
    services.cast_ballot(user=members[0].volunteer.user, recommendation=open_vote, choice="for")
    services.close_vote(actor=facilitator, recommendation=open_vote)
    with pytest.raises(services.DeliberationError, match="not open"):
        services.cast_ballot(user=members[1].volunteer.user, recommendation=open_vote, choice="against")
    closed = Recommendation.objects.get(pk=open_vote.pk)
    assert (closed.votes_for, closed.votes_against) == (1, 0) and BallotReceipt.objects.count() == 1
    assert not BallotBox.objects.exists()  # closing opened the box, put the counts on the recommendation


def test_absent_member_cannot_vote(open_vote, members, panel):
    absent = seat(panel)  # seated but not checked in at the vote's session
    with pytest.raises(services.DeliberationError, match="checked in"):
        services.cast_ballot(user=absent.volunteer.user, recommendation=open_vote, choice="for")
    assert counts(open_vote) == {"for": 0, "against": 0, "abstain": 0}
    assert not BallotReceipt.objects.exists()


def test_presence_at_another_session_does_not_count(recommendation, members, panel, facilitator):
    later = other_session(panel)
    services.open_vote(actor=facilitator, recommendation=recommendation, session=later)
    with pytest.raises(services.DeliberationError):
        services.cast_ballot(user=members[0].volunteer.user, recommendation=recommendation, choice="for")
    services.check_in_with_code(
        user=members[0].volunteer.user, session=later, code=later.checkin_code.lower()
    )
    services.cast_ballot(user=members[0].volunteer.user, recommendation=recommendation, choice="for")
    assert counts(recommendation)["for"] == 1


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


def test_a_key_changed_during_the_vote_is_explained_and_loses_no_ballot(
    open_vote, members, facilitator, settings
):
    services.cast_ballot(user=members[0].volunteer.user, recommendation=open_vote, choice="against")
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(services.DeliberationError, match="SECRET_KEY_FALLBACKS"):
        services.close_vote(actor=facilitator, recommendation=open_vote)
    assert Recommendation.objects.get(pk=open_vote.pk).status == Recommendation.Status.VOTING
    settings.SECRET_KEY_FALLBACKS = [old_key]
    closed = services.close_vote(actor=facilitator, recommendation=open_vote)
    assert (closed.votes_for, closed.votes_against, closed.status) == (0, 1, "rejected")
