"""The life cycles of the panels, their draws and the votes on recommendations, each declared as one
table (`accounts.states`): from each state, the states it may go to and the rule of `rules.py` that
permits the step. Services change these statuses only through `accounts.states.transition`; the grids
are in tests/deliberation/test_states.py."""

from accounts.states import StateMachine, by_the_system

from . import rules
from .models import Amendment, Panel, PanelMember, Recommendation, Selection

P = Panel.Status
#: What an organiser may set depends on the draw, not on where the panel stands: before a committed draw,
#: preparation or recruiting; after it, drawn or deliberating; closed at any time; nothing while a draw
#: runs (`rules.settable_statuses`, which the management page offers). Only the draw's result seats a
#: panel in preparation or recruiting (the system's step; an organiser too once the draw is committed).
_BY_ORGANISER = {
    P.DRAFT: rules.may_set_status_before_draw,
    P.RECRUITING: rules.may_set_status_before_draw,
    P.SELECTED: rules.may_set_status_after_draw,
    P.DELIBERATING: rules.may_set_status_after_draw,
    P.CLOSED: rules.may_close_panel,
}
_SEATED_BY_THE_DRAW = {**_BY_ORGANISER, P.SELECTED: rules.draw_seats_panel}
PANEL = StateMachine(
    Panel,
    {
        P.DRAFT: _SEATED_BY_THE_DRAW,
        P.RECRUITING: _SEATED_BY_THE_DRAW,
        P.SELECTED: _BY_ORGANISER,
        P.DELIBERATING: _BY_ORGANISER,
        P.CLOSED: _BY_ORGANISER,
    },
)

S = Selection.Status
#: A draw is queued by `services.start_selection`; its task reports progress (running), then records its
#: result (done) or failure; an organiser may abandon it (failed) after the stale time. Done and failed
#: are final: a late worker changes nothing. A two-step draw (an announced public value) stops once its
#: lottery is published (awaiting); the organiser's public value queues it again
#: (`rules.can_enter_public_value`), and the task draws from the published lottery. Only the system
#: fails an awaiting draw (its pool changed): an organiser who could abandon it once the public value is
#: known could drop a panel they dislike.
SELECTION = StateMachine(
    Selection,
    {
        S.QUEUED: {
            S.RUNNING: by_the_system,
            S.AWAITING: by_the_system,
            S.DONE: by_the_system,
            S.FAILED: rules.may_fail_selection,
        },
        S.RUNNING: {
            S.RUNNING: by_the_system,
            S.AWAITING: by_the_system,
            S.DONE: by_the_system,
            S.FAILED: rules.may_fail_selection,
        },
        S.AWAITING: {
            S.QUEUED: rules.can_enter_public_value,
            S.FAILED: by_the_system,
        },
    },
)

R = Recommendation.Status
_DECIDED = {
    R.ADOPTED: rules.can_close_vote,
    R.REJECTED: rules.can_close_vote,
    R.NO_BALLOT: rules.can_close_vote,
    R.TOO_FEW: rules.can_close_vote,
}
#: The vote on a recommendation: opened on a draft (or after a vote that decided nothing), closed as
#: adopted, rejected or, with no ballot at all, "no ballot cast", or with too few to publish a count,
#: "too few ballots" (`rules.status_after_vote`, `rules.min_ballots_to_publish`). Adopted and rejected
#: are final.
RECOMMENDATION_VOTE = StateMachine(
    Recommendation,
    {
        R.DRAFT: {R.VOTING: rules.can_open_vote},
        R.NO_BALLOT: {R.VOTING: rules.can_open_vote},
        R.TOO_FEW: {R.VOTING: rules.can_open_vote},
        R.VOTING: _DECIDED,
    },
)

A = Amendment.Status
#: An amendment is proposed by a member while the recommendation is drafted, then decided once by whoever
#: runs the panel (`rules.may_decide_amendment`): accepted (a new version of the text) or rejected (with
#: the reason the member reads). Both are final.
AMENDMENT = StateMachine(
    Amendment,
    {A.PROPOSED: {A.ACCEPTED: rules.may_decide_amendment, A.REJECTED: rules.may_decide_amendment}},
)

M = PanelMember.Status
#: A seat is left once, when whoever runs an open panel gives it to a reserve (`services.replace_member`,
#: which audits the replacement on the draw). Withdrawn is final: the reserve sits in a new seat.
SEAT = StateMachine(PanelMember, {M.ACTIVE: {M.DROPPED: rules.may_replace_member}})
