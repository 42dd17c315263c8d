import pytest
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent, ConsentRecord
from consultation import rules, selectors, services
from consultation.models import Answer, Consultation, Proposal, Vote
from tests.factories import UserFactory
from tests.helpers import make_consultation

Phase = Consultation.Phase


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("draft", "open", True),
        ("draft", "closed", False),
        ("draft", "synthesis_published", False),
        ("open", "closed", True),
        ("open", "draft", False),
        ("open", "synthesis_published", False),
        ("closed", "synthesis_published", True),
        ("closed", "open", True),
        ("closed", "draft", False),
        ("synthesis_published", "open", False),
        ("synthesis_published", "closed", False),
    ],
)
def test_phase_transitions_are_checked_and_audited(db, organiser, start, target, allowed):
    consultation = make_consultation(phase=start)
    before = AuditEvent.objects.filter(action="consultation.phase").count()
    if allowed:
        services.transition(actor=organiser, consultation=consultation, to_phase=target)
        consultation.refresh_from_db()
        assert consultation.phase == target
        event = AuditEvent.objects.filter(action="consultation.phase").last()
        assert event.details == {"from": start, "to": target} and event.actor_id == organiser.pk
    else:
        with pytest.raises(services.NotAllowed):
            services.transition(actor=organiser, consultation=consultation, to_phase=target)
        consultation.refresh_from_db()
        assert consultation.phase == start
        assert AuditEvent.objects.filter(action="consultation.phase").count() == before


def test_only_organisers_move_phases(db, citizen, moderator):
    consultation = make_consultation(phase="draft")
    for person in (citizen, moderator):
        with pytest.raises(services.NotAllowed):
            services.transition(actor=person, consultation=consultation, to_phase="open")


@pytest.mark.parametrize("phase", ["draft", "open", "closed", "synthesis_published"])
def test_permission_grid(db, phase, citizen, moderator, organiser):
    consultation = make_consultation(phase=phase)
    proposal = Proposal.objects.create(consultation=consultation, text="Une proposition")
    anonymous = __import__("django.contrib.auth.models", fromlist=["AnonymousUser"]).AnonymousUser()
    is_open = phase == "open"
    grid = {
        # predicate: (anonymous, citizen, moderator, organiser)
        "can_view": ((phase != "draft",) * 3 + (True,), lambda u: rules.can_view(u, consultation)),
        "can_contribute": (
            (False, is_open, is_open, is_open),
            lambda u: rules.can_contribute(u, consultation),
        ),
        "can_vote": ((False, is_open, is_open, is_open), lambda u: rules.can_vote(u, proposal)),
        "can_report": ((False, True, True, True), lambda u: rules.can_report(u, proposal)),
        "can_moderate": ((False, False, True, True), rules.can_moderate),
        "can_manage": ((False, False, False, True), rules.can_manage),
        "can_edit_charter": (
            (False, False, False, phase in ("draft", "open")),
            lambda u: rules.can_edit_charter(u, consultation),
        ),
        "can_change_required": (
            (False, False, False, phase in ("draft", "open")),
            lambda u: rules.can_change_required(u, consultation),
        ),
        "can_view_results": (
            (phase in ("closed", "synthesis_published"),) * 2 + (phase != "draft",) * 2,
            lambda u: rules.can_view_results(u, consultation),
        ),
    }
    for name, (expected, predicate) in grid.items():
        got = tuple(predicate(u) for u in (anonymous, citizen, moderator, organiser))
        assert got == expected, name


def test_charter_required_before_first_contribution(citizen, consultation):
    with pytest.raises(services.CharterRequired):
        services.submit_proposal(user=citizen, consultation=consultation, text="Une idée")
    services.accept_charter(user=citizen, consultation=consultation)
    consent = ConsentRecord.objects.get(user=citizen, purpose="charter")
    assert consent.version == "test-consultation:v1" and consent.granted
    assert services.submit_proposal(user=citizen, consultation=consultation, text="Une idée").pk


def test_answers_editable_while_open_refused_when_closed(member, consultation, organiser):
    single, open_q = consultation.questions.all()
    yes, no = single.choices.all()
    services.save_answers(
        user=member, consultation=consultation, answers={single.pk: [yes.pk], open_q.pk: "Parce que"}
    )
    services.save_answers(user=member, consultation=consultation, answers={single.pk: [no.pk]})
    answer = Answer.objects.get(user=member, question=single)
    assert list(answer.choices.all()) == [no]
    assert Answer.objects.get(user=member, question=open_q).text == "Parce que"
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    with pytest.raises(services.NotAllowed):
        services.save_answers(user=member, consultation=consultation, answers={single.pk: [yes.pk]})
    assert list(Answer.objects.get(user=member, question=single).choices.all()) == [no]


def test_single_choice_question_refuses_two_choices(member, consultation):
    single = consultation.questions.first()
    with pytest.raises(services.ConsultationError):
        services.save_answers(
            user=member, consultation=consultation, answers={single.pk: [c.pk for c in single.choices.all()]}
        )


def test_one_vote_per_participant_is_a_database_constraint(member, consultation):
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    Vote.objects.create(proposal=proposal, participant_key="u1", value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(proposal=proposal, participant_key="u1", value=-1)


def test_vote_change_moves_counters(member, consultation):
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    services.cast_vote(user=member, proposal=proposal, value="agree")
    outcome = services.cast_vote(user=member, proposal=proposal, value="disagree")
    services.cast_vote(user=member, proposal=proposal, value="disagree")
    assert outcome.changed
    proposal.refresh_from_db()
    assert (proposal.agree_count, proposal.disagree_count, proposal.pass_count) == (0, 1, 0)
    assert Vote.objects.get(proposal=proposal).value == -1


def test_vote_on_closed_consultation_refused(member, consultation, organiser):
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    with pytest.raises(services.NotAllowed):
        services.cast_vote(user=member, proposal=proposal, value="agree")
    assert not Vote.objects.exists()


def test_proposal_length_empty_and_double_submission(member, consultation):
    with pytest.raises(services.ConsultationError):
        services.submit_proposal(user=member, consultation=consultation, text="   ")
    with pytest.raises(services.ConsultationError):
        services.submit_proposal(user=member, consultation=consultation, text="x" * 1001)
    services.submit_proposal(user=member, consultation=consultation, text="x" * 1000)
    with pytest.raises(services.Conflict):
        services.submit_proposal(user=member, consultation=consultation, text="x" * 1000)
    assert Proposal.objects.count() == 1


def test_premoderation_then_hide_with_public_reason(db, moderator, citizen):
    consultation = make_consultation(slug="pre", moderation="pre")
    services.accept_charter(user=citizen, consultation=consultation)
    proposal = services.submit_proposal(user=citizen, consultation=consultation, text="Idée à modérer")
    assert proposal.status == "pending"
    assert list(selectors.moderation_queue()) == [proposal]
    with pytest.raises(services.NotAllowed):
        services.moderate(actor=citizen, proposal=proposal, decision="approve")
    services.moderate(actor=moderator, proposal=proposal, decision="approve")
    proposal.refresh_from_db()
    assert proposal.status == "visible" and not list(selectors.moderation_queue())
    other = UserFactory()
    services.report_proposal(user=other, proposal=proposal, reason="Hors sujet")
    with pytest.raises(services.Conflict):
        services.report_proposal(user=other, proposal=proposal, reason="Encore")
    assert list(selectors.moderation_queue()) == [proposal]
    with pytest.raises(services.ConsultationError):
        services.moderate(actor=moderator, proposal=proposal, decision="hide")
    services.moderate(actor=moderator, proposal=proposal, decision="hide", reason="Propos hors sujet")
    proposal.refresh_from_db()
    assert proposal.status == "hidden" and proposal.hide_reason == "Propos hors sujet"
    assert not list(selectors.moderation_queue())
    assert AuditEvent.objects.filter(action="proposal.hide").exists()
