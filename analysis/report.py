"""What the public report, its exports and the "what became of my contribution" page show, computed
from one signed-off version (the published one for the public)."""

from dataclasses import dataclass

import numpy as np
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Profile

from .models import Contribution, PublishedSynthesis, SynthesisVersion
from .synthesis import membership, top_level

# Map drawing box (SVG user units) and margin.
MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 640, 420, 16
# DSFR illustrative colours, cycled over themes; points also carry their theme's number in a label.
PALETTE = ["#000091", "#C9191E", "#18753C", "#B34000", "#6A6AF4", "#A558A0", "#009099", "#716043", "#FA7A35"]


@dataclass
class MapPoint:
    contribution: int
    theme_key: str | None
    theme_label: str
    cx: float
    cy: float
    colour: str
    x: float
    y: float
    text: str

    @property
    def label(self) -> str:
        # Translators: a label and its value; French puts a no-break space before the colon.
        return _("%(label)s: %(value)s") % {"label": self.theme_label, "value": self.text}


def stratum_labels(variable: str) -> tuple[str, dict]:
    """Translated name and category labels of a profile stratum (imported strata keep their own)."""
    try:
        field = Profile._meta.get_field(variable)
    except FieldDoesNotExist:
        return variable, {}
    return str(field.verbose_name), dict(field.choices or [])


def theme_label(entry: dict) -> str:
    return entry["label"] or _("Other contributions")


def visible_themes(version: SynthesisVersion) -> list[dict]:
    """Top-level themes shown to the public, largest first, "Other" last, each with its sub-themes."""
    data = version.data
    themes = [t for t in top_level(data) if not t["hidden"]]
    themes.sort(key=lambda t: (t["other"], -t["contributions"]))
    for number, theme in enumerate(themes, start=1):
        theme["number"] = number
        theme["display_label"] = theme_label(theme)
        theme["colour"] = PALETTE[(number - 1) % len(PALETTE)]
        theme["subthemes"] = [
            {**s, "display_label": theme_label(s)}
            for s in data["themes"]
            if s["parent"] == theme["key"] and not s["hidden"]
        ]
        theme["breakdown_rows"] = []
        for variable, cells in sorted(theme.get("breakdown", {}).items()):
            if cells:
                name, categories = stratum_labels(variable)
                rows = [(str(categories.get(c, c)), n) for c, n in sorted(cells.items())]
                theme["breakdown_rows"].append({"variable": name, "cells": rows})
        weeks = sorted(theme.get("trend", {}).items())
        peak = max((n for _w, n in weeks), default=0) or 1
        theme["trend_rows"] = [(week, n, round(100 * n / peak)) for week, n in weeks]
    return themes


def map_table(themes: list[dict], points: list[MapPoint]) -> list[dict]:
    """The map's table alternative: how many points each theme has and where its centre lies."""
    rows = []
    for theme in themes:
        mine = [p for p in points if p.theme_key == theme["key"]]
        if mine:
            rows.append(
                {
                    "label": theme["display_label"],
                    "n": len(mine),
                    "x": sum(p.x for p in mine) / len(mine),
                    "y": sum(p.y for p in mine) / len(mine),
                }
            )
    return rows


def contributions_table(version: SynthesisVersion) -> list[dict]:
    """One row per contribution: ids, theme (under this version), map coordinates. Hidden themes -> none."""
    run = version.run
    themes = {t["key"]: t for t in version.data["themes"]}
    members = membership(run, version.data)
    rows = []
    for c in Contribution.objects.filter(run=run).order_by("position"):
        top, sub = members.get(c.pk, (None, None))
        if top is not None and themes[top]["hidden"]:
            top = sub = None
        rows.append(
            {
                "contribution": c.pk,
                "source_type": c.source_type,
                "source_id": c.source_id,
                "theme": top,
                "subtheme": sub,
                "x": c.x,
                "y": c.y,
                "duplicate_group": c.duplicate_group,
                "duplicate_count": c.duplicate_count,
                "text": c.text,
            }
        )
    return rows


MAP_LIMIT = 2000  # points drawn at most: the page stays light (the CSV export carries every contribution)


def map_points(
    version: SynthesisVersion, themes: list[dict], limit: int | None = None
) -> tuple[list[MapPoint], int]:
    """Points scaled into the SVG box, campaigns drawn once; and how many distinct contributions there
    are. Beyond `limit`, a seeded random sample of them, so every theme (a late, emerging one too) keeps
    its share of the map instead of the map showing the first contributions only."""
    by_key = {t["key"]: t for t in themes}
    rows = [r for r in contributions_table(version) if r["x"] is not None and r["theme"] in by_key]
    seen, points = set(), []
    for r in rows:
        if r["duplicate_group"] in seen:
            continue
        seen.add(r["duplicate_group"])
        points.append(r)
    total, limit = len(points), MAP_LIMIT if limit is None else limit
    if total > limit:
        kept = np.random.default_rng(version.pk).choice(total, size=limit, replace=False)
        points = [points[i] for i in sorted(kept)]
    if not points:
        return [], total
    xs, ys = [p["x"] for p in points], [p["y"] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = (MAP_WIDTH - 2 * MAP_MARGIN) / ((x1 - x0) or 1.0)
    sy = (MAP_HEIGHT - 2 * MAP_MARGIN) / ((y1 - y0) or 1.0)
    return [
        MapPoint(
            contribution=p["contribution"],
            theme_key=p["theme"],
            theme_label=by_key[p["theme"]]["display_label"],
            cx=round(MAP_MARGIN + (p["x"] - x0) * sx, 1),
            cy=round(MAP_HEIGHT - MAP_MARGIN - (p["y"] - y0) * sy, 1),
            colour=by_key[p["theme"]]["colour"],
            x=round(p["x"], 4),
            y=round(p["y"], 4),
            text=p["text"][:140],
        )
        for p in points
    ], total


def proposal_themes(version: SynthesisVersion) -> dict[int, str]:
    """Proposal id -> theme key (for the themes x opinion groups table)."""
    return {
        r["source_id"]: r["theme"]
        for r in contributions_table(version)
        if r["source_type"] != Contribution.Source.ANSWER and r["theme"] is not None
    }


def contribution_fate(proposal) -> list[dict]:
    """The consultation app's "what became of my contribution" hook: the published theme, if any."""
    published = PublishedSynthesis.objects.select_related("version__run").filter(
        consultation_id=proposal.consultation_id
    )
    published = published.first()
    if published is None:
        return []
    version = published.version
    row = (
        Contribution.objects.filter(run=version.run, source_id=proposal.pk)
        .exclude(source_type=Contribution.Source.ANSWER)
        .first()
    )
    if row is None:
        return []
    top, _sub = membership(version.run, version.data).get(row.pk, (None, None))
    entry = next((t for t in version.data["themes"] if t["key"] == top), None)
    if entry is None or entry["hidden"]:
        return []
    url = reverse("analysis:report", args=[proposal.consultation.slug]) + f"#theme-{entry['key']}"
    return [{"label": _("Grouped in the theme “%(theme)s”") % {"theme": theme_label(entry)}, "url": url}]


def consultation_links(consultation, user) -> list[dict]:
    """The consultation app's links hook: the public synthesis once published; the analysis runs for
    organisers."""
    from .rules import can_run_analysis

    links = []
    if PublishedSynthesis.objects.filter(consultation_id=consultation.pk).exists():
        links.append(
            {
                "label": _("Synthesis of the contributions"),
                "url": reverse("analysis:report", args=[consultation.slug]),
            }
        )
    if can_run_analysis(user):
        links.append(
            {
                "label": _("Broad-listening analyses"),
                "url": reverse("analysis:runs", args=[consultation.slug]),
            }
        )
    return links
