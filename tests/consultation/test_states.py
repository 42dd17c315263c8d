"""The consultation's life cycle as a grid: every (from, to) pair of phases is allowed or refused, by
the table (consultation/states.py), by the rule an organiser's click goes through, and by the service
that moves it (which keeps the move in the page's history and the audit log)."""

import itertools

import pytest

from accounts.models import AuditEvent
from consultation import rules, services
from consultation.models import Consultation, PhaseChange
from consultation.states import PHASES
from tests.helpers import make_consultation

Phase = Consultation.Phase
ALLOWED = {
    (Phase.DRAFT, Phase.OPEN),
    (Phase.OPEN, Phase.CLOSED),
    (Phase.CLOSED, Phase.OPEN),  # reopened
    (Phase.CLOSED, Phase.SYNTHESIS_PUBLISHED),
}
PAIRS = list(itertools.product(Phase.values, repeat=2))


def test_the_table_holds_every_phase_and_only_the_allowed_moves():
    assert set(PHASES.states) == set(Phase.values)
    assert {(a, b) for a, b in PAIRS if PHASES.can(a, b)} == {(str(a), str(b)) for a, b in ALLOWED}
    assert PHASES.targets(Phase.SYNTHESIS_PUBLISHED) == ()


@pytest.mark.parametrize(("current", "to"), PAIRS)
def test_an_organiser_moves_a_consultation_only_along_the_table(current, to, organiser, citizen, db):
    consultation = make_consultation(phase=current)
    allowed = (current, to) in ALLOWED
    assert rules.can_transition(organiser, consultation, to) is allowed
    assert rules.can_transition(citizen, consultation, to) is False
    events = AuditEvent.objects.filter(action="consultation.phase").count()
    if allowed:
        services.transition(actor=organiser, consultation=consultation, to_phase=to)
        assert Consultation.objects.get(pk=consultation.pk).phase == to
        change = PhaseChange.objects.filter(consultation=consultation).order_by("id").last()
        assert (change.from_phase, change.to_phase, change.actor) == (current, to, organiser)
        assert AuditEvent.objects.filter(action="consultation.phase").count() == events + 1
    else:
        with pytest.raises(services.NotAllowed):
            services.transition(actor=organiser, consultation=consultation, to_phase=to)
        assert Consultation.objects.get(pk=consultation.pk).phase == current
        assert AuditEvent.objects.filter(action="consultation.phase").count() == events


def test_a_citizen_cannot_move_a_consultation(citizen, db):
    consultation = make_consultation(phase="open")
    with pytest.raises(services.NotAllowed):
        services.transition(actor=citizen, consultation=consultation, to_phase=Phase.CLOSED)
    assert Consultation.objects.get(pk=consultation.pk).phase == Phase.OPEN


def test_an_empty_consultation_does_not_open(organiser, db):
    consultation = make_consultation(phase="draft", questions=False, proposals_allowed=False)
    with pytest.raises(services.ConsultationError):
        services.transition(actor=organiser, consultation=consultation, to_phase=Phase.OPEN)
    assert Consultation.objects.get(pk=consultation.pk).phase == Phase.DRAFT
    assert not PhaseChange.objects.filter(consultation=consultation).exists()
