"""Celery tasks: orchestration only (load, build, save)."""

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from .models import OpenDataExport


@shared_task(name="consultation.build_open_data", bind=True)
def build_open_data(self, export_id: int) -> dict:
    """Build the open-data ZIP of one export request; progress is kept on the row and in the task state."""
    from .opendata import build_archive

    export = OpenDataExport.objects.select_related("consultation").get(pk=export_id)
    OpenDataExport.objects.filter(pk=export_id).update(
        state=OpenDataExport.State.RUNNING, task_id=self.request.id or ""
    )

    def progress(percent: int) -> None:
        OpenDataExport.objects.filter(pk=export_id).update(progress=percent)
        if self.request.id:
            self.update_state(state="PROGRESS", meta={"percent": percent})

    try:
        data = build_archive(export.consultation, progress)
    except Exception as exc:
        OpenDataExport.objects.filter(pk=export_id).update(
            state=OpenDataExport.State.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
        raise
    export.file.save(f"{export.consultation.slug}-{export.pk}.zip", ContentFile(data), save=False)
    OpenDataExport.objects.filter(pk=export_id).update(
        file=export.file.name, state=OpenDataExport.State.DONE, progress=100, finished_at=timezone.now()
    )
    return {"export": export_id, "bytes": len(data)}
