"""Reads shared by pages, commands and services: vote outcomes, the console's clock, and the adoption
figures (the headline of the accountability page). Each figure is defined here and only here."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent
from accounts.roles import PANEL_TEAM, Role, acted_by
from consultation import adoption
from consultation.adoption import AnswerItem, AnswerState, answer_state

from . import presenters, rules
from .models import (
    AgendaItem,
    Attendance,
    DecisionMakerResponse,
    Panel,
    PanelMember,
    Recommendation,
    RecommendationVersion,
    Selection,
    Volunteer,
)
from .rules import can_be_assigned, can_organise

# --------------------------------------------------------------------------------------------------
# Votes
# --------------------------------------------------------------------------------------------------


# The adoption rule and its outcome live with the rules (`rules.vote_outcome`); named here too for the
# readers that already import them from the selectors.
VoteOutcome = rules.VoteOutcome
vote_outcome = rules.vote_outcome


def recommendation_outcome(recommendation: Recommendation) -> VoteOutcome:
    return vote_outcome(
        recommendation.panel.threshold,
        recommendation.votes_for,
        recommendation.votes_against,
        recommendation.votes_abstain,
    )


@dataclass(frozen=True)
class Turnout:
    ballots: int  # cast (for, against, abstain)
    seated: int  # members holding a seat when the vote closed
    checked_in: int | None  # members checked in at the session of the vote by then; None: no session


def vote_turnout(recommendation: Recommendation) -> Turnout:
    """Who could have voted on a closed vote, shown with its result: there is no quorum (the threshold
    counts the ballots cast), so readers judge the result by its turnout."""
    closed = recommendation.decided_at or timezone.now()
    seated = (
        PanelMember.objects.filter(panel_id=recommendation.panel_id, joined_at__lte=closed)
        .filter(Q(dropped_at__isnull=True) | Q(dropped_at__gt=closed))
        .count()
    )
    checked_in = None
    if recommendation.vote_session_id is not None:
        checked_in = Attendance.objects.filter(
            session_id=recommendation.vote_session_id, checked_in_at__lte=closed
        ).count()
    ballots = recommendation.votes_for + recommendation.votes_against + recommendation.votes_abstain
    return Turnout(ballots=ballots, seated=seated, checked_in=checked_in)


# --------------------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------------------


def current_agenda_item(items) -> AgendaItem | None:
    """The item started and not yet ended (the console starts at most one at a time)."""
    return next((item for item in items if item.started_at and not item.ended_at), None)


def session_is_over(session, now: datetime | None = None) -> bool:
    """A finished session's console shows it so (every item done, none running). The one rule is
    `rules.session_phase`, which also closes the agenda to changes."""
    return rules.session_is_over(session, now)


def votes_held_at(session) -> list[Recommendation]:
    """The recommendations put to the vote at the session (counted or still open), for the confirmation
    of *Reopen the session*: those counted stay as counted (`rules.can_reopen_session`)."""
    return list(session.votes.order_by("voting_opened_at", "id"))


def agenda_item_ends_at(item: AgendaItem) -> datetime:
    """When the running item is due to end: the console's countdown counts to it (server time)."""
    return item.started_at + timedelta(minutes=item.duration_minutes)


def remaining_seconds(item: AgendaItem, now: datetime | None = None) -> int:
    """Time left on the item, negative when it overruns (the console shows the overrun)."""
    now = now or timezone.now()
    return int((agenda_item_ends_at(item) - now).total_seconds())


@dataclass(frozen=True)
class MemberRow:
    """A member as the console lists them: by the name and contact they gave for those who may see them
    (`rules.can_see_member_identity`), else by public name."""

    member: PanelMember
    attendance: Attendance | None
    identity: bool

    @property
    def present(self) -> bool:
        return self.attendance is not None

    @property
    def name(self) -> str:
        return self.member.volunteer.team_name if self.identity else self.member.volunteer.public_name

    @property
    def contact(self) -> str:
        return self.member.volunteer.contact if self.identity else ""


@dataclass(frozen=True)
class OpenVoteTurnout:
    ballots: int  # cast so far (receipts: who voted, never how)
    checked_in: int  # members checked in at the session of the vote
    seated: int  # active members of the panel


def open_vote_turnout(recommendation: Recommendation) -> OpenVoteTurnout:
    """What the confirmation before closing a vote shows: how many have voted, not how."""
    checked_in = 0
    if recommendation.vote_session_id is not None:
        checked_in = Attendance.objects.filter(session_id=recommendation.vote_session_id).count()
    return OpenVoteTurnout(
        ballots=recommendation.receipts.count(),
        checked_in=checked_in,
        seated=PanelMember.objects.filter(
            panel_id=recommendation.panel_id, status=PanelMember.Status.ACTIVE
        ).count(),
    )


# --------------------------------------------------------------------------------------------------
# Panels and selections
# --------------------------------------------------------------------------------------------------


def public_panels() -> QuerySet[Panel]:
    return Panel.objects.exclude(status=Panel.Status.DRAFT)


def panels_run_by(user) -> QuerySet[Panel]:
    """The panels `user` runs (see `rules.can_run_panel`): every panel for an organiser, the assigned
    ones for a facilitator, none for anyone else. The queryset form of that rule, for lists (tested to
    agree with it)."""
    if can_organise(user):
        return Panel.objects.all()
    if can_be_assigned(user):
        return Panel.objects.filter(facilitator_assignments__user=user)
    return Panel.objects.none()


def panel_facilitators(panel: Panel):
    """Who runs the panel besides organisers, oldest assignment first."""
    return panel.facilitator_assignments.select_related("user", "assigned_by")


def latest_selection(panel: Panel) -> Selection | None:
    return panel.selections.order_by("-created_at", "-id").first()


def awaiting_selection(panel: Panel) -> Selection | None:
    """The two-step draw whose lottery is published and awaits its public value, if any."""
    return panel.selections.filter(status=Selection.Status.AWAITING).first()


def published_selection(panel: Panel) -> Selection | None:
    return panel.selections.filter(status=Selection.Status.DONE).order_by("-created_at", "-id").first()


#: What each recorded step of a draw is called on its public report (the audit log keeps the code).
SELECTION_STEPS = {
    "selection.started": _("Draw started"),
    "selection.lottery_published": _("Lottery published with its SHA-256, before the draw"),
    "selection.awaiting_public_value": _("Lottery public: the draw awaits the public value announced"),
    "selection.public_value_entered": _("Public value entered by the organisers"),
    "selection.drawn": _("Panel drawn and seated"),
    "selection.failed": _("Draw failed"),
    "selection.abandoned": _("Draw abandoned"),
    "selection.late_result_refused": _("Result arriving after the draw was abandoned, refused"),
    "selection.replaced": _("A member who left replaced from the reserve list"),
}


#: The role a step requires, for steps recorded before audit events stored the actor's role: the public
#: report names who acted by role, never by pseudonym (a step run by organisers or facilitators, such as a
#: replacement, then reads as the panel's team).
SELECTION_STEP_ROLES = {
    "selection.started": Role.ORGANISER,
    "selection.abandoned": Role.ORGANISER,
}


@dataclass(frozen=True)
class AuditStep:
    at: datetime
    label: str  # in the reader's language; the code itself for a step this list does not know
    by: str  # the actor's role ("the organisers"), or "system", in the reader's language: never a pseudonym
    known: bool


def selection_audit_trail(selection: Selection | None) -> list[AuditStep]:
    """The recorded steps of a draw, oldest first, worded in the reader's language."""
    if selection is None:
        return []
    events = AuditEvent.objects.filter(object_type="deliberation.selection", object_id=str(selection.pk))
    return [
        AuditStep(
            at=event.created_at,
            label=str(SELECTION_STEPS.get(event.action, event.action)),
            by=event.public_actor(default_role=SELECTION_STEP_ROLES.get(event.action, "")),
            known=event.action in SELECTION_STEPS,
        )
        for event in events.order_by("id")
    ]


@dataclass(frozen=True)
class ReserveRow:
    """One person of the reserve list as the panel's team reads it."""

    CALLED = "called"  # given a seat left empty
    WAITING = "waiting"  # still ranked, may be called
    LEFT = "left"  # left the pool since the draw: passed over

    state: str
    rank: int | None  # position among those still waiting (1 = called next, when it keeps the quotas)
    volunteer: Volunteer | None  # None: left the pool (the row is deleted)
    volunteer_id: str
    called_at: datetime | None = None
    seat_of: Volunteer | None = None  # whose seat they took
    reason: str = ""  # why that member left, as recorded with the replacement

    def name(self, identity: bool) -> str:
        if self.volunteer is None:
            return str(_("Volunteer #%(id)s") % {"id": self.volunteer_id})
        return self.volunteer.team_name if identity else self.volunteer.public_name


def reserve_list(panel: Panel) -> list[ReserveRow]:
    """The reserve list of the panel's committed draw: first the reserves already called, in the order they
    were called (when, and whose seat they took), then those still waiting in their ranked order (the
    first one whose arrival keeps every quota is called next, `services.replace_member`), marking those who
    have left the pool since. Empty before the draw."""
    selection = published_selection(panel)
    if selection is None:
        return []
    called = (
        PanelMember.objects.filter(panel=panel, selection=selection, replaces__isnull=False)
        .select_related("volunteer__user", "replaces__volunteer__user")
        .order_by("joined_at", "id")
    )
    rows = [
        ReserveRow(
            state=ReserveRow.CALLED, rank=None, volunteer=m.volunteer, volunteer_id=str(m.volunteer_id),
            called_at=m.joined_at, seat_of=m.replaces.volunteer, reason=m.replaces.drop_reason,
        )
        for m in called
    ]  # fmt: skip
    waiting_ids = [str(v) for v in selection.reserves]
    people = {
        str(v.pk): v
        for v in Volunteer.objects.filter(
            panel=panel, pk__in=[int(v) for v in waiting_ids if v.isdigit()]
        ).select_related("user")
    }
    rank = 0
    for vid in waiting_ids:
        person = people.get(vid)
        if person is None:
            rows.append(ReserveRow(state=ReserveRow.LEFT, rank=None, volunteer=None, volunteer_id=vid))
            continue
        rank += 1
        rows.append(ReserveRow(state=ReserveRow.WAITING, rank=rank, volunteer=person, volunteer_id=vid))
    return rows


#: The audit event that records who drafted a recommendation, under which role: written by
#: `services.create_recommendation`, read by `recommendation_versions` to name the first version's author
#: publicly by role (the version row keeps the account, not the role it acted in).
RECOMMENDATION_CREATED = "recommendation.created"


@dataclass(frozen=True)
class VersionRow:
    version: RecommendationVersion
    by: str  # public: the author's role in the reader's language; staff: the account's pseudonym


def recommendation_versions(recommendation: Recommendation, *, public: bool) -> list[VersionRow]:
    """Every version of a recommendation, oldest first, with who wrote it, as every page names who acted
    (``accounts.roles.acted_by``): an accepted amendment's version is a panel member's ("A participant"
    publicly, their pseudonym for the panel's team); the first version is written under the role its
    audit event recorded ("The facilitation team", "The organisers"; "The panel's team" for events
    recorded before roles were), the panel's team (``public=False``) reading the pseudonym in brackets."""
    versions = list(recommendation.versions.select_related("author", "amendment").order_by("number"))
    created = (
        AuditEvent.objects.filter(
            object_type="deliberation.recommendation",
            object_id=str(recommendation.pk),
            action=RECOMMENDATION_CREATED,
        )
        .order_by("id")
        .first()
    )
    drafting_role = (created.actor_role if created is not None else "") or PANEL_TEAM
    back_office = not public

    def by(version) -> str:
        pseudonym = version.author.pseudonym if version.author else ""
        # A version without an amendment raises on `v.amendment`, an AttributeError: getattr's default.
        if getattr(version, "amendment", None):
            return acted_by(Role.CITIZEN, pseudonym, back_office=back_office)
        return acted_by(drafting_role, pseudonym, back_office=back_office)

    return [VersionRow(v, by(v)) for v in versions]


@dataclass(frozen=True)
class Volunteering:
    """Where a person who volunteered for a panel stands, as they see it on the panel's page, the
    volunteering page, the withdrawal page and My account."""

    POOL = "pool"  # no draw committed yet
    SEATED = "seated"  # drawn, or called from the reserve list, and still on the panel
    LEFT_SEAT = "left_seat"  # had a seat and left it (the facilitators gave it to a reserve)
    RESERVE = "reserve"  # not drawn, ranked on the reserve list
    NOT_DRAWN = "not_drawn"  # not drawn, not on the reserve list

    LABELS = {
        POOL: _("You are in the pool of volunteers: the panel has not been drawn yet."),
        SEATED: _("You have been drawn: you have a seat on this panel."),
        LEFT_SEAT: _("You had a seat on this panel and left it."),
        RESERVE: _("You were not drawn, but you are on the reserve list: you may be called if a seat is "
                   "left empty."),
        NOT_DRAWN: _("You were not drawn and you are not on the reserve list."),
    }  # fmt: skip

    panel: Panel
    volunteer: Volunteer
    state: str

    @property
    def label(self) -> str:
        return self.LABELS[self.state]

    @property
    def can_withdraw(self) -> bool:
        """A volunteer who never had a seat may leave the pool at any time, before or after the draw (also
        on the reserve list); a seated member leaves through the facilitators (`services.replace_member`).
        `services.withdraw_volunteering` enforces it."""
        return self.state in (self.POOL, self.RESERVE, self.NOT_DRAWN)


def _volunteering(panel: Panel, person: Volunteer, seat: PanelMember | None, published) -> Volunteering:
    if seat is not None:
        state = Volunteering.SEATED if seat.status == PanelMember.Status.ACTIVE else Volunteering.LEFT_SEAT
    elif published is None:
        state = Volunteering.POOL
    elif str(person.pk) in {str(v) for v in published.reserves}:
        state = Volunteering.RESERVE
    else:
        state = Volunteering.NOT_DRAWN
    return Volunteering(panel=panel, volunteer=person, state=state)


def volunteering(user, panel: Panel) -> Volunteering | None:
    """Where `user` stands in the panel's pool; None when they are not in it."""
    if not getattr(user, "is_authenticated", False):
        return None
    person = Volunteer.objects.filter(panel=panel, user=user).first()
    if person is None:
        return None
    return _volunteering(panel, person, person.memberships.first(), published_selection(panel))


def volunteerings(user) -> list[Volunteering]:
    """Every panel `user` volunteered for, newest panel first (My account)."""
    if not getattr(user, "is_authenticated", False):
        return []
    people = Volunteer.objects.filter(user=user).select_related("panel").order_by("-panel__created_at", "-id")
    return [_volunteering(p.panel, p, p.memberships.first(), published_selection(p.panel)) for p in people]


# --------------------------------------------------------------------------------------------------
# Adoption tracking
# --------------------------------------------------------------------------------------------------

ADOPTION_STATUSES = rules.TAKEN_UP_STATUSES
IMPLEMENTING_STATUSES = adoption.IMPLEMENTING_STATUSES


@dataclass(frozen=True)
class AnswerStatusDefinition:
    status: str
    label: str
    definition: str
    answered: bool  # counted among the answered recommendations (the adoption rate's denominator)
    taken_up: bool  # counted as adopted (its numerator)


ANSWER_STATUS_MEANINGS = {
    DecisionMakerResponse.Status.PENDING: _(
        "The decision-maker has not answered yet, or has only acknowledged receipt."
    ),
    DecisionMakerResponse.Status.UNDER_STUDY: _(
        "The decision-maker is studying the recommendation and has not decided yet. It still waits for its "
        "answer: it is not counted in the adoption rate, and after the allowed time it counts as a late "
        "answer."
    ),
    DecisionMakerResponse.Status.ADOPTED: _(
        "The decision-maker takes up the recommendation as it stands, with a justification and, when given, "
        "an implementation deadline."
    ),
    DecisionMakerResponse.Status.PARTLY_ADOPTED: _(
        "The decision-maker takes up part of the recommendation and says which part, and why not the rest."
    ),
    DecisionMakerResponse.Status.REJECTED: _(
        "The decision-maker declines the recommendation, with a public justification."
    ),
}


def answer_status_definitions() -> list[AnswerStatusDefinition]:
    """What each status of a decision-maker's answer means and how the adoption rate counts it, in the
    reader's language (shown next to the rate), from the rules (`rules.ANSWERED_STATUSES`)."""
    order = [
        DecisionMakerResponse.Status.ADOPTED,
        DecisionMakerResponse.Status.PARTLY_ADOPTED,
        DecisionMakerResponse.Status.REJECTED,
        DecisionMakerResponse.Status.UNDER_STUDY,
        DecisionMakerResponse.Status.PENDING,
    ]
    return [
        AnswerStatusDefinition(
            status=status.value,
            label=str(status.label),
            definition=str(ANSWER_STATUS_MEANINGS[status]),
            answered=rules.counts_as_answered(status),
            taken_up=rules.counts_as_taken_up(status),
        )
        for status in order
    ]


@dataclass(frozen=True)
class FollowUp:
    """Where an adopted recommendation stands with the decision-makers."""

    recommendation: Recommendation
    latest: DecisionMakerResponse | None  # the answer in force
    first_answer: DecisionMakerResponse | None  # the first answer that counts as answered (a decision)
    status: str  # a DecisionMakerResponse.Status value; "pending" when nobody has answered yet
    answer_delay_days: int | None
    overdue: bool
    overdue_reason: str  # "no_answer" or "deadline" or ""


def overdue_after_days() -> int:
    return int(getattr(settings, "PACTE_ANSWER_OVERDUE_DAYS", 90))


def adopted_recommendations(panel: Panel | None = None) -> QuerySet[Recommendation]:
    queryset = Recommendation.objects.filter(status=Recommendation.Status.ADOPTED).select_related("panel")
    if panel is not None:
        queryset = queryset.filter(panel=panel)
    return queryset.prefetch_related(
        Prefetch(
            "responses",
            queryset=DecisionMakerResponse.objects.order_by("answered_on", "id").prefetch_related(
                "milestones"
            ),
        )
    ).order_by("panel_id", "id")


def recommendation_answer_state(
    recommendation: Recommendation, today: date | None = None, overdue_days: int | None = None
) -> AnswerState:
    """The recommendation's answers read by the one rule (``consultation.adoption.answer_state``): handed
    to the decision-maker the day the panel adopted it, due `overdue_days` later."""
    today = today or timezone.localdate()
    overdue_days = overdue_after_days() if overdue_days is None else overdue_days
    adopted_on = timezone.localdate(recommendation.decided_at) if recommendation.decided_at else today
    return answer_state(
        recommendation.responses.all(), handed_on=adopted_on,
        due_on=adopted_on + timedelta(days=overdue_days), today=today,
    )  # fmt: skip


def follow_up(
    recommendation: Recommendation, today: date | None = None, overdue_days: int | None = None
) -> FollowUp:
    """Overdue means: no answer that counts as answered (`rules.counts_as_answered`: nothing, "pending"
    or "under study") more than `overdue_days` after the panel adopted the recommendation, or an
    implementation deadline passed while the measure is not implemented (``consultation.adoption``)."""
    state = recommendation_answer_state(recommendation, today, overdue_days)
    return FollowUp(
        recommendation, state.latest, state.first_answer, state.status, state.answer_delay_days,
        state.overdue, state.overdue_reason,
    )  # fmt: skip


def recommendation_answer_items(consultation=None, today: date | None = None) -> list[AnswerItem]:
    """The panels' recommendations as a source of the adoption figures (``consultation.adoption``): every
    recommendation a public panel adopted (of the panels linked to `consultation`, when given), the same
    set as the panels' follow-up page."""
    queryset = adopted_recommendations().exclude(panel__status=Panel.Status.DRAFT)
    if consultation is not None:
        queryset = queryset.filter(panel__consultation=consultation)
    return [
        AnswerItem(
            label=presenters.public_title(r),
            url=reverse("deliberation:recommendation", args=[r.pk]),
            state=recommendation_answer_state(r, today),
            detail=r.panel.title,
        )
        for r in queryset
    ]


@dataclass(frozen=True)
class AdoptionFigures:
    recommendations: int  # adopted by the panel(s), hence handed to a decision-maker
    answered: int  # latest answer counts as answered (adopted, partly adopted, rejected; `rules`)
    taken_up: int  # of those answered, adopted or partly adopted (`rules`): the rate's numerator
    adopted: int
    partly_adopted: int
    under_study: int
    rejected: int
    pending: int  # nobody has answered yet (or only "pending")
    unanswered: int  # pending or under study
    adoption_rate: float | None  # (adopted + partly adopted) / answered
    unanswered_share: float | None  # unanswered / recommendations
    median_answer_delay_days: float | None  # from the panel's adoption to the first real answer
    overdue: int  # late_answers + missed_deadlines
    late_answers: int  # still no answer `overdue_days` after the panel adopted the recommendation
    missed_deadlines: int  # answered, but the promised implementation deadline passed, not implemented

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def adoption_figures(follow_ups: list[FollowUp]) -> AdoptionFigures:
    statuses = [f.status for f in follow_ups]
    count = statuses.count
    total = len(follow_ups)
    answered = sum(rules.counts_as_answered(s) for s in statuses)
    taken_up = sum(rules.counts_as_taken_up(s) for s in statuses)
    delays = [f.answer_delay_days for f in follow_ups if f.answer_delay_days is not None]
    return AdoptionFigures(
        recommendations=total,
        answered=answered,
        taken_up=taken_up,
        adopted=count(DecisionMakerResponse.Status.ADOPTED),
        partly_adopted=count(DecisionMakerResponse.Status.PARTLY_ADOPTED),
        under_study=count(DecisionMakerResponse.Status.UNDER_STUDY),
        rejected=count(DecisionMakerResponse.Status.REJECTED),
        pending=count(DecisionMakerResponse.Status.PENDING),
        unanswered=total - answered,
        adoption_rate=taken_up / answered if answered else None,
        unanswered_share=(total - answered) / total if total else None,
        median_answer_delay_days=statistics.median(delays) if delays else None,
        overdue=sum(f.overdue for f in follow_ups),
        late_answers=sum(f.overdue_reason == "no_answer" for f in follow_ups),
        missed_deadlines=sum(f.overdue_reason == "deadline" for f in follow_ups),
    )


def accountability(panel: Panel | None = None, today: date | None = None, overdue_days: int | None = None):
    """(follow-ups, figures) for one panel, or across every panel when `panel` is None."""
    follow_ups = [follow_up(r, today, overdue_days) for r in adopted_recommendations(panel)]
    return follow_ups, adoption_figures(follow_ups)


def figures_by_panel(
    today: date | None = None, overdue_days: int | None = None
) -> list[tuple[Panel, AdoptionFigures]]:
    rows = []
    for panel in public_panels().order_by("id"):
        _follow_ups, figures = accountability(panel, today, overdue_days)
        if figures.recommendations:
            rows.append((panel, figures))
    return rows


# --------------------------------------------------------------------------------------------------
# Retention of the volunteer pools
# --------------------------------------------------------------------------------------------------


def pool_retention_cutoff(now: datetime) -> datetime:
    """Panels closed at or before this moment have outlived PACTE_POOL_RETENTION_DAYS."""
    return now - timedelta(days=settings.PACTE_POOL_RETENTION_DAYS)


def unseated_volunteers(panel_id) -> QuerySet[Volunteer]:
    """The pool of a panel minus everyone who ever had a seat (seated, or seated and left since): the
    people not drawn, the reserves never called and those left out of the draw."""
    return Volunteer.objects.filter(panel_id=panel_id, memberships__isnull=True)


# What a seated member's Volunteer row holds that the panel's public record does not use, blanked at the
# end of the retention time: the name and contact details given for the panel's team, the postal address
# (also the household key of the draw) given by the organisers' import, and the person's identifier in the
# organisers' file, which links the row back to that file's names. Kept: the seat (PanelMember: status,
# replaced_by, dropped_at), the strata, the link to the account (its e-mail receives the "answer" notices),
# the notice language and the consent date. Public pages show `Volunteer.public_name` (the account's
# pseudonym, else the row number) and the Selection row's figures, never these fields.
MEMBER_FIELDS_CLEARED = ("name", "contact", "address", "external_id")


def _holds_member_fields() -> Q:
    held = Q()
    for name in MEMBER_FIELDS_CLEARED:
        held |= ~Q(**{name: ""})
    return held


def members_to_clear(panel_id) -> QuerySet[Volunteer]:
    """The Volunteer rows of the people who had a seat on the panel (seated, or seated and left since)
    that still hold one of MEMBER_FIELDS_CLEARED."""
    return Volunteer.objects.filter(_holds_member_fields(), panel_id=panel_id, memberships__isnull=False)


def _count_per_panel(volunteers: QuerySet[Volunteer]) -> Coalesce:
    counted = volunteers.order_by().values("panel").annotate(n=Count("pk", distinct=True)).values("n")
    return Coalesce(Subquery(counted), 0)


def expired_pools(*, now: datetime) -> QuerySet[Panel]:
    """Closed panels past the retention time that still hold volunteers who never had a seat, or seated
    members' rows with contact details, address or import identifier, oldest closing first; each annotated
    with `unseated` (how many such volunteers it holds) and `members_to_clear` (how many such rows)."""
    unseated, to_clear = unseated_volunteers(OuterRef("pk")), members_to_clear(OuterRef("pk"))
    return (
        Panel.objects.filter(
            status=Panel.Status.CLOSED, closed_at__isnull=False, closed_at__lte=pool_retention_cutoff(now)
        )
        .filter(Exists(unseated) | Exists(to_clear))
        .annotate(unseated=_count_per_panel(unseated), members_to_clear=_count_per_panel(to_clear))
        .order_by("closed_at", "id")
    )


# --------------------------------------------------------------------------------------------------
# The pool's answers to the quota categories
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnansweredCategory:
    """A strata category and how many volunteers of the pool gave no answer for it (they cannot be drawn
    while the quotas use it: `services.selection_inputs` leaves them out)."""

    category: str
    missing: int
    pool: int


def unanswered_categories(panel: Panel, categories=None) -> list[UnansweredCategory]:
    """For each category (the panel's quota categories by default), in order, the volunteers without an
    answer for it; categories every volunteer answered are left out."""
    if categories is None:
        categories = sorted(set(panel.quotas.values_list("category", flat=True)))
    answers = list(panel.volunteers.values_list("strata", flat=True))
    rows = []
    for category in categories:
        missing = sum(1 for strata in answers if not (strata or {}).get(category))
        if missing:
            rows.append(UnansweredCategory(category, missing, len(answers)))
    return rows


def drawable_pool(panel: Panel) -> int:
    """How many volunteers have an answer for every category the quotas use (those the draw can seat)."""
    categories = sorted(set(panel.quotas.values_list("category", flat=True)))
    return sum(
        1
        for strata in panel.volunteers.values_list("strata", flat=True)
        if all((strata or {}).get(c) for c in categories)
    )
