import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultation.models import Consultation

from . import opinion as opinion_reads
from . import report as reports
from . import selectors, services, trace
from .forms import CONDITIONAL_FIELDS, EditForm, StartRunForm
from .models import PipelineRun, SynthesisVersion
from .opinion import bridging_shares, plain_share
from .rules import can_edit_synthesis, can_publish_synthesis, can_run_analysis, can_see_health_flags
from .synthesis import SynthesisEditError, top_level


def _require(user, predicate) -> None:
    if not predicate(user):
        raise PermissionDenied


class UnknownVersion(Http404):
    """?version= names no version this reader may see (not a number, another consultation's, a draft)."""

    def __init__(self, wanted: str):
        message = _("This synthesis has no version “%(version)s” that you can read.")
        super().__init__(message % {"version": wanted})
        self.wanted = wanted


def _version_for(
    request, consultation: Consultation, published: SynthesisVersion | None = None
) -> SynthesisVersion | None:
    """The published version, or the one ?version=<id> names: any version of this consultation for
    organisers (a preview), a version that was published at some time for everyone else (a link to an
    earlier synthesis keeps working; the page says a newer one replaced it). Anything else is a 404 that
    says so, never the current synthesis shown silently in place of the one asked for. ``published``: the
    published version if the caller has read it already."""
    wanted = request.GET.get("version", "").strip()
    if not wanted:
        return published or selectors.published_version(consultation)
    try:
        pk = int(wanted)
    except ValueError:
        raise UnknownVersion(wanted) from None
    version = (
        SynthesisVersion.objects.select_related("run__consultation")
        .filter(pk=pk, run__consultation=consultation)
        .first()
    )
    if version is None or not (version.published_at or can_edit_synthesis(request.user)):
        raise UnknownVersion(wanted)
    return version


def _report_context(request, consultation: Consultation) -> dict:
    published = selectors.published_version(consultation)
    version = _version_for(request, consultation, published)
    context = {"consultation": consultation, "version": version, "published": published}
    rows = None
    if version is not None:
        themes = reports.visible_themes(version)
        rows = reports.contributions_table(version)  # read once: quotes, map and themes x groups
        reports.drop_quotes_no_longer_public(version, themes, rows)
        points, distinct = reports.map_points(version, themes, rows=rows)
        trace.attach_recommendations(themes, version.data)  # the panel recommendations linked to each
        context.update(
            themes=themes,
            points=points,
            map_sampled=len(points) < distinct,
            map_distinct=distinct,
            map_table=reports.map_table(themes, points),
            # Shown only when population margins changed something (otherwise it repeats the raw share).
            has_weighted=any(
                t.get("weighted_share") is not None and abs(t["weighted_share"] - t["share"]) > 0.005
                for t in themes
            ),
            n_themes=sum(not t["other"] for t in themes),
            map_width=reports.MAP_WIDTH,
            map_height=reports.MAP_HEIGHT,
            total=sum(t["contributions"] for t in themes),
            # What the themes left out of the public synthesis weigh, so the shown shares add up.
            percent_totals=reports.percent_totals(version),
            run=version.run,
        )
    latest = selectors.latest_opinion(consultation)
    if latest is not None:
        context["opinion"] = _opinion_context(consultation, latest, version, context.get("themes", []), rows)
    return context


# Bridging statements shown, and how far down the saved ranking (every proposal) the page looks for them.
BRIDGING_SHOWN, BRIDGING_CANDIDATES = 5, 25


def _opinion_context(consultation, latest, version, themes, rows) -> dict:
    result = latest.result
    candidates = result.get("bridging", [])[:BRIDGING_CANDIDATES]
    ids = {b["proposal"] for b in candidates}
    for group in result.get("groups", []):
        ids.update(s["proposal"] for s in group["representative"])
    for key in ("consensus_agree", "consensus_disagree"):
        ids.update(s["proposal"] for s in result.get(key, []))
    # A statement whose proposal may no longer be shown (hidden by moderators since the groups were
    # computed, ...) is left out, as the report's quotes are: its text never reaches the page or the PDF.
    texts = selectors.public_statement_texts(consultation, ids, rows)
    bridging = [b for b in candidates if b["proposal"] in texts][:BRIDGING_SHOWN]
    groups = [
        {
            "number": g["group"] + 1,
            "size": g["size"],
            "colour": reports.PALETTE[g["group"] % len(reports.PALETTE)],
            "statements": [
                {**s, "text": texts[s["proposal"]], **plain_share(s["n_success"], s["n_trials"])}
                for s in g["representative"]
                if s["proposal"] in texts
            ],
        }
        for g in result.get("groups", [])
    ]
    participants = [p for p in result.get("participants", []) if p.get("group") is not None]
    points = []
    if participants:
        xs, ys = [p["x"] for p in participants], [p["y"] for p in participants]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        width, height, margin = reports.MAP_WIDTH, reports.MAP_HEIGHT, reports.MAP_MARGIN
        for p in participants[:3000]:
            points.append(
                {
                    "cx": round(margin + (p["x"] - x0) * (width - 2 * margin) / ((x1 - x0) or 1), 1),
                    "cy": round(
                        height - margin - (p["y"] - y0) * (height - 2 * margin) / ((y1 - y0) or 1), 1
                    ),
                    "label": _("Participant in group %(n)s") % {"n": p["group"] + 1},
                    "colour": reports.PALETTE[p["group"] % len(reports.PALETTE)],
                }
            )
    cross = []
    if version is not None and groups:
        cross = opinion_reads.themes_by_groups(latest, themes, reports.proposal_themes(version, rows))
    return {
        "run": latest,
        "ok": latest.status == "ok",
        "message": result.get("message", ""),
        "groups": groups,
        "legend": [{"colour": g["colour"], "label": _("Group %(n)s") % {"n": g["number"]}} for g in groups],
        "points": points,
        "consensus": [
            {**s, "text": texts[s["proposal"]], **plain_share(s["n_success"], s["n_trials"])}
            for s in result.get("consensus_agree", []) + result.get("consensus_disagree", [])
            if s["proposal"] in texts
        ],
        "bridging": [
            {**b, "text": texts[b["proposal"]], "shares": bridging_shares(b, result, len(groups))}
            for b in bridging
        ],
        # Consensus counts every voter; groups hold only those who voted enough to be placed in one.
        "n_voters": sum(1 for p in result.get("participants", []) if p.get("n_votes")),
        "n_grouped": len(participants),
        "cross": cross,
    }


def report(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    try:
        context = _report_context(request, consultation)
    except UnknownVersion as unknown:
        # The report page itself, with a 404 status: it says what was asked for and links to what exists.
        context = {
            "consultation": consultation,
            "unknown_version": unknown.wanted[:40],
            "published": selectors.published_version(consultation),
            "can_manage": can_run_analysis(request.user),
        }
        return render(request, "analysis/report.html", context, status=404)
    context["can_manage"] = can_run_analysis(request.user)
    return render(request, "analysis/report.html", context)


def report_pdf(request, slug):
    from weasyprint import HTML

    consultation = get_object_or_404(Consultation, slug=slug)
    context = _report_context(request, consultation)
    if context["version"] is None:
        raise Http404(_("No synthesis has been published for this consultation yet."))
    # On paper the maps' skip links lead nowhere: the PDF leaves them out (the page keeps them).
    context["for_print"] = True
    html = render_to_string("analysis/report_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pacte-synthese-{consultation.slug}.pdf"'
    return response


def _export(rows: list[dict], fields: list[str], fmt: str, name: str) -> HttpResponse:
    if fmt == "json":
        response = HttpResponse(
            json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    elif fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.DictWriter(response, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (";".join(v) if isinstance(v, list) else v) for k, v in row.items()})
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _published_or_404(request, slug) -> tuple[Consultation, SynthesisVersion]:
    consultation = get_object_or_404(Consultation, slug=slug)
    version = _version_for(request, consultation)
    if version is None:
        raise Http404(_("No synthesis has been published for this consultation yet."))
    return consultation, version


CONTRIBUTION_FIELDS = [
    "contribution",
    "source_type",
    "source_id",
    "theme",
    "theme_label",
    "subtheme",
    "subtheme_label",
    "x",
    "y",
    "duplicate_group",
    "text",
]
THEME_FIELDS = [
    "key",
    "parent",
    "label",
    "summary",
    "keywords",
    "size",
    "contributions",
    "share",
    "weighted_share",
    "emerging",
]


def export_contributions(request, slug, fmt):
    consultation, version = _published_or_404(request, slug)
    rows = [{k: r[k] for k in CONTRIBUTION_FIELDS} for r in reports.contributions_table(version)]
    return _export(rows, CONTRIBUTION_FIELDS, fmt, f"pacte-{consultation.slug}-contributions")


def export_themes(request, slug, fmt):
    consultation, version = _published_or_404(request, slug)
    rows = [
        {**{k: t.get(k) for k in THEME_FIELDS}, "label": reports.theme_label(t)}
        for t in version.data["themes"]
        if not t["hidden"]
    ]
    return _export(rows, THEME_FIELDS, fmt, f"pacte-{consultation.slug}-themes")


@login_required
def runs(request, slug):
    _require(request.user, can_run_analysis)
    consultation = get_object_or_404(Consultation, slug=slug)
    form = StartRunForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        run = services.start_run(
            consultation=consultation,
            actor=request.user,
            k=form.cleaned_data["k"],
            reweight=form.cleaned_data["reweight"],
        )
        messages.success(request, _("The analysis has started."))
        return redirect("analysis:run", pk=run.pk)
    return render(
        request,
        "analysis/runs.html",
        {"consultation": consultation, "form": form, "runs": consultation.pipeline_runs.all()[:50]},
    )


@login_required
def run_detail(request, pk):
    _require(request.user, can_run_analysis)
    run = get_object_or_404(PipelineRun.objects.select_related("consultation", "created_by"), pk=pk)
    # The organiser's way to overrule the number of themes: start from the one this run chose.
    rerun_form = StartRunForm(
        initial={"k": run.k_selection.get("k"), "reweight": bool(run.params.get("reference_margins"))}
    )
    return render(
        request, "analysis/run.html", {"run": run, "consultation": run.consultation, "rerun_form": rerun_form}
    )


@login_required
def run_progress(request, pk):
    _require(request.user, can_run_analysis)
    run = get_object_or_404(PipelineRun, pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": str(run.get_status_display()),
            "percent": run.percent,
            # Translators: a percentage; French puts a no-break space before the sign.
            "percent_label": _("%(percent)s%%") % {"percent": run.percent},
            "done": run.progress_done,
            "total": run.progress_total,
            "active": run.is_active,
            "error": run.error_message,
        }
    )


@login_required
@require_POST
def run_resume(request, pk):
    _require(request.user, can_run_analysis)
    run = get_object_or_404(PipelineRun, pk=pk)
    with transaction.atomic():
        services.resume_run(run=run, actor=request.user)
    messages.info(request, _("The unfinished steps of this analysis have been handed to the workers again."))
    return redirect("analysis:run", pk=run.pk)


@login_required
def editor(request, pk):
    _require(request.user, can_edit_synthesis)
    run = get_object_or_404(PipelineRun.objects.select_related("consultation"), pk=pk)
    latest = selectors.latest_version(run)
    if latest is None:
        messages.warning(request, _("This analysis has no themes yet."))
        return redirect("analysis:run", pk=run.pk)
    form = EditForm(data=request.POST if request.method == "POST" else None, themes=latest.data["themes"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        arguments = {
            "rename": {"key": data["key"], "label": data["label"] or ""},
            "merge": {"source": data["key"], "target": data["target"]},
            "split": {"key": data["key"]},
            "hide": {"key": data["key"]},
            "show": {"key": data["key"]},
            "move": {"contribution": data["contribution"], "key": data["key"]},
        }[data["action"]]
        try:
            version = services.edit_synthesis(actor=request.user, run=run, action=data["action"], **arguments)
        except SynthesisEditError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved as version %(n)s.") % {"n": version.number})
            return redirect("analysis:editor", pk=run.pk)
    themes = top_level(latest.data)
    for theme in themes:
        theme["subthemes"] = [t for t in latest.data["themes"] if t["parent"] == theme["key"]]
    flagged = run.contributions.filter(health_flag=True) if can_see_health_flags(request.user) else None
    return render(
        request,
        "analysis/editor.html",
        {
            "run": run,
            "consultation": run.consultation,
            "latest": latest,
            "themes": themes,
            "form": form,
            "conditional_fields": CONDITIONAL_FIELDS,
            "versions": selectors.versions_with_authors(run),
            "published": selectors.published_version(run.consultation),
            "flagged": flagged,
        },
    )


@login_required
@require_POST
def publish(request, pk):
    _require(request.user, can_publish_synthesis)
    version = get_object_or_404(SynthesisVersion.objects.select_related("run__consultation"), pk=pk)
    services.publish_version(actor=request.user, version=version)
    messages.success(request, _("Version %(n)s is now the public synthesis.") % {"n": version.number})
    return redirect("analysis:report", slug=version.run.consultation.slug)
