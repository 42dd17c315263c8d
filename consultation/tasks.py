"""Celery tasks: orchestration only (load, build, save)."""

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import ContributionImport, OpenDataExport


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


@shared_task(name="consultation.import_contributions", bind=True, acks_late=True)
def run_contribution_import(self, import_id: int) -> dict:
    """Import the CSV of one ContributionImport. Safe to run again (a worker lost mid-way): the import is
    one transaction and skips rows already imported. Progress is kept on the row; the file is erased at
    the end. Messages are written in the language of the organiser who sent the file."""
    from . import services
    from .csv_import import CsvImportError

    job = ContributionImport.objects.select_related("consultation", "created_by").filter(pk=import_id).first()
    if job is None or not job.is_active:  # deleted with its consultation, or already ended
        return {"import": import_id, "state": job.state if job else "deleted"}
    ContributionImport.objects.filter(pk=import_id).update(state=ContributionImport.State.RUNNING)

    def progress(saved: int, to_save: int) -> None:
        ContributionImport.objects.filter(pk=import_id).update(progress=int(100 * saved / max(to_save, 1)))

    ended = {"finished_at": timezone.now(), "data": b""}
    with translation.override(job.language):
        try:
            report = services.import_contributions(
                actor=job.created_by, consultation=job.consultation, data=bytes(job.data),
                text_column=job.text_column, date_column=job.date_column or None,
                strata_columns=tuple(job.strata_columns), progress=progress,
            )  # fmt: skip
        except CsvImportError as exc:
            failure = services.describe_file_error(exc)
        except services.ConsultationError as exc:
            failure = exc.message
        except Exception:
            ContributionImport.objects.filter(pk=import_id).update(
                state=ContributionImport.State.FAILED, failure=_("The import failed; nothing was imported."),
                **ended,
            )  # fmt: skip
            raise
        else:
            ContributionImport.objects.filter(pk=import_id).update(
                state=ContributionImport.State.DONE, progress=100, created=report.created,
                skipped_existing=report.skipped_existing, errors=[str(e) for e in report.errors],
                warnings=[str(w) for w in report.warnings], **ended,
            )  # fmt: skip
            return {"import": import_id, "created": report.created}
    ContributionImport.objects.filter(pk=import_id).update(
        state=ContributionImport.State.FAILED, failure=str(failure)[:500], **ended
    )
    return {"import": import_id, "failure": str(failure)}
