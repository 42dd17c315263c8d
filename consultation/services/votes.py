"""Votes on proposals (the busiest write of the platform) and their counters."""

import functools
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ConsentRecord

from .. import accepting, hooks, sql
from ..models import COUNTER_FIELD, Consultation, Proposal, Vote
from ..selectors import LARGEST_ID
from .base import Conflict, ConsultationError, NotAllowed, participant_key_for
from .charter import _check_can_contribute

VOTE_VALUES = {"agree": Vote.Value.AGREE, "disagree": Vote.Value.DISAGREE, "pass": Vote.Value.PASS}


@dataclass(frozen=True)
class VoteOutcome:
    value: int
    previous: int | None  # None for a first vote

    @property
    def changed(self) -> bool:
        return self.previous is not None and self.previous != self.value


def _store_vote(*, proposal_id: int, participant_key: str, value: int, user=None) -> VoteOutcome:
    """Insert or change one vote and move the proposal's counters by the same amount, atomically.

    One SQL statement, so its own transaction, with no BEGIN/COMMIT round trips (this is the busiest
    path of the platform): INSERT ... ON CONFLICT DO UPDATE relies on the UNIQUE(proposal,
    participant_key) constraint and locks the participant's existing row, so it reads that row's latest
    committed value (two clicks at once never count twice); it keeps that value in `previous_value`,
    whose RETURNING tells the counters which one to move: +1 for the new value, -1 for the previous
    one. A vote equal to the stored one changes nothing. Counters move by increments in SQL: concurrent
    voters never overwrite each other's."""
    if connection.vendor != "postgresql":
        return _store_vote_embedded(
            proposal_id=proposal_id, participant_key=participant_key, value=value, user=user
        )
    statement = upsert_statement(
        "SELECT %(proposal)s::bigint AS id, NULL::bigint AS consultation_id, %(key)s::text AS key, "
        "%(user)s::bigint AS user_id"
    )
    params = {
        "proposal": proposal_id,
        "key": participant_key,
        "value": value,
        "user": getattr(user, "pk", None),
        "now": timezone.now(),
    }
    _consultation_id, previous, written = _run_upsert(statement, params)
    if not written:  # the stored vote already had this value
        return VoteOutcome(value, value)
    return VoteOutcome(value, previous)


def _run_upsert(statement: str, params: dict) -> tuple | None:
    """Run a vote's upsert statement (its parameters name `proposal` and `key`), again once after
    locking the participant's row when a concurrent click of theirs made its CHECK fail."""
    vote_table = Vote._meta.db_table
    try:
        # Inside an outer transaction (tests, scripts), a failed statement needs its savepoint.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            return sql.fetch_one(statement, params)
    except IntegrityError:
        # PostgreSQL checks a row's constraints on the values computed from the statement's snapshot
        # before it sees that a concurrent transaction changed that row (it then recomputes from the
        # latest one). When one person's clicks race, the snapshot can predate their other click's
        # commit, and the decrement of the counter that click incremented fails the CHECK (>= 0) although
        # the result would be right. Again, after locking their row: the snapshot is then taken after
        # every click that came first, so the check sees true counters.
        try:
            with transaction.atomic():
                sql.fetch_one(
                    f"SELECT 1 FROM {vote_table} WHERE proposal_id = %(proposal)s "  # noqa: S608
                    "AND participant_key = %(key)s FOR UPDATE",
                    params,
                )
                return sql.fetch_one(statement, params)
        except IntegrityError:  # e.g. the proposal was deleted meanwhile
            raise Conflict(_("Your vote could not be recorded. Please try again.")) from None


def _store_vote_embedded(*, proposal_id: int, participant_key: str, value: int, user=None) -> VoteOutcome:
    """The same effect for the embedded SQLite runtime (the demo), whose SQL has no INSERT inside WITH:
    the ORM in one transaction. SQLite runs one writer at a time, so nothing can slip in between."""
    with transaction.atomic():
        vote, created = Vote.objects.get_or_create(
            proposal_id=proposal_id, participant_key=participant_key, defaults={"value": value, "user": user}
        )
        counter = COUNTER_FIELD[value]
        if created:
            Proposal.objects.filter(pk=proposal_id).update(**{counter: F(counter) + 1})
            return VoteOutcome(value, None)
        previous = vote.value
        if previous != value:
            vote.previous_value, vote.value, vote.updated_at = previous, value, timezone.now()
            vote.save(update_fields=["previous_value", "value", "updated_at"])
            old = COUNTER_FIELD[previous]
            Proposal.objects.filter(pk=proposal_id).update(**{old: F(old) - 1, counter: F(counter) + 1})
        return VoteOutcome(value, previous)


def cast_vote(*, user, proposal: Proposal, value: str | int) -> VoteOutcome:
    """A citizen votes agree / disagree / pass, or changes their vote, while the consultation accepts
    contributions (open, before its closing time: consultation/accepting.py).
    Not one transaction on purpose: the checks only read, and _store_vote keeps each write atomic."""
    if isinstance(value, str):
        if value not in VOTE_VALUES:
            raise ConsultationError(_("A vote is “agree”, “disagree” or “pass”."))
        value = VOTE_VALUES[value]
    _check_can_contribute(user, proposal.consultation)
    if proposal.status != Proposal.Status.VISIBLE:
        raise NotAllowed(_("This proposal is not published: it cannot receive votes."))
    outcome = _store_vote(
        proposal_id=proposal.pk, participant_key=participant_key_for(user), value=value, user=user
    )
    if outcome.previous != outcome.value:
        consultation_id = proposal.consultation_id
        transaction.on_commit(lambda: hooks.votes_changed(consultation_id))
    return outcome


@functools.cache
def upsert_statement(target: str, *, prefix: str = "", source: str = "target", more: str = "") -> str:
    """The one text of a vote's upsert and its counters (every vote path builds its statement here).

    `target` is a CTE body with the columns `id` (the proposal), `consultation_id` (or NULL), `key` (the
    participant key) and `user_id`, and at most one row: no row, nothing is written. `prefix` adds CTEs
    before it (the fast path's authentication and rate limit, consultation/fast_vote.py); `source` is
    the FROM item the final row comes from (default: the target, so no row when it had none), `more`
    columns added to it.

    INSERT ... ON CONFLICT DO UPDATE relies on the UNIQUE(proposal, participant_key) constraint and
    locks the participant's existing row, so it reads that row's latest committed value (two clicks at
    once never count twice); it keeps that value in `previous_value`, whose RETURNING tells the
    counters which one to move: +1 for the new value, -1 for the previous one. A vote equal to the
    stored one changes nothing. Counters move by increments in SQL: concurrent voters never overwrite
    each other's. One statement, so its own transaction, with no BEGIN/COMMIT round trips.

    Returns one row (from `source`): (consultation id or NULL, previous value, whether it wrote, *more)."""
    vote_table, proposal_table = Vote._meta.db_table, Proposal._meta.db_table
    moves = ", ".join(
        f"{field} = {field} + (%(value)s = {choice})::int "
        f"- COALESCE(vote.previous_value = {choice}, FALSE)::int"
        for choice, field in COUNTER_FIELD.items()
    )
    return (
        # Table and column names come from the models, the CTEs from this module and fast_vote.
        f"WITH {prefix}target AS ({target}), "  # noqa: S608
        f"vote AS (INSERT INTO {vote_table} AS existing "
        "(proposal_id, participant_key, value, previous_value, user_id, created_at, updated_at) "
        "SELECT target.id, target.key, %(value)s, NULL, target.user_id, %(now)s, %(now)s FROM target "
        "ON CONFLICT (proposal_id, participant_key) DO UPDATE "
        "SET value = EXCLUDED.value, previous_value = existing.value, updated_at = EXCLUDED.updated_at "
        "WHERE existing.value <> EXCLUDED.value RETURNING proposal_id, previous_value), "
        f"moved AS (UPDATE {proposal_table} SET {moves} FROM vote WHERE id = vote.proposal_id "
        "RETURNING vote.previous_value) "
        "SELECT target.consultation_id, (SELECT previous_value FROM moved), EXISTS (SELECT FROM moved)"
        f"{more} FROM {source}"
    )


#: The target check of `cast_vote` in SQL: the proposal is in the address's consultation and published,
#: the consultation accepts contributions at the statement's `now` (phase open and closing time ahead:
#: consultation/accepting.py, the rule `rules.can_contribute` reads too) (p: the proposal, c: its
#: consultation). The charter is checked beside it. Both vote paths build their statement from it.
TARGET_GUARD = (
    f"p.id = %(proposal)s AND c.slug = %(slug)s AND p.status = %(visible)s AND ({accepting.guard_sql('c')})"
)


def target_params(*, slug: str, proposal_id: int, value: int, now) -> dict:
    return {
        "proposal": proposal_id,
        "slug": slug,
        "visible": Proposal.Status.VISIBLE.value,
        "value": value,
        **accepting.sql_params(now),  # "open" and "now" (also the vote's time)
    }


@functools.cache
def _guarded_statement() -> str:
    """The vote in one statement: the target check of `cast_vote` (`TARGET_GUARD`, and a charter version
    the person accepted) guards the upsert of `_store_vote` and its counters. One row when the target
    passed: (consultation id, previous value, whether the vote was written); no row when it did not."""
    proposal_table, consultation_table = Proposal._meta.db_table, Consultation._meta.db_table
    return upsert_statement(
        # Table names come from the models.
        "SELECT p.id, p.consultation_id, %(key)s::text AS key, %(user)s::bigint AS user_id "  # noqa: S608
        f"FROM {proposal_table} p JOIN {consultation_table} c ON c.id = p.consultation_id "
        f"WHERE {TARGET_GUARD} AND c.charter_version = ANY(%(charters)s::int[])"
    )


def _accepted_charters(user, slug: str) -> list[int]:
    """The versions of the charter of consultation `slug` the person has accepted, from the decisions
    their cached entry carries (accounts.selectors.load_consents)."""
    purpose = ConsentRecord.Purpose.CHARTER
    versions = []
    for held_purpose, code in getattr(user, "_pacte_consents", ()):
        parsed = Consultation.parse_charter_consent_version(code) if held_purpose == purpose else None
        if parsed is not None and parsed[0] == slug:
            versions.append(parsed[1])
    return versions


def try_cast_vote(*, user, slug: str, proposal_id: int, value: int) -> VoteOutcome | None:
    """`cast_vote` of a valid value in one prepared statement, for the vote page: the outcome when every
    check passed (and the vote is stored), None when one did not or cannot be made here (then nothing
    was written, and `cast_vote` after `selectors.vote_target` gives the exact refusal: the order of
    refusals stays that of the slow path). Same checks, same atomicity and concurrency as `cast_vote`:
    the upsert is `_store_vote`'s, guarded (docs/decisions/0013-vote-path.md)."""
    if connection.vendor != "postgresql" or not getattr(user, "is_authenticated", False):
        return None
    if not user.is_active or not 0 < proposal_id <= LARGEST_ID:
        return None
    charters = _accepted_charters(user, slug)
    if not charters:  # no charter of this consultation accepted: the slow path says which refusal
        return None
    params = target_params(slug=slug, proposal_id=proposal_id, value=value, now=timezone.now())
    params.update(charters=charters, key=participant_key_for(user), user=user.pk)
    row = _run_upsert(_guarded_statement(), params)
    if row is None:
        return None
    consultation_id, previous, written = row
    if not written:  # the stored vote already had this value
        return VoteOutcome(value, value)
    transaction.on_commit(lambda: hooks.votes_changed(consultation_id))
    return VoteOutcome(value, previous)


def recount(proposal_ids: Iterable[int] | None = None, *, consultation: Consultation | None = None) -> None:
    """Recompute the counters from the vote rows (after bulk imports or erasures)."""
    proposals = Proposal.objects.all()
    if consultation is not None:
        proposals = proposals.filter(consultation=consultation)
    if proposal_ids is not None:
        proposals = proposals.filter(pk__in=list(proposal_ids))

    def count(value: int):
        rows = (
            Vote.objects.filter(proposal=OuterRef("pk"), value=value)
            .order_by()
            .values("proposal")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    proposals.update(
        agree_count=count(Vote.Value.AGREE),
        disagree_count=count(Vote.Value.DISAGREE),
        pass_count=count(Vote.Value.PASS),
    )
