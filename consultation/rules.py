"""Permissions of the consultation layer: predicates over (role x phase x object), tested as a grid."""

from accounts.roles import Role, has_role

from .accepting import accepts_contributions
from .models import Consultation, Proposal

Phase = Consultation.Phase


def can_manage(user) -> bool:
    """Create and edit consultations, their questions and settings; import contributions."""
    return has_role(user, Role.ORGANISER)


# The charter can change while people may still accept it (draft, open); once the consultation is closed the
# text its participants accepted is the record and stays as it is (reopening it allows edits again).
CHARTER_EDITABLE_PHASES = (Phase.DRAFT, Phase.OPEN)


def can_edit_charter(user, consultation: Consultation) -> bool:
    return can_manage(user) and consultation.phase in CHARTER_EDITABLE_PHASES


def can_view(user, consultation: Consultation) -> bool:
    return consultation.phase != Phase.DRAFT or can_manage(user)


def may_move_phase(actor, _consultation: Consultation) -> bool:
    """The rule of every step of the phases' table (consultation/states.py): an organiser, or the system
    (`actor` None: a loading command, a benchmark's setup)."""
    return actor is None or can_manage(actor)


def can_transition(user, consultation: Consultation, to_phase: str) -> bool:
    from .states import PHASES  # the table names this module's rules

    return can_manage(user) and PHASES.allows(consultation, to_phase, actor=user)


def can_edit_questions(user, consultation: Consultation) -> bool:
    """The questionnaire changes only while the consultation is a draft (answers would be incomplete)."""
    return can_manage(user) and consultation.phase == Phase.DRAFT


# Whether a question's answer is required may change with answers already given (they stay valid; the
# rule applies from each person's next save), while the consultation is a draft or open: after, it would
# change nothing anyone can still do.
REQUIRED_CHANGEABLE_PHASES = (Phase.DRAFT, Phase.OPEN)


def can_change_required(user, consultation: Consultation) -> bool:
    return can_manage(user) and consultation.phase in REQUIRED_CHANGEABLE_PHASES


def can_contribute(user, consultation: Consultation) -> bool:
    """Answer, vote, propose, accept the charter: any signed-in person while the consultation accepts
    contributions (open, and its closing time not reached: consultation/accepting.py)."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.is_active
        and accepts_contributions(consultation)
    )


def can_submit_proposal(user, consultation: Consultation) -> bool:
    return can_contribute(user, consultation) and consultation.proposals_allowed


def can_vote(user, proposal: Proposal) -> bool:
    return can_contribute(user, proposal.consultation) and proposal.status == Proposal.Status.VISIBLE


def can_report(user, proposal: Proposal) -> bool:
    """Anyone signed in can report a published proposal, whatever the phase."""
    return bool(getattr(user, "is_authenticated", False)) and proposal.status == Proposal.Status.VISIBLE


def can_moderate(user) -> bool:
    return has_role(user, Role.MODERATOR, Role.ORGANISER)


def can_view_results(user, consultation: Consultation) -> bool:
    """Results are public once the consultation is closed (no live results that would sway voters);
    organisers and moderators follow them while it runs."""
    if consultation.phase in (Phase.CLOSED, Phase.SYNTHESIS_PUBLISHED):
        return True
    return consultation.phase == Phase.OPEN and (can_manage(user) or can_moderate(user))


def can_build_open_data(user, consultation: Consultation) -> bool:
    return can_manage(user) and consultation.phase != Phase.DRAFT


def can_answer(user) -> bool:
    """Record the decision-makers' answers to proposals and themes, and state which must be answered."""
    return has_role(user, Role.ORGANISER)


def can_answer_in(user, consultation: Consultation) -> bool:
    """The answer forms of a consultation (its rule of the answers, its proposals): organisers."""
    return can_answer(user)
