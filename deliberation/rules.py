"""Permissions of the citizen panels, as predicates (role x panel/recommendation status x object).

Membership predicates take the person's active seat on the panel (or None) so views and services ask
the same question the same way."""

from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from accounts.roles import Role, has_role
from consultation import adoption

from .models import (
    Attendance,
    Panel,
    PanelFacilitator,
    PanelMember,
    Recommendation,
    Selection,
    Session,
)

BEFORE_DRAW = (Panel.Status.DRAFT, Panel.Status.RECRUITING)


def can_organise(user) -> bool:
    """Create panels, edit quotas, import volunteers, run the selection, record decision-makers' answers."""
    return has_role(user, Role.ORGANISER)


def acting_role(user) -> str:
    """The role under which someone who runs a panel acts on it, as its audit events record it (public pages
    name the actor by it): organiser for an organiser, else facilitator."""
    return Role.ORGANISER if can_organise(user) else Role.FACILITATOR


def can_facilitate(user) -> bool:
    """Holds a role that runs panels. Which panels: `can_run_panel`."""
    return has_role(user, Role.FACILITATOR, Role.ORGANISER)


def can_be_assigned(user) -> bool:
    """Organisers assign facilitators to panels (organisers themselves run every panel)."""
    return getattr(user, "is_authenticated", False) and has_role(user, Role.FACILITATOR)


def can_run_panel(user, panel: Panel) -> bool:
    """Run this panel: its sessions, agenda console, attendance, documents, drafting, amendments, votes
    and reserve replacements. Organisers run every panel; a facilitator only the panels an organiser
    assigned them to. A panel with no facilitator assigned is run by organisers only.

    The one place for this rule: services check it before every write, views before every page."""
    if can_organise(user):
        return True
    return (
        can_be_assigned(user) and PanelFacilitator.objects.filter(panel_id=panel.pk, user_id=user.pk).exists()
    )


def active_seat(user, panel: Panel) -> PanelMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        PanelMember.objects.filter(panel=panel, volunteer__user=user, status=PanelMember.Status.ACTIVE)
        .select_related("volunteer")
        .first()
    )


def draw_is_final(panel: Panel) -> bool:
    """The panel has a committed draw (a selection done). It is final: the panel is never drawn again, its
    pool and quotas no longer change, it never goes back to preparation or recruiting; a seat left empty
    is filled from the reserve list (`services.replace_member`)."""
    return panel.pk is not None and panel.selections.filter(status=Selection.Status.DONE).exists()


#: A draw started and not ended: waiting for a worker, running, or (two-step draw) its lottery published
#: and waiting for the public value announced.
UNDER_WAY = (Selection.Status.QUEUED, Selection.Status.RUNNING, Selection.Status.AWAITING)


def draw_running(panel: Panel) -> bool:
    """A selection is under way (`UNDER_WAY`): the pool and the quotas it reads must not move, also while
    its published lottery waits for the public value (the lottery was computed for them)."""
    return panel.selections.filter(status__in=UNDER_WAY).exists()


def public_value_refusal(user, selection: Selection) -> str:
    """Why the public value of a two-step draw cannot be entered now ("" when it can): only an organiser,
    only once the lottery is published with the announced source, and only once."""
    from .draw_messages import public_value_refusal_message

    if not can_organise(user):
        return public_value_refusal_message("not_organiser")
    if not selection.public_value_source:
        return public_value_refusal_message("not_two_step")
    if selection.public_value or selection.status in (Selection.Status.DONE, Selection.Status.FAILED):
        return public_value_refusal_message("already_entered")
    if selection.status != Selection.Status.AWAITING or not selection.lottery_sha256:
        return public_value_refusal_message("not_published")
    return ""


def can_enter_public_value(user, selection: Selection) -> bool:
    """The organiser's step 2 of a two-step draw (`states.SELECTION`: awaiting -> queued)."""
    return not public_value_refusal(user, selection)


def selection_stale_since(selection: Selection) -> datetime:
    """When a draw still queued or running may be abandoned: `PACTE_SELECTION_STALE_MINUTES` after it
    was started, well beyond the longest draw measured (its worker or its broker message was lost)."""
    return selection.created_at + timedelta(minutes=settings.PACTE_SELECTION_STALE_MINUTES)


def can_abandon_selection(user, selection: Selection, now: datetime | None = None) -> bool:
    """An organiser may abandon a draw that has been queued or running for longer than the stale time; a
    recent one may still be working and is left alone."""
    return (
        can_organise(user)
        and selection.status in (Selection.Status.QUEUED, Selection.Status.RUNNING)
        and (now or timezone.now()) >= selection_stale_since(selection)
    )


def settable_statuses(panel: Panel) -> list[str]:
    """The statuses an organiser may give the panel: none while a draw runs (its end sets the status);
    after a committed draw never back to before it; before one, not "drawn" or "deliberating" either (a
    panel without members), only closed, for a panel given up."""
    if draw_running(panel):
        return []
    if draw_is_final(panel):
        return [status for status in Panel.Status.values if status not in BEFORE_DRAW]
    return [*BEFORE_DRAW, Panel.Status.CLOSED]


def can_volunteer(user, panel: Panel) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and has_role(user, Role.CITIZEN)
        and panel.status == Panel.Status.RECRUITING
        and not draw_is_final(panel)
    )


def can_edit_selection_inputs(user, panel: Panel) -> bool:
    """Quotas and the pool can change only before the panel is drawn."""
    return can_organise(user) and panel.status in BEFORE_DRAW and not draw_is_final(panel)


def can_run_selection(user, panel: Panel) -> bool:
    return can_organise(user) and panel.status in BEFORE_DRAW and not draw_is_final(panel)


def can_propose_amendment(user, recommendation: Recommendation) -> bool:
    return (
        recommendation.status == Recommendation.Status.DRAFT
        and active_seat(user, recommendation.panel) is not None
    )


def can_decide_amendment(user, recommendation: Recommendation) -> bool:
    return recommendation.status == Recommendation.Status.DRAFT and can_run_panel(user, recommendation.panel)


def ballots_accepted(recommendation: Recommendation, now: datetime | None = None) -> bool:
    """A ballot is cast only while the vote is open **and its session is live** (`session_phase`): a
    secret ballot is held at the session, among the members checked in there. A vote still open once its
    session is ended, or once its day is past, is suspended: it stays open, its sealed box untouched, and
    collects no ballot; the panel's team closes it (publishing what was cast) or reopens the session on its
    day (`can_reopen_session`), which makes it live again. Ending a session does not close its votes:
    closing publishes a result, a step taken on purpose (`services.close_vote`)."""
    if recommendation.status != Recommendation.Status.VOTING or recommendation.vote_session_id is None:
        return False
    return session_phase(recommendation.vote_session, now) == SessionPhase.LIVE


def vote_suspended(recommendation: Recommendation, now: datetime | None = None) -> bool:
    """Open, but its session is no longer live: no ballot can be cast (`ballots_accepted`)."""
    return recommendation.status == Recommendation.Status.VOTING and not ballots_accepted(recommendation, now)


def can_vote(user, recommendation: Recommendation) -> bool:
    """Only an active member checked in at the session where the vote takes place, while it is open and
    its session live (`ballots_accepted`)."""
    if not ballots_accepted(recommendation):
        return False
    seat = active_seat(user, recommendation.panel)
    return (
        seat is not None
        and Attendance.objects.filter(session_id=recommendation.vote_session_id, member=seat).exists()
    )


def can_record_response(user, recommendation: Recommendation) -> bool:
    return can_organise(user) and recommendation.status == Recommendation.Status.ADOPTED


# --------------------------------------------------------------------------------------------------
# Who may reach which page (the views' `require_rule`, accounts/permissions.py). Each takes the object the
# page is about, so the rule is decided before the request's body is read.
# --------------------------------------------------------------------------------------------------


def can_view_panel(user, panel: Panel) -> bool:
    """A panel in preparation is shown only to those who run it: to anyone else it does not exist."""
    return panel.status != Panel.Status.DRAFT or can_run_panel(user, panel)


def can_manage_panel(user, panel: Panel) -> bool:
    """The management page and its forms (pool, quotas, draw, facilitators): organisers, every panel."""
    return can_organise(user)


def can_run_session(user, session) -> bool:
    return can_run_panel(user, session.panel)


def may_replace_member(user, member) -> bool:
    """The step of a seat's life cycle (`states.SEAT`): the panel's team, while the panel is open."""
    return member.panel.status != Panel.Status.CLOSED and can_run_panel(user, member.panel)


def may_decide_amendment(user, amendment) -> bool:
    """The step of the amendment's life cycle (`states.AMENDMENT`): its recommendation still drafted."""
    return can_decide_amendment(user, amendment.recommendation)


def can_decide_amendments_of(user, amendment) -> bool:
    """Whoever runs the panel decides on its amendments (the service checks the recommendation's stage)."""
    return can_run_panel(user, amendment.recommendation.panel)


def can_run_recommendation(user, recommendation: Recommendation) -> bool:
    return can_run_panel(user, recommendation.panel)


def can_enter_member_space(user, panel: Panel) -> bool:
    """The members' space and documents: the panel's active members and those who run it."""
    return active_seat(user, panel) is not None or can_run_panel(user, panel)


def can_read_document(user, document) -> bool:
    return can_enter_member_space(user, document.panel)


def is_member_of_panel_of(user, recommendation: Recommendation) -> bool:
    """Amend and vote are the members' (the service then checks the recommendation's stage and attendance)."""
    return active_seat(user, recommendation.panel) is not None


def checkin_window(session) -> tuple[datetime, datetime]:
    """When the session's check-in code works: `PACTE_CHECKIN_OPENS_MINUTES_BEFORE` minutes before it starts
    to `PACTE_CHECKIN_CLOSES_HOURS_AFTER` hours after. Outside it the code is refused whoever types it (a
    code seen once cannot check someone in at any time); the facilitator's console still can."""
    opens = session.starts_at - timedelta(minutes=settings.PACTE_CHECKIN_OPENS_MINUTES_BEFORE)
    return opens, session.starts_at + timedelta(hours=settings.PACTE_CHECKIN_CLOSES_HOURS_AFTER)


def checkin_open(session, now: datetime | None = None) -> bool:
    opens, closes = checkin_window(session)
    return opens <= (now or timezone.now()) <= closes


def attendance_open(session, now: datetime | None = None) -> bool:
    """Who came is recorded (checked in, or a check-in undone, by the panel's team) while the session is
    live or to record, never once it is finished: attendance is what lets a member vote at the session
    (`can_vote`), so a finished session's attendance is its record, as its agenda is. A check-in forgotten
    is recorded by reopening the session (`can_reopen_session`), audited."""
    return not session_is_over(session, now)


def can_record_attendance(user, session) -> bool:
    return attendance_open(session) and can_run_panel(user, session.panel)


def can_check_in_at(user, session) -> bool:
    """Only a member of the session's panel types its code (the service checks the time and the attempts)."""
    return active_seat(user, session.panel) is not None


def can_read_recommendation(user, recommendation: Recommendation) -> bool:
    """Decided recommendations are public; drafts and votes in progress are the panel's and its team's."""
    decided = recommendation.status in CLOSED_VOTE
    panel = recommendation.panel
    if not can_view_panel(user, panel):
        return False
    return decided or active_seat(user, panel) is not None or can_run_panel(user, panel)


def can_organise_response(user, recommendation: Recommendation) -> bool:
    """The decision-makers' answer page: organisers (the service checks the recommendation was adopted)."""
    return can_organise(user)


def can_organise_milestone(user, milestone) -> bool:
    return can_organise(user)


def can_manage_selection(user, selection: Selection) -> bool:
    """Organisers reach the abandon form (`can_abandon_selection` then says whether this draw may be)."""
    return can_organise(user)


def can_see_member_identity(user, panel: Panel) -> bool:
    """Read the members' and reserves' names and contact as they gave them when volunteering (or as the
    organisers' file holds them): those who run the panel, to check people in at the door and reach them.
    Everyone else, the members included, reads pseudonyms (`Volunteer.public_name`)."""
    return can_run_panel(user, panel)


def can_see_reserve_list(user, panel: Panel) -> bool:
    """The ranked reserve list, with who was called and when: the panel's team."""
    return can_run_panel(user, panel)


def can_edit_agenda(user, session: Session) -> bool:
    """Add, edit, reorder and remove the items of a session's agenda; move through it on the console."""
    return can_run_panel(user, session.panel)


def can_edit_agenda_item(user, item) -> bool:
    return can_edit_agenda(user, item.session)


class SessionPhase(StrEnum):
    """Where a session stands (`session_phase`): what its console offers follows from it alone."""

    #: Its day is today or to come and no one ended it: run live from the console, the code checks in.
    LIVE = "live"
    #: Its day is past and it was neither run from the console nor ended (held on paper, scheduled
    #: afterwards), or a facilitator reopened it after its day (`services.reopen_session`): the
    #: facilitator records its agenda, attendance and minutes after the fact, then ends it.
    TO_RECORD = "to_record"
    #: Ended by a facilitator (`services.end_session`), or run from the console on a day now past: its
    #: agenda is the record of what was held.
    FINISHED = "finished"


def session_was_run(session) -> bool:
    """Its facilitator moved through its agenda on the console (an item was started)."""
    return any(item.started_at for item in session.agenda.all())


def reopened_after_its_day(session) -> bool:
    """A facilitator reopened it on a day after the one it was held (`services.reopen_session`)."""
    return session.reopened_at is not None and timezone.localdate(session.reopened_at) > timezone.localdate(
        session.starts_at
    )


def session_phase(session, now: datetime | None = None) -> SessionPhase:
    """The one rule of a session's phase. A past date alone does not finish a session: one never run
    from the console can still be prepared and recorded (a session held on paper last week), and so can
    one reopened after its day (a vote forgotten in the record), until a facilitator ends it again."""
    if session.ended_at is not None:
        return SessionPhase.FINISHED
    if timezone.localdate(session.starts_at) >= timezone.localdate(now or timezone.now()):
        return SessionPhase.LIVE
    if session_was_run(session) and not reopened_after_its_day(session):
        return SessionPhase.FINISHED
    return SessionPhase.TO_RECORD


def session_is_over(session, now: datetime | None = None) -> bool:
    """A finished session's agenda is the record of what was held (`SessionPhase.FINISHED`)."""
    return session_phase(session, now) == SessionPhase.FINISHED


def checkin_code_works(session, now: datetime | None = None) -> bool:
    """The check-in code is a credential of the session held live: not once it is finished, nor for a
    session recorded after its day (the facilitator checks members in from the console)."""
    return session_phase(session, now) == SessionPhase.LIVE


def can_rearrange_agenda(user, session: Session) -> bool:
    """Reorder and remove agenda items: the panel's team (`can_edit_agenda`), until the session is
    finished. A finished session's agenda is the record of what was held: its console offers none of these
    and the services refuse them (`services.sessions`), with a message. Correcting an item's wording
    stays open, as the minutes and attendance do."""
    return not session_is_over(session) and can_edit_agenda(user, session)


def can_move_through_agenda(user, session: Session) -> bool:
    """*Next item* / *Previous item* time the items as they are held: only while the session is live. A
    session recorded after its day has nothing to time (and starting an item would date it today)."""
    return checkin_code_works(session) and can_edit_agenda(user, session)


def can_add_to_agenda(user, session: Session) -> bool:
    """Add an item to a session's agenda from the console: the panel's team (`can_edit_agenda`), until the
    session is finished; a session recorded after its day gets the items that were held."""
    return not session_is_over(session) and can_edit_agenda(user, session)


def can_end_session(user, session: Session, now: datetime | None = None) -> bool:
    """*End the session*: the panel's team, once the session has begun (its start time passed, or an item
    was started), until it is finished."""
    now = now or timezone.now()
    begun = session.starts_at <= now or session_was_run(session)
    return begun and not session_is_over(session, now) and can_edit_agenda(user, session)


def can_reopen_session(user, session: Session, now: datetime | None = None) -> bool:
    """*Reopen the session* (after a confirmation): the panel's team (`can_edit_agenda`: its assigned
    facilitators, and the organisers, who run every panel), once the session is finished, while its
    panel is not closed (a closed panel's record is final).

    What reopening gives back is the session's phase without its end (`session_phase`): on its day it is
    live again (*Next item*, the check-in code); after its day it is to record (add the items held, check
    in, the minutes), until a facilitator ends it again. It never gives back a vote: ending a session
    closes no vote and counts no ballot (closing a vote does, `services.close_vote`), and a vote counted
    at the session stays as counted and published whatever becomes of the session: adopted and rejected
    are final (`states.RECOMMENDATION_VOTE`), no ballot can be cast on them, nor can the check-in of a
    member who voted be undone (`services.undo_check_in`). A vote still open stays open: suspended while
    the session was over (`ballots_accepted`), it takes ballots again if the session is live again (on its
    day), not if it is to record. One closed with no ballot cast, or too few to publish, decided nothing:
    it may be opened again, as it could before. Reopening also reopens the attendance
    (`attendance_open`), audited as the reopening is."""
    return (
        session_is_over(session, now)
        and session.panel.status != Panel.Status.CLOSED
        and can_edit_agenda(user, session)
    )


def phase_once_reopened(session, now: datetime | None = None) -> SessionPhase:
    """The phase *Reopen the session* gives back (`services.reopen_session`), which its confirmation
    page announces: live on the session's day, else to record."""
    now = now or timezone.now()
    reopened = copy(session)
    reopened.ended_at, reopened.reopened_at = None, now
    return session_phase(reopened, now)


def can_see_checkin_code(user, session: Session) -> bool:
    """The session's check-in code is a credential of the session: shown to the panel's team (the console,
    the facilitation page) while it works (`checkin_code_works`). Other pages do not carry it at all, and
    the code checks no one in (`services.check_in_with_code`)."""
    return checkin_code_works(session) and can_run_panel(user, session.panel)


def can_run_member_panel(user, member: PanelMember) -> bool:
    """The replacement page of a member's seat: the panel's team (`can_replace_member` then says whether
    this seat may be given away now)."""
    return can_run_panel(user, member.panel)


def can_replace_member(user, member: PanelMember) -> bool:
    """Give an active member's seat to a reserve (after a confirmation with a reason): the panel's team,
    while the panel is not closed."""
    return (
        member.status == PanelMember.Status.ACTIVE
        and member.panel.status != Panel.Status.CLOSED
        and can_run_panel(user, member.panel)
    )


# --------------------------------------------------------------------------------------------------
# Votes of the panel: when one may be opened, and the adoption rule
# --------------------------------------------------------------------------------------------------

#: Statuses from which a vote can be opened: a text being drafted, or one whose vote was closed with no
#: ballot cast or too few to publish (nothing was decided: it can be put to the vote again).
OPENABLE = (Recommendation.Status.DRAFT, Recommendation.Status.NO_BALLOT, Recommendation.Status.TOO_FEW)
#: A vote closed: what it decided is public (adopted, rejected), or that it decided nothing.
CLOSED_VOTE = (
    Recommendation.Status.ADOPTED, Recommendation.Status.REJECTED, Recommendation.Status.NO_BALLOT,
    Recommendation.Status.TOO_FEW,
)  # fmt: skip


def min_ballots_to_publish() -> int:
    """The fewest ballots a closed vote's counts are published with (`PACTE_MIN_BALLOTS_TO_PUBLISH`, 5).

    The one rule against a count that tells a vote: whoever runs the panel sees the number of ballots cast
    as they come and closes the vote when they choose, so without it they could close after one ballot,
    or after the few they want to single out, and the published counts would say how those members
    voted. Below it, closing opens no box and publishes no count: the ballots are destroyed unread, the
    vote decides nothing ("too few ballots to publish a count") and can be opened again, with every member
    free to vote anew. The counts of a unanimous vote still tell everyone's choice: that is inherent to
    publishing a result (docs/security.md)."""
    return settings.PACTE_MIN_BALLOTS_TO_PUBLISH


def too_few_to_publish(ballots: int) -> bool:
    return 0 < ballots < min_ballots_to_publish()


def can_open_vote(user, recommendation: Recommendation) -> bool:
    return recommendation.status in OPENABLE and can_run_panel(user, recommendation.panel)


def can_close_vote(user, recommendation: Recommendation) -> bool:
    return recommendation.status == Recommendation.Status.VOTING and can_run_panel(user, recommendation.panel)


def text_last_changed(recommendation: Recommendation) -> datetime:
    """When the text put to the vote was last changed: its latest version (an accepted amendment makes
    one), else its creation."""
    latest = recommendation.versions.order_by("-number").values_list("created_at", flat=True).first()
    return latest or recommendation.created_at


def earliest_vote_day(recommendation: Recommendation) -> date:
    """The first day a session may hold the vote: the day the text was last changed, and never before the
    session it was drafted at. A session held earlier would have members vote on a text they had not
    read."""
    changed = timezone.localdate(text_last_changed(recommendation))
    drafted = timezone.localdate(recommendation.session.starts_at)
    return max(changed, drafted)


def session_may_hold_vote(recommendation: Recommendation, session: Session) -> bool:
    return session.panel_id == recommendation.panel_id and timezone.localdate(
        session.starts_at
    ) >= earliest_vote_day(recommendation)


@dataclass(frozen=True)
class VoteOutcome:
    votes_for: int
    votes_against: int
    votes_abstain: int
    adopted: bool

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    @property
    def no_ballot(self) -> bool:
        """Nobody voted: the vote decided nothing (never read as rejected)."""
        return self.total == 0


def vote_outcome(threshold: str, votes_for: int, votes_against: int, votes_abstain: int) -> VoteOutcome:
    """The panel's adoption rule. Adopted when the votes for reach the panel's threshold among the votes
    cast for or against (abstentions are counted and shown but do not count as against): more than half
    for a simple majority, at least two thirds for the two-thirds rule. No vote for or against: not
    adopted; no ballot at all: nothing decided (`VoteOutcome.no_ballot`, status "no ballot cast")."""
    expressed = votes_for + votes_against
    if threshold == Panel.Threshold.TWO_THIRDS:
        adopted = expressed > 0 and 3 * votes_for >= 2 * expressed
    else:
        adopted = 2 * votes_for > expressed
    return VoteOutcome(votes_for, votes_against, votes_abstain, adopted)


def status_after_vote(outcome: VoteOutcome) -> str:
    if outcome.no_ballot:
        return Recommendation.Status.NO_BALLOT
    return Recommendation.Status.ADOPTED if outcome.adopted else Recommendation.Status.REJECTED


# --------------------------------------------------------------------------------------------------
# Decision-makers' answers: what counts as answered, and as taken up (the adoption rate). One rule for the
# recommendations, the consultations' proposals and the themes: ``consultation.adoption`` (named here for
# the callers of this module).
# --------------------------------------------------------------------------------------------------

ANSWERED_STATUSES = adoption.ANSWERED_STATUSES
TAKEN_UP_STATUSES = adoption.TAKEN_UP_STATUSES
counts_as_answered = adoption.counts_as_answered
counts_as_taken_up = adoption.counts_as_taken_up


# --------------------------------------------------------------------------------------------------
# Who may move a life cycle (the rules of the state machines, deliberation/states.py): predicates of
# (actor, object); `actor` is None for the system's own steps (a task recording a draw), which
# `accounts.states.by_the_system` permits.
# --------------------------------------------------------------------------------------------------


def may_set_status_before_draw(actor, panel: Panel) -> bool:
    """Before a committed draw an organiser puts the panel in preparation or recruiting; not while a draw
    runs, whose end sets the status."""
    return can_organise(actor) and not draw_running(panel) and not draw_is_final(panel)


def may_set_status_after_draw(actor, panel: Panel) -> bool:
    """After the committed draw an organiser sets the panel drawn or deliberating; never back to before
    the draw (it is final)."""
    return can_organise(actor) and not draw_running(panel) and draw_is_final(panel)


def may_close_panel(actor, panel: Panel) -> bool:
    """An organiser closes a panel, drawn or given up before its draw; not while a draw runs."""
    return can_organise(actor) and not draw_running(panel)


def draw_seats_panel(actor, panel: Panel) -> bool:
    """The draw's result seats the panel: the system's step, once the draw is committed (an organiser may
    set "drawn" too then, `may_set_status_after_draw`)."""
    return (actor is None and draw_is_final(panel)) or may_set_status_after_draw(actor, panel)


def may_fail_selection(actor, selection: Selection) -> bool:
    """A draw ends as failed when its worker says so (the system), or when an organiser abandons a draw
    that has given no result for the stale time (`can_abandon_selection`)."""
    return actor is None or can_abandon_selection(actor, selection)
