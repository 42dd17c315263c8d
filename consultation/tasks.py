"""Celery tasks: orchestration only; the work is in services."""

from celery import shared_task

from accounts.notices import MAIL_TASK_OPTIONS

from . import notifications, services
from .models import OpenDataExport


@shared_task(name="consultation.build_open_data", bind=True)
def build_open_data(self, export_id: int) -> dict:
    """Build the open-data ZIP of one export request; progress also goes to the task state.

    Delivered at least once (acks late): a copy of the message that comes after the archive was built
    (its worker died before acknowledging) does nothing, or it would store a second archive beside the
    first and move the date published. An export left "running" by a dead worker is built again from the
    start (the archive is written only at the end)."""
    built = OpenDataExport.objects.filter(pk=export_id, state=OpenDataExport.State.DONE).first()
    if built is not None:
        return {"export": export_id, "already_built": built.file.name}
    OpenDataExport.objects.filter(pk=export_id).update(task_id=self.request.id or "")

    def progress(percent: int) -> None:
        if self.request.id:
            self.update_state(state="PROGRESS", meta={"percent": percent})

    return services.build_export(export_id, progress)


@shared_task(name="consultation.import_contributions", acks_late=True)
def run_contribution_import(import_id: int) -> dict:
    """Import the CSV of one ContributionImport (services.run_import: safe to run again, hence acks_late)."""
    return services.run_import(import_id)


@shared_task(name="consultation.send_moderation_notice", **MAIL_TASK_OPTIONS)
def send_moderation_notice(proposal_id: int, status: str) -> bool:
    """E-mail the author of a proposal that moderation published or hid (retried while the mail server
    is unreachable)."""
    return notifications.send_moderation_notice(proposal_id, status)


@shared_task(name="consultation.purge_vote_state")
def purge_vote_state() -> dict:
    """Daily: the vote sessions whose session is gone and the rate-limit windows that have ended
    (docs/decisions/0019-vote-without-redis.md)."""
    from django.db import connection
    from django.utils import timezone

    from accounts import vote_sessions

    from . import vote_limit

    if connection.vendor != "postgresql":  # neither table is used on another database
        return {"vote_sessions": 0, "rate_windows": 0}
    now = timezone.now()
    return {"vote_sessions": vote_sessions.purge(now), "rate_windows": vote_limit.purge(now)}


@shared_task(name="consultation.close_due")
def close_due() -> dict:
    """Every PACTE_CLOSING_SWEEP_SECONDS (the beat): close the open consultations whose closing time has
    passed, through their phase's declared step (services.close_due_consultations; safe to run twice)."""
    return {"closed": services.close_due_consultations()}


@shared_task(name="consultation.fail_stale_jobs")
def fail_stale_jobs() -> dict:
    """Every PACTE_CLOSING_SWEEP_SECONDS (the beat): end as failed the imports whose worker stopped
    answering for PACTE_JOB_STALE_MINUTES (services.fail_stale_imports; the page applies it too)."""
    return {"imports": services.fail_stale_imports()}
