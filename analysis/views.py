import json
import math

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require_rule
from accounts.refusals import show_refusal
from consultation.models import Consultation
from consultation.publish import public_text, scrub_text
from textsafety.spreadsheet import safe_writer

from . import opinion as opinion_reads
from . import presenters, selectors, services, trace
from . import report as reports
from .forms import CONDITIONAL_FIELDS, EditForm, FindForm, MoveForm, StartRunForm, theme_choices
from .models import Contribution, OpinionRun, PipelineRun, SynthesisVersion
from .opinion import bridging_shares, plain_share
from .pipeline.opinion import TOO_FEW_PARTICIPANTS, OpinionParameters, claimable
from .rules import (
    can_edit_synthesis,
    can_publish_synthesis,
    can_read_synthesis,
    can_run_analysis,
    can_see_health_flags,
)
from .synthesis import SynthesisEditError, membership, top_level
from .tasks import votes_recompute_groups


def _consultation(slug, **_kwargs) -> Consultation:
    """The consultation a page is about, loaded before its rule is decided (accounts/permissions.py)."""
    return get_object_or_404(Consultation, slug=slug)


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
    return report_context(consultation, version, published)


def report_context(
    consultation: Consultation, version: SynthesisVersion | None, published: SynthesisVersion | None
) -> dict:
    """What the synthesis page and its PDF show of ``version`` (read by everyone alike: no request)."""
    # The drawing box of both maps: the themes' (with a version) and the opinion groups' (with or
    # without one: groups come from votes, before any synthesis is published).
    context = {
        "consultation": consultation,
        "version": version,
        "published": published,
        "map_width": presenters.MAP_WIDTH,
        "map_height": presenters.MAP_HEIGHT,
    }
    rows = None
    if version is not None:
        themes = reports.visible_themes(version)
        rows = reports.contributions_table(version)  # read once: quotes, map and themes x groups
        reports.drop_quotes_no_longer_public(version, themes, rows)
        reports.attach_quote_languages(version, themes, rows)
        presenters.attach_summaries(themes, run=version.run, rows=rows)  # quoted and linked, or not
        points, distinct = presenters.map_points(version, themes, rows=rows)
        trace.attach_recommendations(themes, version.data)  # the panel recommendations linked to each
        context.update(
            themes=themes,
            points=points,
            map_sampled=len(points) < distinct,
            map_distinct=distinct,
            map_table=presenters.map_table(version, themes, points),
            map_titles=presenters.map_titles(themes, points),
            # Shown only when population margins changed something (otherwise it repeats the raw share).
            has_weighted=any(
                t.get("weighted_share") is not None and abs(t["weighted_share"] - t["share"]) > 0.005
                for t in themes
            ),
            n_themes=sum(not t["other"] for t in themes),
            other_contributions=sum(t["contributions"] for t in themes if t["other"]),
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
    params = result.get("parameters", {})
    floor = params.get("min_claim_votes", OpinionParameters.min_claim_votes)
    z = params.get("z_threshold", OpinionParameters.z_threshold)

    def passes(s: dict) -> bool:
        """A statement resting on enough votes and passing its tests, by the stage's own rule
        (``claimable``): computations saved before these rules held statements that did not."""
        tests = [s[key] for key in ("p_test", "repness_test") if key in s]
        return bool(claimable(s["n_trials"], tests, floor=floor, z=z))

    # Only statements every group significantly agrees with, each group with enough votes on it.
    candidates = [b for b in result.get("bridging", []) if b.get("significant")][:BRIDGING_CANDIDATES]
    ids = {b["proposal"] for b in candidates}
    for group in result.get("groups", []):
        ids.update(s["proposal"] for s in group["representative"])
    for key in ("consensus_agree", "consensus_disagree"):
        ids.update(s["proposal"] for s in result.get(key, []))
    # A statement whose proposal may no longer be shown (hidden by moderators since the groups were
    # computed, ...) is left out, as the report's quotes are: its text never reaches the page or the PDF.
    texts = selectors.public_statement_texts(consultation, ids, rows)
    languages = selectors.proposal_languages(consultation, texts)  # marked on the page (lang_attr)
    bridging = [b for b in candidates if b["proposal"] in texts][:BRIDGING_SHOWN]
    # Copies of one text (a campaign) as the synthesis grouped them: claimed once, never both ways.
    copies = {
        r["source_id"]: ("copies", r["duplicate_group"])
        for r in rows or []
        if r["source_type"] != Contribution.Source.ANSWER and r["duplicate_group"] is not None
    }
    groups = [
        {
            "number": g["group"] + 1,
            "size": g["size"],
            "colour": presenters.group_colour(g["group"]),
            "marker": presenters.group_marker(g["group"]),
            "statements": presenters.one_claim_per_text(
                [
                    {
                        **s,
                        "text": texts[s["proposal"]],
                        "language": languages.get(s["proposal"], ""),
                        **plain_share(s["n_success"], s["n_trials"]),
                        "figure": presenters.voted_share(
                            plain_share(s["n_success"], s["n_trials"]), group_size=g["size"]
                        ),
                    }
                    for s in g["representative"]
                    if s["proposal"] in texts and passes(s)
                ],
                copies,
            ),
        }
        for g in result.get("groups", [])
    ]
    participants = [p for p in result.get("participants", []) if p.get("group") is not None]
    # Clustered participants whose group was too small to be shown stay on the map, in grey.
    unplaced = [p for p in result.get("participants", []) if p.get("clustered") and p.get("group") is None]
    points = presenters.opinion_map(participants, unplaced)
    # Consensus counts every voter; groups hold only those who voted enough to be placed in one. Both
    # are the computation's counts, which its figures rest on: the positions list loses a person
    # whose personal data is erased (services.erase_opinion_positions), the counts do not.
    n_voters = result.get("n_voters") or sum(1 for p in result.get("participants", []) if p.get("n_votes"))
    cross = []
    if version is not None and groups:
        cross = opinion_reads.themes_by_groups(latest, themes, reports.proposal_themes(version, rows))
    return {
        "run": latest,
        "ok": latest.is_ok,
        "message": result.get("message", ""),
        "groups": groups,
        "legend": presenters.opinion_legend(groups, bool(unplaced)),
        "points": points,
        "map_total": len(participants) + len(unplaced),
        "consensus": presenters.one_claim_per_text(
            [
                {
                    **s,
                    "text": texts[s["proposal"]],
                    "language": languages.get(s["proposal"], ""),
                    **plain_share(s["n_success"], s["n_trials"]),
                    "figure": presenters.voted_share(
                        plain_share(s["n_success"], s["n_trials"]), voters=n_voters
                    ),
                }
                for s in result.get("consensus_agree", []) + result.get("consensus_disagree", [])
                if s["proposal"] in texts and passes(s)
            ],
            copies,
        ),
        "bridging": presenters.one_claim_per_text(
            [
                {
                    **b,
                    "text": texts[b["proposal"]],
                    "language": languages.get(b["proposal"], ""),
                    "shares": [
                        {**share, "figure": presenters.voted_share(share, group_size=g["size"])}
                        for share, g in zip(bridging_shares(b, result, len(groups)), groups, strict=False)
                    ],
                }
                for b in bridging
            ],
            copies,
        ),
        "n_voters": n_voters,
        "n_grouped": sum(g["size"] for g in result.get("groups", [])),
        "n_unplaced": len(unplaced),
        "min_group_percent": round(100 * params.get("min_group_share", OpinionParameters.min_group_share)),
        "min_claim_votes": floor,
        # Shown when the computation found no groups: why (the pipeline's ``reason``), and how far from
        # the minimum it is.
        "reason": _no_groups_reason(result, params),
        "recomputed_on_votes": votes_recompute_groups(),
        "n_qualified": result.get("n_qualified"),
        "min_votes_needed": result.get("min_votes_needed") or None,
        "n_clustered": result.get("n_clustered"),
        "min_participants": params.get("min_participants", OpinionParameters.min_participants),
        "cross": cross,
    }


def _no_groups_reason(result: dict, params: dict) -> str:
    """Why a computation drew no groups, as the pipeline decided it (``OpinionResult.reason``); for a
    computation saved before the reason was, the one rule the report could tell then (too few
    participants), else "" (the page says only that there are not enough votes)."""
    if result.get("status", OpinionRun.OK) == OpinionRun.OK:
        return ""
    if "reason" in result:
        return result["reason"]
    minimum = params.get("min_participants", OpinionParameters.min_participants)
    qualified = result.get("n_qualified")
    return TOO_FEW_PARTICIPANTS if qualified is not None and qualified < minimum else ""


@require_rule(can_read_synthesis, object_from=_consultation, hide=True)
def report(request, consultation, slug):
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


@require_rule(can_read_synthesis, object_from=_consultation, hide=True)
def report_pdf(request, consultation, slug):
    from . import pdf as pdfs

    context = _report_context(request, consultation)
    if context["version"] is None:
        raise Http404(_("No synthesis has been published for this consultation yet."))
    # A published version's PDF is built once (when it is published) and read from storage after;
    # a preview is drawn for the organiser who asks.
    pdf = pdfs.report_pdf(context, store=context["version"].published_at is not None)
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
        write_spreadsheet_csv(response, rows, fields)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def write_spreadsheet_csv(out, rows: list[dict], fields: list[str]) -> None:
    """CSV that a spreadsheet opens as a table, in the reader's language: UTF-8 with a byte-order mark
    (without it Excel reads Windows-1252), and in French the separators French Excel expects (``;``
    between fields, a decimal comma) and "oui"/"non" for booleans ("yes"/"no" in English, with ``,``
    and a decimal point). A list is one field, its items joined by "; " (an item that is a list, by
    spaces); a number is written for people
    (``spreadsheet_number``: never "1e-05")."""
    french = (get_language() or "").startswith("fr")
    yes, no = _("yes"), _("no")

    def cell(value):
        if isinstance(value, bool):
            return yes if value else no
        if isinstance(value, list):  # a list of lists (each summary sentence's sources): "1 2; 3"
            return "; ".join(" ".join(map(str, v)) if isinstance(v, list) else str(v) for v in value)
        if isinstance(value, float):
            return spreadsheet_number(value, decimal="," if french else ".")
        return value

    out.write("\ufeff")
    writer = safe_writer(out, delimiter=";" if french else ",")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([cell(row.get(k)) for k in fields])


def spreadsheet_number(value: float, *, decimal: str = ".", places: int = 6) -> str:
    """A float as a spreadsheet reads it and a person too: fixed-point (no exponent) with at most
    ``places`` decimals, trailing zeros dropped, the reader's decimal mark; empty for NaN or infinity.
    0.00001 -> "0.00001" (not "1e-05"), 0.1 + 0.2 -> "0.3", 12.0 -> "12"."""
    if not math.isfinite(value):
        return ""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", decimal)


def _published_or_404(request, consultation) -> SynthesisVersion:
    version = _version_for(request, consultation)
    if version is None:
        raise Http404(_("No synthesis has been published for this consultation yet."))
    return version


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
    "language",
]
THEME_FIELDS = [
    "key",
    "parent",
    "label",
    "summary",
    "summary_by",  # who wrote it: citizens (sentences quoted from them), organisers, service (a model)
    "summary_sources",  # for citizens' sentences: the contribution ids of each sentence
    "keywords",
    "size",
    "contributions",
    "share",
    "weighted_share",
    "emerging",
]


@require_rule(can_read_synthesis, object_from=_consultation, hide=True)
def export_contributions(request, consultation, slug, fmt):
    version = _published_or_404(request, consultation)
    rows = [{k: r[k] for k in CONTRIBUTION_FIELDS} for r in reports.contributions_table(version)]
    return _export(rows, CONTRIBUTION_FIELDS, fmt, f"pacte-{consultation.slug}-contributions")


def _summary_origin(entry: dict, version: SynthesisVersion) -> dict:
    """Who wrote a theme's summary and, for citizens' sentences, their contributions (as the page says:
    ``presenters.summary_of``); a version saved before says what its run wrote, without sources."""
    if not entry.get("summary"):
        return {"summary_by": "", "summary_sources": []}
    by = entry.get("summary_by") or (
        presenters.SERVICE
        if (version.run.labelling or {}).get("source") == presenters.SERVICE
        else presenters.CITIZENS
    )
    return {
        "summary_by": by,
        "summary_sources": [s.get("ids", []) for s in entry.get("summary_sentences") or []],
    }


@require_rule(can_read_synthesis, object_from=_consultation, hide=True)
def export_themes(request, consultation, slug, fmt):
    version = _published_or_404(request, consultation)
    rows = [
        {
            **{k: t.get(k) for k in THEME_FIELDS},
            "label": scrub_text(reports.theme_label(t)),
            "summary": public_text(t.get("summary") or "") or "",
            **_summary_origin(t, version),
            "keywords": [scrub_text(k) for k in t.get("keywords") or []],
        }
        for t in reports.ranked_entries(version.data)
        if not t["hidden"]
    ]
    return _export(rows, THEME_FIELDS, fmt, f"pacte-{consultation.slug}-themes")


@require_rule(can_run_analysis, login=True)
def runs(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = StartRunForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        run = services.start_run(
            consultation=consultation,
            actor=request.user,
            k=form.cleaned_data["k"],
            reweight=form.cleaned_data["reweight"],
            fresh=form.cleaned_data["fresh"],
        )
        messages.success(request, _("The analysis has started."))
        return redirect("analysis:run", pk=run.pk)
    runs = list(consultation.pipeline_runs.select_related("created_by")[:50])
    for run in runs:
        run.started_by = presenters.started_by(run)
    return render(
        request,
        "analysis/runs.html",
        {"consultation": consultation, "form": form, "runs": runs},
    )


@require_rule(can_run_analysis, login=True)
def run_detail(request, pk):
    run = get_object_or_404(PipelineRun.objects.select_related("consultation", "created_by"), pk=pk)
    # The organiser's way to overrule the number of themes: start from the one this run chose.
    rerun_form = StartRunForm(
        initial={"k": run.k_selection.get("k"), "reweight": bool(run.params.get("reference_margins"))}
    )
    return render(
        request,
        "analysis/run.html",
        {
            "run": run,
            "consultation": run.consultation,
            "rerun_form": rerun_form,
            "started_by": presenters.started_by(run),
        },
    )


@require_rule(can_run_analysis, login=True)
def run_progress(request, pk):
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


@require_POST
@require_rule(can_run_analysis, login=True)
def run_resume(request, pk):
    run = get_object_or_404(PipelineRun, pk=pk)
    with transaction.atomic():
        services.resume_run(run=run, actor=request.user)
    messages.info(request, _("The unfinished steps of this analysis have been handed to the workers again."))
    return redirect("analysis:run", pk=run.pk)


@require_rule(can_edit_synthesis, login=True)
def editor(request, pk):
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
            "summary": {"key": data["key"], "summary": data["summary"] or ""},
            "merge": {"source": data["key"], "target": data["target"]},
            "split": {"key": data["key"]},
            "hide": {"key": data["key"]},
            "show": {"key": data["key"]},
            "move": {"contribution": data["contribution"], "key": data["key"]},
        }[data["action"]]
        try:
            version = services.edit_synthesis(actor=request.user, run=run, action=data["action"], **arguments)
        except SynthesisEditError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Saved as version %(n)s.") % {"n": version.number})
            return redirect("analysis:editor", pk=run.pk)
    themes = top_level(latest.data)
    for theme in themes:  # each title, summary and keywords marked in the theme's language (lang_attr)
        theme["language"], theme["label_language"] = (
            reports.theme_language(theme),
            reports.title_language(theme),
        )
        quoted = [q.get("text") or "" for q in theme.get("quotes") or []]
        theme["subthemes"] = [
            {**t, "label_language": reports.title_language(t, quoted)}
            for t in latest.data["themes"]
            if t["parent"] == theme["key"]
        ]
    presenters.attach_summaries(themes, run=run)  # with their sources, for the organisers to check
    flagged = run.contributions.filter(health_flag=True) if can_see_health_flags(request.user) else None
    find, found = _find_contributions(request, run, latest.data)
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
            "versions": [
                presenters.with_editor(version) for version in selectors.versions_with_authors(run)
            ],
            "published": selectors.published_version(run.consultation),
            "flagged": flagged,
            "find": find,
            "found": found,
            "move_form": MoveForm(themes=latest.data["themes"]),
            "search": request.GET.urlencode(),
        },
    )


FOUND_LIMIT = 200  # contributions listed by one search of the editor


def _find_contributions(request, run, data: dict) -> tuple[FindForm, list[dict] | None]:
    """The editor's search: contributions whose text contains the words asked, in the theme asked, each
    with its theme and sub-theme under the latest version (None: no search made)."""
    find = FindForm(data=request.GET or None, themes=data["themes"])
    if not request.GET or not find.is_valid():
        return find, None
    members = membership(run, data)
    labels = dict(theme_choices(data["themes"]))
    rows = run.contributions.order_by("position").only(
        "pk", "text", "duplicate_count", "source_type", "source_id"
    )
    if find.cleaned_data["q"].strip():
        rows = rows.filter(text__icontains=find.cleaned_data["q"].strip())
    wanted = find.cleaned_data["theme"]
    found = []
    for row in rows.iterator():
        top, sub = members.get(row.pk, (None, None))
        if wanted and wanted not in (top, sub):
            continue
        found.append(
            {
                "pk": row.pk,
                "text": row.text,
                "copies": row.duplicate_count,
                "theme": labels.get(sub or top, "") if (sub or top) else "",
                "theme_language": find.fields["theme"].widget.languages.get(sub or top, ""),
                "proposal": row.source_id if row.source_type != Contribution.Source.ANSWER else None,
            }
        )
        if len(found) >= FOUND_LIMIT:
            break
    # Each text is marked with the language its proposal was written in (lang_attr): one query.
    languages = selectors.proposal_languages(run.consultation, {f["proposal"] for f in found})
    for item in found:
        item["language"] = languages.get(item.pop("proposal"), "")
    return find, found


@require_POST
@require_rule(can_edit_synthesis, login=True)
def editor_move(request, pk):
    """Move the contributions ticked in the editor's search results to one theme: one new version."""
    run = get_object_or_404(PipelineRun, pk=pk)
    latest = selectors.latest_version(run)
    if latest is None:
        raise Http404(_("This analysis has no themes yet."))
    form = MoveForm(data=request.POST, themes=latest.data["themes"])
    try:
        ids = [int(i) for i in request.POST.getlist("contributions")]
    except ValueError:
        ids = []
    back = reverse("analysis:editor", args=[run.pk]) + "?" + request.POST.get("search", "")[:500]
    if not form.is_valid():
        messages.error(request, _("Choose the theme that receives the contributions."))
        return redirect(back)
    try:
        version = services.edit_synthesis(
            actor=request.user, run=run, action="move", contribution=ids, key=form.cleaned_data["key"]
        )
    except SynthesisEditError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s contribution moved; saved as version %(n)s.",
                "%(count)s contributions moved; saved as version %(n)s.",
                len(set(ids)),
            )
            % {"count": len(set(ids)), "n": version.number},
        )
    return redirect(back)


@require_POST
@require_rule(can_publish_synthesis, login=True)
def publish(request, pk):
    version = get_object_or_404(SynthesisVersion.objects.select_related("run__consultation"), pk=pk)
    services.publish_version(actor=request.user, version=version)
    messages.success(request, _("Version %(n)s is now the public synthesis.") % {"n": version.number})
    return redirect("analysis:report", slug=version.run.consultation.slug)
