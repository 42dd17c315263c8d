"""Celery tasks of the citizen panels. They only orchestrate: load, call the pure sortition core, save
through the services."""

import time
from collections.abc import Callable

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from accounts.notices import MAIL_TASK_OPTIONS

from . import draw_messages, lottery, notifications
from .models import Selection

# A draw an organiser may abandon (PACTE_SELECTION_STALE_MINUTES) is also stopped on the worker at that
# time, so that an abandoned draw does not keep a worker busy; the hard limit kills a solver that does
# not come back to Python (the page then offers to abandon the draw).
SELECTION_TIME_LIMIT = settings.PACTE_SELECTION_STALE_MINUTES * 60

# The page polls a draw's progress every 2 s; the sortition library can report thousands of rounds.
PROGRESS_WRITE_INTERVAL_S = 1.0


def throttled_progress(
    write: Callable[[dict], None], interval: float = PROGRESS_WRITE_INTERVAL_S, clock=time.monotonic
) -> Callable[[dict], None]:
    """`write` for each new stage at once, and within a stage at most once per `interval` seconds (and
    for its last round): one database update per library round would be thousands on a large pool."""
    last = {"code": None, "at": float("-inf")}

    def report(progress: dict) -> None:
        now = clock()
        final = progress.get("total") is not None and progress.get("current") == progress.get("total")
        if progress.get("code") != last["code"] or final or now - last["at"] >= interval:
            write(progress)
            last.update(code=progress.get("code"), at=now)

    return report


class _AwaitingPublicValue(Exception):
    """A two-step draw's lottery is published: the task stops before the draw."""


@shared_task(
    name="deliberation.run_selection",
    soft_time_limit=SELECTION_TIME_LIMIT,
    time_limit=SELECTION_TIME_LIMIT + 60,
)
def run_selection(selection_id: int) -> str:
    """Find the fair lottery over panels, draw the panel from the recorded seed and rank the reserves.

    Progress notes are written on the Selection row (the page polls them). Infeasible quotas or bad
    input end the run as "failed" with the sortition core's explanation; nothing is seated then. So does
    a run for a panel whose draw is already committed (it is final), one whose drawn people left, and one
    that gave no result within the time an organiser would abandon it."""
    from . import services

    selection = Selection.objects.select_related("panel").get(pk=selection_id)
    if selection.status in (Selection.Status.DONE, Selection.Status.FAILED):
        return selection.status  # a redelivered message (acks_late) must not draw twice
    if selection.status == Selection.Status.AWAITING:
        return selection.status  # its lottery is published: only the public value entered goes on
    if services.refuse_second_draw(selection_id=selection_id):
        return Selection.Status.FAILED  # the panel's draw is already committed: it is final
    sortition = services.load_sortition()
    # Progress is stored as codes, worded in the reader's language when shown (draw_messages), whatever
    # the worker's language; the sortition library's own notes (English only) are stored as they are.
    services.set_selection_progress(
        selection_id=selection_id, progress=draw_messages.stage_progress("loading")
    )
    people, quotas, excluded = services.selection_inputs(selection)

    write = throttled_progress(
        lambda stored: services.set_selection_progress(selection_id=selection_id, progress=stored)
    )

    def progress(event) -> None:
        if event.library or event.phase not in draw_messages.PROGRESS_STAGES:
            write(draw_messages.library_progress(event.message, event.current, event.total))
        else:
            write(draw_messages.stage_progress(event.phase))

    panel = selection.panel
    # What the lottery is computed for; a run taking the draw over checks it against the published one.
    inputs = sortition.inputs_sha256(people, quotas, panel.size, selection.algorithm, panel.household_rule)

    def publish(distribution):
        # The lottery is published (stored, hashed, audited) before the seed is used: the draw can only
        # pick from it, and the seed revealed afterwards must match the commitment made at the start. A
        # run abandoned meanwhile publishes nothing, and its result is refused when recorded. The panel is
        # drawn from the lottery as stored (read back from the published document), so that it is the
        # published one even when another run published first.
        document = lottery.document(
            distribution.lottery,
            seed_commitment=selection.seed_commitment or sortition.commitment(selection.seed),
            public_value_source=selection.public_value_source,
            algorithm=distribution.algorithm,
            quotas=[{"category": q.category, "value": q.value, "min": q.min, "max": q.max} for q in quotas],
            title=panel.title,
        )
        stored = services.publish_lottery(selection_id=selection_id, document=document, inputs_sha256=inputs)
        if stored is not None and selection.two_step and not selection.public_value:
            # A two-step draw stops once its lottery is public: the announced value picks the panel.
            raise _AwaitingPublicValue
        return sortition.published_distribution(stored.lottery) if stored is not None else None

    try:
        # Taken over after its worker was lost once the lottery was published: no second lottery is
        # computed; the draw is made from the published one if the pool and quotas it was computed for
        # are unchanged (an edited title or another host's solver digits change nothing).
        published = services.taken_over_lottery(selection_id=selection_id, inputs_sha256=inputs)
        if published is not None and selection.two_step and not selection.public_value:
            raise _AwaitingPublicValue  # published, then its worker was lost before it said so
        if published is not None:
            # Also step 2 of a two-step draw: the public value entered, the panel is drawn from the
            # published lottery with the seed and that value.
            write(draw_messages.stage_progress("draw"))
            distribution = sortition.published_distribution(published)
            result = sortition.draw_panel(
                people, quotas, distribution, selection.seed, panel.household_rule, selection.public_value
            )
        else:
            result = sortition.select(
                people,
                quotas,
                panel.size,
                selection.seed,
                algorithm=selection.algorithm,
                household_rule=panel.household_rule,
                progress=progress,
                before_draw=publish,
            )
    except _AwaitingPublicValue:
        return services.await_public_value(selection_id=selection_id).status
    except (sortition.SortitionError, lottery.LotteryError) as error:
        # The sortition core explains in English (it names strata and volunteers): stored as it is, with
        # what kind of failure it is; our own reasons are codes, worded when shown (draw_messages).
        kind = "other"
        if isinstance(error, sortition.SortitionInfeasible):
            kind = "infeasible"  # no panel meets the quotas with this pool
        elif isinstance(error, sortition.SortitionInputError):
            kind = "input"  # malformed pool or quotas (e.g. a value without a quota)
        reasons = [draw_messages.library_failure(error, kind)]
        if excluded:
            reasons.append(draw_messages.left_out_reason(excluded, pool=len(people) + len(excluded)))
        services.record_selection_failure(selection_id=selection_id, reasons=reasons)
        return Selection.Status.FAILED
    except services.LotteryChanged:
        # Taken over after its worker was lost, the run found that the pool or the quotas the published
        # lottery was computed for changed meanwhile: the published one stands as the commitment; nothing
        # is drawn.
        services.record_selection_failure(selection_id=selection_id, reasons=[{"code": "lottery_changed"}])
        return Selection.Status.FAILED
    except SoftTimeLimitExceeded:
        services.record_selection_failure(
            selection_id=selection_id,
            reasons=[{"code": "time_limit", "minutes": settings.PACTE_SELECTION_STALE_MINUTES}],
        )
        return Selection.Status.FAILED
    recorded = services.record_selection_result(selection_id=selection_id, result=result, excluded=excluded)
    return recorded.status  # failed when the panel got drawn meanwhile or someone drawn left the pool


@shared_task(name="deliberation.notify_panel")
def notify_panel(kind: str, object_id: int) -> int:
    """Tell a panel's members about `object_id` (notifications.PANEL_NOTICES): one task per member, so
    that a retry (mail server unreachable) never writes twice to those already told."""
    recipients = notifications.panel_recipients(kind, object_id)
    for member_id in recipients:
        send_panel_notice.delay(kind, object_id, member_id)
    return len(recipients)


@shared_task(name="deliberation.send_panel_notice", **MAIL_TASK_OPTIONS)
def send_panel_notice(kind: str, object_id: int, member_id: int) -> bool:
    return notifications.send_panel_notice(kind, object_id, member_id)


@shared_task(name="deliberation.send_seat_notice", **MAIL_TASK_OPTIONS)
def send_seat_notice(member_id: int) -> bool:
    return notifications.send_seat_notice(member_id)


@shared_task(name="deliberation.notify_not_drawn")
def notify_not_drawn(selection_id: int) -> int:
    """Tell the volunteers this draw left without a seat: one task per person, so that a retry (mail
    server unreachable) never writes twice to those already told."""
    recipients = notifications.not_drawn_recipients(selection_id)
    for volunteer_id in recipients:
        send_not_drawn_notice.delay(volunteer_id, selection_id)
    return len(recipients)


@shared_task(name="deliberation.send_not_drawn_notice", **MAIL_TASK_OPTIONS)
def send_not_drawn_notice(volunteer_id: int, selection_id: int) -> bool:
    return notifications.send_not_drawn_notice(volunteer_id, selection_id)


@shared_task(name="deliberation.purge_volunteer_pools")
def purge_volunteer_pools() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): the pools of panels closed more than PACTE_POOL_RETENTION_DAYS ago
    lose the volunteers who never had a seat, and their seated members' rows their contact details, address
    and import identifier (`services.purge_expired_pools`). Returns how many volunteers were deleted (the
    blanked rows are counted in each panel's `panel.pool_purged` audit event)."""
    from . import services

    return sum(purge.deleted for purge in services.purge_expired_pools())
