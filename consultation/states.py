"""The life cycle of a consultation: the moves its phase may make, each permitted by
`rules.may_move_phase` (an organiser, or the system's own setup). Changed only by services.transition
(through accounts.states.transition), asked by rules.can_transition and by the organisers' page for the
buttons it shows; tests/consultation/test_states.py is its grid."""

from django.utils.translation import gettext_lazy

from accounts.states import StateMachine

from . import rules
from .models import Consultation

Phase = Consultation.Phase


def _not_allowed(message: str):
    from .services.base import NotAllowed  # services import this module

    return NotAllowed(message)


PHASES = StateMachine(
    Consultation,
    {
        Phase.DRAFT: {Phase.OPEN: rules.may_move_phase},
        Phase.OPEN: {Phase.CLOSED: rules.may_move_phase},
        Phase.CLOSED: {Phase.SYNTHESIS_PUBLISHED: rules.may_move_phase, Phase.OPEN: rules.may_move_phase},
    },
    field="phase",
    refusal=_not_allowed,
    message=gettext_lazy("A consultation cannot go from “%(from)s” to “%(to)s”."),
)
