"""Results of a closed consultation and its open-data archive."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import require_rule
from accounts.strata import STRATA_FIELDS, category_label
from textsafety.disclosure import MIN_CELL

from .. import presenters, rules, selectors, services
from ..models import OpenDataExport
from .common import consultation_from, consultation_url, oldest_active, progress_answer


@require_rule(rules.can_view, object_from=consultation_from, hide=True)
def results(request, consultation, slug):
    if not rules.can_view_results(request.user, consultation):
        messages.info(request, _("Results are published when the consultation closes."))
        return redirect(consultation_url(consultation))
    closed = selectors.closed_question_results(consultation)
    stratum = request.GET.get("stratum", "age_band")
    if stratum not in STRATA_FIELDS:
        stratum = "age_band"
    for block in closed:
        block["breakdown"] = selectors.strata_breakdown(block["question"], stratum)

    return render(
        request,
        "consultation/results.html",
        {
            "consultation": consultation,
            "participation": selectors.participation_over_time(consultation),
            "closed": closed,
            "stratum": stratum,
            "strata": [(name, category_label(name)) for name in STRATA_FIELDS],
            "min_cell": MIN_CELL,
        },
    )


@require_rule(rules.can_view, object_from=consultation_from, hide=True, post=rules.can_build_open_data)
def open_data(request, consultation, slug):
    can_build = rules.can_build_open_data(request.user, consultation)
    if request.method == "POST":
        services.request_open_data_export(actor=request.user, consultation=consultation)
        messages.success(request, _("The archive is being built; this page shows its progress."))
        return redirect("consultation:open_data", slug=slug)
    exports = selectors.recent_exports(consultation)
    latest = selectors.latest_export(consultation)
    return render(
        request,
        "consultation/open_data.html",
        {
            "consultation": consultation,
            "exports": exports,
            "latest": latest,
            "can_build": can_build,
            "building": oldest_active(exports) if can_build else None,
            **presenters.open_data_page(consultation, request.user),
        },
    )


@require_rule(rules.can_build_open_data, object_from=consultation_from)
def open_data_progress(request, consultation, slug):
    """The archive being built now, if any (for those who can build one)."""
    return progress_answer(oldest_active(selectors.recent_exports(consultation)))


@require_rule(rules.can_view, object_from=consultation_from, hide=True)
def open_data_download(request, consultation, slug, pk):
    export = get_object_or_404(
        OpenDataExport, pk=pk, consultation=consultation, state=OpenDataExport.State.DONE
    )
    try:
        handle = export.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=f"pacte-{consultation.slug}-open-data.zip")
