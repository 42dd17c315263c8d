"""Organisers' CSV import, run by a Celery worker, and its progress."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.permissions import require_rule
from accounts.refusals import form_status, post_form

from .. import rules, selectors, services
from ..forms import ImportForm
from ..models import Consultation
from .common import oldest_active, progress_answer, upload_limit_mb


@require_rule(rules.can_manage, login=True)
def import_progress(request, slug):
    """The import running now, if any."""
    consultation = get_object_or_404(Consultation, slug=slug)
    services.fail_stale_imports(consultation=consultation)  # a job whose worker stopped answering ends
    job = oldest_active(selectors.recent_imports(consultation))
    return progress_answer(job, file_name=job.file_name) if job else progress_answer(None)


@require_rule(rules.can_manage, login=True, max_upload_mb=upload_limit_mb)
def import_file(request, slug):
    """Organisers send a CSV; a Celery worker imports it (services.start_import) and this page shows the
    progress of the recent imports and the report of the last one that ended. Its rule is decided, and
    the upload's declared size checked, before the upload is read (accounts/permissions.py)."""
    consultation = get_object_or_404(Consultation, slug=slug)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )

    def start(data):
        upload = data["file"]
        return services.start_import(
            actor=request.user, consultation=consultation, data=upload.read(), file_name=upload.name,
            text_column=data["text_column"].strip(), date_column=data["date_column"].strip() or None,
            strata_columns=tuple(c.strip() for c in data["strata_columns"].split(",") if c.strip()),
            language=translation.get_language(), language_column=data["language_column"].strip() or None,
        )  # fmt: skip

    services.fail_stale_imports(consultation=consultation)  # a job whose worker stopped answering ends
    if request.method == "POST" and post_form(
        request, form, start, _("The file is being imported; this page shows the progress.")
    ):
        return redirect("consultation:import", slug=slug)
    imports = selectors.recent_imports(consultation)
    return render(
        request,
        "consultation/import.html",
        {
            "consultation": consultation,
            "form": form,
            "imports": imports,
            "active": oldest_active(imports),
            "last": next((job for job in imports if not job.is_active), None),
        },
        status=form_status(form),
    )
