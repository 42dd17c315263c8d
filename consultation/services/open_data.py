"""The open-data archive of a consultation, built by a Celery worker."""

from collections.abc import Callable
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import outbox
from accounts.audit import record_event

from .. import rules
from ..models import Consultation, OpenDataExport
from ..opendata import build_archive
from .base import NotAllowed


@transaction.atomic
def request_open_data_export(*, actor, consultation: Consultation):
    """Record an export request and hand it to a Celery worker once the request is committed."""
    from ..tasks import build_open_data

    if actor is not None and not rules.can_build_open_data(actor, consultation):
        raise NotAllowed(_("Only organisers can publish the open data of a consultation."))
    export = OpenDataExport.objects.create(consultation=consultation)
    record_event(actor=actor, action="consultation.open_data_requested", obj=export)
    outbox.enqueue(build_open_data, export.pk)
    return export


def build_export(export_id: int, progress: Callable[[int], None] | None = None) -> dict:
    """Build the open-data ZIP of one export request (the Celery task's work); progress in percent is
    kept on the row and passed to `progress`."""

    export = OpenDataExport.objects.select_related("consultation").get(pk=export_id)
    rows = OpenDataExport.objects.filter(pk=export_id)
    rows.update(state=OpenDataExport.State.RUNNING)

    def report(percent: int) -> None:
        rows.update(progress=percent)
        if progress is not None:
            progress(percent)

    try:
        data = build_archive(export.consultation, report)
    except Exception as exc:
        rows.update(state=OpenDataExport.State.FAILED, error=str(exc)[:300], finished_at=timezone.now())
        raise
    # One archive per export, under one name: a copy a lost worker stored but never recorded (killed before
    # the row said "done") is replaced, not kept beside this one under another name.
    name = export.file.field.generate_filename(export, f"{export.consultation.slug}-{export.pk}.zip")
    export.file.storage.delete(name)
    export.file.save(Path(name).name, ContentFile(data), save=False)
    rows.update(
        file=export.file.name, state=OpenDataExport.State.DONE, progress=100, finished_at=timezone.now()
    )
    return {"export": export_id, "bytes": len(data)}
