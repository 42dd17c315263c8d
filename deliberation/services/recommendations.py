"""Recommendations, their amendments and the secret ballot that decides them."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.roles import Role
from accounts.states import transition
from textsafety.normalise import normalises_text

from .. import ballot_box, rules, selectors
from ..models import (
    Amendment,
    BallotBox,
    BallotChoice,
    BallotReceipt,
    Panel,
    Recommendation,
    RecommendationVersion,
    Session,
)
from ._common import DeliberationError, _record_by_panel_team, _require


@normalises_text
@transaction.atomic
def create_recommendation(
    *, actor, panel: Panel, session: Session, title: str, text: str, rationale: str = ""
) -> Recommendation:
    _require(rules.can_run_panel(actor, panel))
    if session.panel_id != panel.pk:
        raise DeliberationError(_("This session belongs to another panel."))
    recommendation = Recommendation.objects.create(
        panel=panel, session=session, title=title, text=text, rationale=rationale
    )
    RecommendationVersion.objects.create(
        recommendation=recommendation, number=1, title=title, text=text, rationale=rationale, author=actor
    )
    _record_by_panel_team(actor=actor, action=selectors.RECOMMENDATION_CREATED, obj=recommendation)
    return recommendation


@normalises_text
@transaction.atomic
def propose_amendment(*, user, recommendation: Recommendation, text: str, explanation: str = "") -> Amendment:
    recommendation = (
        Recommendation.objects.select_for_update().select_related("panel").get(pk=recommendation.pk)
    )
    if recommendation.status != Recommendation.Status.DRAFT:
        raise DeliberationError(
            _("Amendments can be proposed only while the recommendation is being drafted.")
        )
    seat = rules.active_seat(user, recommendation.panel)
    _require(seat is not None)
    if not text.strip():
        raise DeliberationError(_("Write the text you propose."))
    amendment = Amendment.objects.create(
        recommendation=recommendation, proposed_by=seat, text=text, explanation=explanation
    )
    record_event(actor=user, as_role=Role.CITIZEN, action="amendment.proposed", obj=amendment)
    return amendment


def _pending_amendment(amendment: Amendment) -> Amendment:
    amendment = Amendment.objects.select_for_update().select_related("recommendation").get(pk=amendment.pk)
    if amendment.status != Amendment.Status.PROPOSED:
        raise DeliberationError(_("This amendment has already been decided."))
    if amendment.recommendation.status != Recommendation.Status.DRAFT:
        raise DeliberationError(_("The recommendation is no longer being drafted."))
    return amendment


@normalises_text
@transaction.atomic
def accept_amendment(*, actor, amendment: Amendment, reason: str = "") -> RecommendationVersion:
    """The amended text becomes a new version of the recommendation; earlier versions stay."""
    _require(rules.can_decide_amendment(actor, amendment.recommendation))
    amendment = _pending_amendment(amendment)
    recommendation = Recommendation.objects.select_for_update().get(pk=amendment.recommendation_id)
    number = (recommendation.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = RecommendationVersion.objects.create(
        recommendation=recommendation, number=number, title=recommendation.title, text=amendment.text,
        rationale=recommendation.rationale, author=amendment.proposed_by.volunteer.user,
    )  # fmt: skip
    recommendation.text = amendment.text
    recommendation.save(update_fields=["text"])
    _decide(amendment, Amendment.Status.ACCEPTED, actor=actor, reason=reason, version=version)
    return version


@normalises_text
@transaction.atomic
def reject_amendment(*, actor, amendment: Amendment, reason: str) -> Amendment:
    _require(rules.can_decide_amendment(actor, amendment.recommendation))
    if not reason.strip():
        raise DeliberationError(_("Give the reason for rejecting the amendment: the member will read it."))
    amendment = _pending_amendment(amendment)
    return _decide(amendment, Amendment.Status.REJECTED, actor=actor, reason=reason.strip())


def _decide(amendment: Amendment, to: str, *, actor, reason: str, version=None) -> Amendment:
    """The one step of an amendment's life cycle (`states.AMENDMENT`), audited under the acting role."""
    return transition(
        amendment, to, actor=actor, action=f"amendment.{to}", as_role=rules.acting_role(actor),
        details={"version": version.number} if version else None,
        changes={"reason": reason, "decided_by": actor, "decided_at": timezone.now(),
                 "resulting_version": version},
    )  # fmt: skip


def vote_session_too_early_message(recommendation: Recommendation, session: Session) -> str:
    """Why `session` cannot hold the vote: it was held before the text put to the vote was last changed
    (`rules.earliest_vote_day`)."""
    return _(
        "The session “%(session)s” (%(held)s) was held before the text put to the vote was last changed "
        "(%(changed)s): its members would vote on a text they had not read. Choose a session held on "
        "%(earliest)s or later, or schedule one."
    ) % {
        "session": session.title,
        "held": date_format(timezone.localdate(session.starts_at), "DATE_FORMAT"),
        "changed": date_format(timezone.localdate(rules.text_last_changed(recommendation)), "DATE_FORMAT"),
        "earliest": date_format(rules.earliest_vote_day(recommendation), "DATE_FORMAT"),
    }


@transaction.atomic
def open_vote(*, actor, recommendation: Recommendation, session: Session) -> Recommendation:
    _require(rules.can_run_panel(actor, recommendation.panel))
    recommendation = (
        Recommendation.objects.select_for_update().select_related("session").get(pk=recommendation.pk)
    )
    if recommendation.status not in rules.OPENABLE:
        raise DeliberationError(_("The vote can be opened only on a recommendation being drafted."))
    if session.panel_id != recommendation.panel_id:
        raise DeliberationError(_("This session belongs to another panel."))
    if not rules.session_may_hold_vote(recommendation, session):
        raise DeliberationError(vote_session_too_early_message(recommendation, session))
    if rules.session_is_over(session) and not session.attendances.exists():
        # Only members checked in at the session of the vote can vote: nobody ever could here.
        raise DeliberationError(
            _("Nobody was checked in at the session “%(session)s”, which is over: nobody could vote. Choose "
              "a session where members are checked in, or schedule one.") % {"session": session.title}
        )  # fmt: skip
    transition(
        recommendation, Recommendation.Status.VOTING, actor=actor, as_role=rules.acting_role(actor),
        action="vote.opened", details={"session": session.pk},
        changes={"vote_session": session, "voting_opened_at": timezone.now(), "decided_at": None},
    )  # fmt: skip
    _ballot_box(recommendation)
    return recommendation


def vote_suspended_message() -> str:
    """Why an open vote takes no ballot (`rules.ballots_accepted`), for the service and the page."""
    return _(
        "The session of this vote is over: the vote takes no more ballots. The panel's team can close it "
        "and publish what was cast, or reopen the session on its day."
    )


@transaction.atomic
def cast_ballot(*, user, recommendation: Recommendation, choice: str) -> None:
    """Secret ballot. The receipt says who voted, never how; the ballot only adds one to the sealed
    counts of the recommendation's box, rewritten whole (`ballot_box`): no row per ballot, and the same
    statements whatever the choice. The receipt's unique constraint refuses a second vote."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.status != Recommendation.Status.VOTING:
        raise DeliberationError(_("The vote on this recommendation is not open (it may have been closed)."))
    if choice not in BallotChoice.values:
        raise DeliberationError(_("Choose for, against or abstain."))
    seat = rules.active_seat(user, recommendation.panel)
    if seat is None:
        raise PermissionDenied
    if rules.vote_suspended(recommendation):
        raise DeliberationError(vote_suspended_message(), status=409)
    if not rules.can_vote(user, recommendation):
        raise DeliberationError(_("Only members checked in at the session of the vote can vote."))
    try:
        with transaction.atomic():
            BallotReceipt.objects.create(recommendation=recommendation, member=seat)
    except IntegrityError as error:
        raise DeliberationError(_("You have already voted on this recommendation.")) from error
    box = _ballot_box(recommendation)
    counts = _open_box(box)
    counts[choice] += 1
    box.sealed = ballot_box.seal(recommendation.pk, counts)
    box.save(update_fields=["sealed"])
    # The event says that this person voted, never how.
    record_event(actor=user, as_role=Role.CITIZEN, action="vote.ballot_cast", obj=recommendation)


def _open_box(box: BallotBox) -> dict[str, int]:
    try:
        return ballot_box.unseal(box.recommendation_id, box.sealed)
    except ballot_box.BoxUnreadable as error:
        raise DeliberationError(
            _(
                "The ballot box of this vote cannot be opened: the site's secret key changed during the "
                "vote. The site's administrator must add the previous key to DJANGO_SECRET_KEY_FALLBACKS."
            )
        ) from error


def _ballot_box(recommendation: Recommendation) -> BallotBox:
    """The box of a vote being held (the caller holds the recommendation's row lock). Opening the vote
    makes it; a vote opened before boxes existed gets an empty one from its migration."""
    box, _created = BallotBox.objects.get_or_create(
        recommendation=recommendation, defaults={"sealed": ballot_box.empty(recommendation.pk)}
    )
    return box


@transaction.atomic
def close_vote(*, actor, recommendation: Recommendation) -> Recommendation:
    _require(rules.can_run_panel(actor, recommendation.panel))
    recommendation = (
        Recommendation.objects.select_for_update().select_related("panel").get(pk=recommendation.pk)
    )
    if recommendation.status != Recommendation.Status.VOTING:
        raise DeliberationError(_("This vote is not open."))
    box = _ballot_box(recommendation)
    ballots = recommendation.receipts.count()
    if rules.too_few_to_publish(ballots):
        # Too few to publish a count without telling how those few voted (`rules.min_ballots_to_publish`):
        # the box goes unopened, the receipts go so every member may vote again when it is reopened, and
        # the vote decides nothing. The event keeps how many voted (the `vote.ballot_cast` events say who).
        box.delete()
        recommendation.receipts.all().delete()
        transition(
            recommendation, Recommendation.Status.TOO_FEW, actor=actor, as_role=rules.acting_role(actor),
            action="vote.closed",
            details={"ballots": ballots, "min_ballots": rules.min_ballots_to_publish(),
                     "status": Recommendation.Status.TOO_FEW},
            changes={"votes_for": 0, "votes_against": 0, "votes_abstain": 0, "decided_at": timezone.now()},
        )  # fmt: skip
        return recommendation
    counts = _open_box(box)
    box.delete()  # the counts go on the recommendation; nothing of the vote stays apart from them
    outcome = rules.vote_outcome(
        recommendation.panel.threshold, counts["for"], counts["against"], counts["abstain"]
    )
    # No ballot at all decides nothing: "no ballot cast", never "rejected"; the vote can be opened again.
    decided = rules.status_after_vote(outcome)
    transition(
        recommendation, decided, actor=actor, as_role=rules.acting_role(actor), action="vote.closed",
        details={"for": counts["for"], "against": counts["against"], "abstain": counts["abstain"],
                 "status": decided},
        changes={"votes_for": counts["for"], "votes_against": counts["against"],
                 "votes_abstain": counts["abstain"], "decided_at": timezone.now()},
    )  # fmt: skip
    return recommendation
