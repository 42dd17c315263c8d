"""The organisers' dashboard of who took part: one page per consultation and one across consultations,
each figure downloadable as CSV. Every figure comes from ``kpis.kpis`` (as ``manage.py kpis`` prints
it); this module only adds what the page draws (bar lengths). And the public transparency page of a
consultation (``transparency``)."""

import copy
from datetime import datetime

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.permissions import require_rule
from consultation.adoption import adoption_sources
from consultation.answers import percent_of
from consultation.models import Consultation

from . import kpis, transparency
from .rules import can_read_synthesis, can_see_dashboard
from .views import write_spreadsheet_csv


def _consultation(slug, **_kwargs) -> Consultation:
    return get_object_or_404(Consultation, slug=slug)


#: The page and its CSV downloads read the figures computed at most this long ago (a consultation of
#: 100,000 participants reads every vote once per computation); the page says when they were computed.
FIGURES_CACHE_SECONDS = 60


def _figures(consultation: Consultation | None) -> dict:
    key = f"pacte:dashboard:{consultation.pk if consultation else 'all'}:{get_language()}"
    figures = cache.get(key)
    if figures is None:
        figures = kpis.kpis(consultation)
        cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return copy.deepcopy(figures)


def _percent(part: float | None, whole: float | None) -> float:
    return round(100 * part / whole, 1) if part and whole else 0


def present(figures: dict) -> dict:
    """What the page shows of ``figures``: bar lengths (percent of the longest) beside the tables."""
    weeks = figures["weeks"]
    peak = max((w["participants"] for w in weeks), default=0)
    peak_contributions = max((w["contributions"] + w["votes"] for w in weeks), default=0)
    for week in weeks:
        week["bar"] = _percent(week["participants"], peak)
        week["bar_contributions"] = _percent(week["contributions"] + week["votes"], peak_contributions)
    for stratum in figures["representativeness"]["strata"]:
        for group in stratum["groups"]:
            group["percent"] = None if group["share"] is None else round(100 * group["share"], 1)
            group["reference_percent"] = (
                None if group["reference_share"] is None else round(100 * group["reference_share"], 1)
            )
        under = set(stratum["under_represented"])
        stratum["under_groups"] = [g for g in stratum["groups"] if g["value"] in under]
        stratum["under_groups"].sort(key=lambda g: stratum["under_represented"].index(g["value"]))
    figures["adoption_rows"] = adoption_rows(figures["adoption"])
    return figures


def adoption_rows(adoption: dict) -> list[dict]:
    """The per-source table of the follow-up page (its labels and definitions, in the reader's
    language), over the cached figures."""
    labels = {source.key: source for source in adoption_sources()}
    rows = []
    for key, values in [*adoption["by_source"].items(), ("overall", adoption["overall"])]:
        source = labels.get(key)
        rows.append(
            {
                "key": key,
                "label": str(source.label) if source else _("All sources"),
                "definition": str(source.definition) if source else "",
                "figures": values,
                "taken_up": values["adopted"] + values["partly_adopted"],
                "rate": percent_of(values["adopted"] + values["partly_adopted"], values["answered"]),
                "overall": source is None,
            }
        )
    return rows


def _page(request, consultation: Consultation | None):
    figures = present(_figures(consultation))
    return render(
        request,
        "analysis/dashboard.html",
        {
            "consultation": consultation,
            "figures": figures,
            "tables": [(name, _table_name(name)) for name in kpis.csv_tables(figures)],
            "min_cell": figures["representativeness"]["min_cell"],
            "computed_at": datetime.fromisoformat(figures["scope"]["computed_at"]),
        },
    )


def _table_name(table: str) -> str:
    """What a CSV download holds, in the reader's language (the table's key is the file's name)."""
    names = {
        "summary": _("Every figure of the page, one per line"),
        "weeks": _("Participation week by week"),
        "representativeness": _("Who took part, by profile answer, compared with the French population"),
        "panels": _("Citizen panels’ figures"),
        "adoption": _("Adoption rate by source"),
    }
    return names.get(table, table)


def _csv(consultation: Consultation | None, table: str) -> HttpResponse:
    tables = kpis.csv_tables(_figures(consultation))
    if table not in tables:
        raise Http404
    fields, rows = tables[table]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    write_spreadsheet_csv(response, rows, fields)
    name = consultation.slug if consultation else "toutes-consultations"
    response["Content-Disposition"] = f'attachment; filename="pacte-{name}-{table}.csv"'
    return response


@require_rule(can_see_dashboard, login=True)
def dashboard(request):
    return _page(request, None)


@require_rule(can_see_dashboard, login=True)
def dashboard_csv(request, table):
    return _csv(None, table)


@require_rule(can_see_dashboard, object_from=_consultation, login=True)
def consultation_dashboard(request, consultation, slug):
    return _page(request, consultation)


@require_rule(can_see_dashboard, object_from=_consultation, login=True)
def consultation_dashboard_csv(request, consultation, slug, table):
    return _csv(consultation, table)


@require_rule(can_read_synthesis, object_from=_consultation, hide=True)
def consultation_transparency(request, consultation, slug):
    """How the consultation was run, for everyone (a draft exists for nobody but organisers)."""
    return render(request, "analysis/transparency.html", transparency.transparency(consultation))
