"""The life cycle of a consultation: the moves its phase may make. Changed only by
services.transition (through accounts.states.transition), asked by rules.can_transition and by the
organisers' page for the buttons it shows; tests/consultation/test_states.py is its grid."""

from django.utils.translation import gettext as _

from accounts.states import TableMachine as StateMachine

from .models import Consultation

Phase = Consultation.Phase


def _phase_label(phase: str) -> str:
    try:
        return Phase(phase).label
    except ValueError:
        return phase


def _refused(consultation, current: str, to: str):
    from .services.base import NotAllowed  # services import this module

    return NotAllowed(
        _("A consultation cannot go from “%(from)s” to “%(to)s”.")
        % {"from": _phase_label(current), "to": _phase_label(to)}
    )


PHASES = StateMachine(
    {
        Phase.DRAFT: (Phase.OPEN,),
        Phase.OPEN: (Phase.CLOSED,),
        Phase.CLOSED: (Phase.SYNTHESIS_PUBLISHED, Phase.OPEN),
        Phase.SYNTHESIS_PUBLISHED: (),
    },
    field="phase",
    refusal=_refused,
)
