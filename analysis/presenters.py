"""Display logic of broad listening: colours and marker shapes, and where each point of a map goes.

The one place map coordinates become SVG positions (`in_map_box`), for the themes' map of the report
(page and PDF, `map_points`, `map_titles`, `map_table`) and for the opinion groups' map
(`opinion_map`)."""

from dataclasses import dataclass

import numpy as np
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import Role, acted_by
from consultation.publish import public_text

from . import map_labels
from .models import Contribution, PipelineRun, SynthesisVersion
from .pipeline.stopwords import language
from .pipeline.title import sentences as split_sentences
from .synthesis import top_level

# Map drawing box (SVG user units) and margin.
MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 640, 420, 16
# DSFR colours (blue France, red Marianne, system and illustrative colours), each at least 3:1 against
# the map's background #f6f6f6 and white (WCAG 1.4.11), and far enough apart to tell from one another.
# An odd number, so that with the four marker shapes colour and shape repeat together only every 44 themes.
PALETTE = [
    "#000091",  # blue France
    "#C9191E",  # red Marianne
    "#18753C",  # green (success)
    "#B34000",  # orange (warning)
    "#A558A0",  # purple glycine
    "#006A6F",  # green archipel (sun)
    "#716043",  # yellow tournesol (sun)
    "#417DC4",  # blue cumulus
    "#A94645",  # pink tuile (sun)
    "#447049",  # green bourgeon (sun)
    "#6E445A",  # purple glycine (sun)
]
MARKERS = ["circle", "square", "triangle", "diamond"]
OTHER_COLOUR = ("#666666", "circle")  # "Other contributions": a neutral grey (5.1:1 on #f6f6f6)


def theme_colours(n: int) -> list[tuple[str, str]]:
    """A (colour, marker shape) per theme: both change from one theme to the next, so no two of the first
    44 themes look alike, and a reader who does not tell the colours apart still has the shapes."""
    return [(PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]) for i in range(n)]


@dataclass
class MapPoint:
    contribution: int
    theme_key: str | None
    theme_label: str
    cx: float
    cy: float
    colour: str
    marker: str
    x: float
    y: float
    text: str
    language: str = ""  # the text's: its proposal's as recorded, else its theme's (``report.theme_language``)
    theme_language: str = ""  # the language of ``theme_label`` (``report.title_language``)

    @property
    def label(self) -> str:
        if not self.text:  # a text that may not be shown (see selectors.still_public): the theme only
            return self.theme_label
        # Translators: a label and its value; French puts a no-break space before the colon.
        return _("%(label)s: %(value)s") % {"label": self.theme_label, "value": self.text}


MAP_LIMIT = 2000  # points drawn at most: the page stays light (the CSV export carries every contribution)


def map_points(
    version: SynthesisVersion, themes: list[dict], limit: int | None = None, rows: list[dict] | None = None
) -> tuple[list[MapPoint], int]:
    """Points scaled into the SVG box, campaigns drawn once; and how many distinct contributions there
    are. Beyond `limit`, a seeded random sample of them, so every theme (a late, emerging one too) keeps
    its share of the map instead of the map showing the first contributions only. ``rows``: the version's
    ``contributions_table`` if the caller has read it already."""
    from .report import contributions_table

    by_key = {t["key"]: t for t in themes}
    rows = contributions_table(version) if rows is None else rows
    rows = [r for r in rows if r["x"] is not None and r["theme"] in by_key]
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
    placed = in_map_box([p["x"] for p in points], [p["y"] for p in points])
    return [
        MapPoint(
            contribution=p["contribution"],
            theme_key=p["theme"],
            theme_label=by_key[p["theme"]]["display_label"],
            cx=cx,
            cy=cy,
            colour=by_key[p["theme"]]["colour"],
            marker=by_key[p["theme"]]["marker"],
            x=round(p["x"], 4),
            y=round(p["y"], 4),
            text=p["text"][:140],
            language=(p.get("language") or by_key[p["theme"]].get("language", "")) if p["text"] else "",
            theme_language=by_key[p["theme"]].get("label_language", ""),
        )
        for p, (cx, cy) in zip(points, placed, strict=True)
    ], total


def in_map_box(xs: list[float], ys: list[float]) -> list[tuple[float, float]]:
    """The one place map coordinates become SVG positions (the themes' map and the opinion groups'):
    scaled into the drawing box inside its margin, y upwards, to a tenth of a unit."""
    if not xs:
        return []
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = (MAP_WIDTH - 2 * MAP_MARGIN) / ((x1 - x0) or 1.0)
    sy = (MAP_HEIGHT - 2 * MAP_MARGIN) / ((y1 - y0) or 1.0)
    return [
        (round(MAP_MARGIN + (x - x0) * sx, 1), round(MAP_HEIGHT - MAP_MARGIN - (y - y0) * sy, 1))
        for x, y in zip(xs, ys, strict=True)
    ]


# A theme title on the map is cut at a word beyond this (the legend and table give it whole); a joined
# title ("Entreprises et ciblage commercial") fits.
MAP_TITLE_CHARS = 40


MAP_TITLE_LINE = map_labels.TITLE_LINE  # height of a title's line on the map (12 px font and a little air)


def map_titles(themes: list[dict], points: list[MapPoint]) -> list[dict]:
    """Each theme's title by the centre of its points (the median, which one stray point cannot pull),
    kept inside the box, larger themes first; "Other contributions", scattered by nature, gets none. A
    title covers no point it can avoid, nor a title placed before it (`map_labels.place_title`): it moves
    to the nearest free place, at the edge of its points."""
    titles = []
    drawn = [(p.cx, p.cy) for p in points]
    box = map_labels.Box(MAP_MARGIN, MAP_MARGIN + 12, MAP_WIDTH - MAP_MARGIN, MAP_HEIGHT - MAP_MARGIN)
    for theme in themes:
        mine = [p for p in points if p.theme_key == theme["key"]]
        if not mine or theme["other"]:
            continue
        text = theme["display_label"]
        if len(text) > MAP_TITLE_CHARS:
            text = text[:MAP_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:'’") + "…"
        cx = float(np.median([p.cx for p in mine]))
        cy = float(np.median([p.cy for p in mine]))
        half = map_labels.half_width(text)
        cx, cy = map_labels.place_title(cx, cy, half, drawn, titles, box)
        titles.append(
            {
                "text": text, "language": theme.get("label_language", ""), "number": theme["number"],
                "cx": round(cx, 1), "cy": round(cy, 1),
                # From its left end: the theme's marker (centred 5 units in), then its text.
                "marker_x": round(5 - half, 1), "text_x": round(map_labels.MARKER_SPACE - half, 1),
                "marker": theme.get("marker", MARKERS[0]), "colour": theme.get("colour", PALETTE[0]),
            }
        )  # fmt: skip
    return titles


# The map's table alternative names, for each theme, the themes drawn closest to it: at most
# NEIGHBOURS_SHOWN, and after the closest only those at most NEIGHBOUR_RATIO times as far as it (the map says
# nothing of the distances between far groups, so a far "third closest" would mislead).
NEIGHBOURS_SHOWN, NEIGHBOUR_RATIO = 3, 2.0


def map_table(version: SynthesisVersion, themes: list[dict], points: list[MapPoint]) -> list[dict]:
    """The map's table alternative: what a reader of the map learns from it, without coordinates. For
    each theme on the map, its size (distinct contributions, the map's points, with its share of all the
    version's distinct contributions, hidden themes' included as in every share, and the counts behind
    it) and the themes drawn closest to
    it, by name and anchor. Centres are the medians of the points as drawn (where the map writes each
    title); "Other contributions", scattered by nature, has no centre: no neighbours, and no one's."""
    centres = {}
    for theme in themes:
        mine = [p for p in points if p.theme_key == theme["key"]]
        if mine and not theme["other"]:
            centres[theme["key"]] = (
                float(np.median([p.cx for p in mine])),
                float(np.median([p.cy for p in mine])),
            )
    by_key = {t["key"]: t for t in themes}
    distinct_total = sum(t.get("size", 0) for t in top_level(version.data))
    rows = []
    for theme in themes:
        if not any(p.theme_key == theme["key"] for p in points):
            continue
        nearest = []
        if theme["key"] in centres:
            x, y = centres[theme["key"]]
            distances = sorted(
                (float(np.hypot(cx - x, cy - y)), by_key[key]["number"], key)
                for key, (cx, cy) in centres.items()
                if key != theme["key"]
            )
            for distance, _number, key in distances[:NEIGHBOURS_SHOWN]:
                if nearest and distance > NEIGHBOUR_RATIO * distances[0][0]:
                    break
                nearest.append(
                    {
                        "key": key,
                        "label": by_key[key]["display_label"],
                        "language": by_key[key].get("label_language", ""),
                    }
                )
        rows.append(
            {
                "key": theme["key"],
                "label": theme["display_label"],
                "language": theme.get("label_language", ""),
                "other": theme["other"],
                "size": theme["size"],
                "percent": theme["percent"],
                "total": distinct_total,
                "nearest": nearest,
            }
        )
    return rows


# Participants not placed in a group (their group was under the minimum share): the neutral grey.
UNPLACED_COLOUR = OTHER_COLOUR[0]
# Participants drawn at most (give or take one per group); the scale is set by every participant on the map.
OPINION_MAP_LIMIT = 3000


def group_colour(group: int) -> str:
    """The colour of opinion group `group` (numbered from 0)."""
    return PALETTE[group % len(PALETTE)]


def group_marker(group: int) -> str:
    """The marker shape of opinion group `group` (numbered from 0): like the themes, groups differ by
    shape as well as by colour (WCAG 1.4.1), since red, orange and brown groups look alike to many."""
    return MARKERS[group % len(MARKERS)]


def opinion_legend(groups: list[dict], unplaced: bool) -> list[dict]:
    """The opinion map's legend: each shown group's colour and shape, then the grey of the unplaced."""
    legend = [
        {"colour": g["colour"], "marker": g["marker"], "label": _("Group %(n)s") % {"n": g["number"]}}
        for g in groups
    ]
    if unplaced:
        legend.append(
            {"colour": UNPLACED_COLOUR, "marker": OTHER_COLOUR[1], "label": _("Not placed in a group")}
        )
    return legend


def opinion_map(participants: list[dict], unplaced: list[dict], limit: int | None = None) -> list[dict]:
    """The opinion groups' map: each participant placed in a group in its group's colour and shape, then those
    whose group was too small to be shown, in grey. The scale is set by every participant on the map.
    Beyond ``limit`` (OPINION_MAP_LIMIT), a seeded sample in which each group, and the participants in
    no group, keep their share of the map and at least one point: never the first ones only, which left
    out everyone not placed in a group (listed last) once the groups held more than the limit."""
    on_map = participants + unplaced
    placed = in_map_box([p["x"] for p in on_map], [p["y"] for p in on_map])
    limit = OPINION_MAP_LIMIT if limit is None else limit
    drawn = range(len(on_map))
    if len(on_map) > limit:
        members: dict[object, list[int]] = {}
        for i, p in enumerate(on_map):
            members.setdefault(p.get("group"), []).append(i)
        rng = np.random.default_rng(len(on_map))
        drawn = sorted(
            i
            for indices in members.values()
            for i in rng.permutation(indices)[: max(1, len(indices) * limit // len(on_map))].tolist()
        )
    points = []
    for i in drawn:
        p, (cx, cy) = on_map[i], placed[i]
        grouped = p.get("group") is not None
        points.append(
            {
                "cx": cx,
                "cy": cy,
                "label": _("Participant in group %(n)s") % {"n": p["group"] + 1}
                if grouped
                else _("Participant not placed in a group"),
                "colour": group_colour(p["group"]) if grouped else UNPLACED_COLOUR,
                "marker": group_marker(p["group"]) if grouped else OTHER_COLOUR[1],
            }
        )
    return points


def one_claim_per_text(statements: list[dict], copies: dict[int, object] | None = None) -> list[dict]:
    """A campaign posts the same text as several proposals, each voted on separately. Among statements
    ranked best first, each text is claimed once, by its best-ranked copy; a text whose copies point
    different ways (agreed with as one copy, disagreed with as another) is not claimed at all, since the
    same people's votes on the same words do not tell one thing. ``copies``: proposal id -> its group
    of near-identical copies, as the synthesis found them (campaign detection); otherwise copies are
    texts with the same words."""
    copies = copies or {}

    def same(statement: dict) -> object:
        return copies.get(statement["proposal"]) or " ".join(statement["text"].casefold().split())

    directions: dict[object, set] = {}
    for statement in statements:
        directions.setdefault(same(statement), set()).add(statement.get("direction"))
    kept, seen = [], set()
    for statement in statements:
        key = same(statement)
        if len(directions[key]) == 1 and key not in seen:
            seen.add(key)
            kept.append(statement)
    return kept


def with_editor(version: SynthesisVersion) -> SynthesisVersion:
    """The version with ``edited_by``: who made it, as the back office names staff (``acted_by``: the
    organisers, their pseudonym in brackets); "the analysis" for the run's own first version."""
    version.edited_by = (
        acted_by(Role.ORGANISER, version.author.pseudonym, back_office=True)
        if version.author
        else _("the analysis")
    )
    return version


def started_by(run: PipelineRun) -> str:
    """Who started the run, on the organisers' run page: the organisers and the pseudonym in brackets
    (``accounts.roles.acted_by``, the rule every page names staff by; starting one is theirs,
    ``rules.can_run_analysis``); "command line" for a run started by ``run_pipeline``."""
    if run.created_by is None:
        return _("command line")
    return acted_by(Role.ORGANISER, run.created_by.pseudonym, back_office=True)


def voted_share(share: dict, *, group_size: int | None = None, voters: int | None = None) -> str:
    """The one way the opinion groups' figures are written (a group's statements, the consensus, the
    bridging statements): the share among those who voted on the statement, its counts, and among whom:
    "93% (14 of 15 who voted, group of 37)" for a group, "93% (14 of 15 who voted, of 161 voters)" for
    everyone. "93% (14 of 15)" alone, under a heading about most voters, read as most of a group of 161.
    ``share``: ``opinion.plain_share``; "" when no one voted."""
    if share.get("percent") is None:
        return ""
    values = {
        "percent": share["percent"],
        "agree": formats.number_format(share["agree"], force_grouping=True),
        "seen": formats.number_format(share["seen"], force_grouping=True),
    }
    if group_size is not None:
        size = formats.number_format(group_size, force_grouping=True)
        return _("%(percent)s%% (%(agree)s of %(seen)s who voted, group of %(size)s)") % {
            **values,
            "size": size,
        }
    if voters is not None:
        return ngettext(
            "%(percent)s%% (%(agree)s of %(seen)s who voted, of %(voters)s voter)",
            "%(percent)s%% (%(agree)s of %(seen)s who voted, of %(voters)s voters)",
            voters,
        ) % {**values, "voters": formats.number_format(voters, force_grouping=True)}
    return _("%(percent)s%% (%(agree)s of %(seen)s who voted)") % values


# Who wrote a theme's summary, as the report says it (``Theme.summary_by``, ``synthesis.summarise``).
CITIZENS, ORGANISERS, SERVICE = "citizens", "organisers", "service"


def summary_of(
    entry: dict,
    *,
    rows: dict | None,
    slug: str,
    quotes: list[dict] | None = None,
    legacy_by: str = CITIZENS,
    anchor: str = "",
    check_public: bool = True,
) -> dict | None:
    """What a theme's (or sub-theme's) summary is, for the page, the PDF and the editor alike.

    ``{"by": "citizens" | "organisers" | "service", "text": ..., "sentences": [...], "linked": bool}``,
    or None without a summary. A generated summary is citizens' sentences: each is quoted on its own
    (never glued to another person's), with a link to the contribution it comes from: the proposal's page,
    else its number among the theme's ``quotes`` (``#<anchor>-<n>``), else none; ``others`` counts the
    other contributions that wrote the same sentence. A sentence whose contributions may no longer be
    shown (``rows``' ``public``, when ``check_public``) is left out, as their quotes are. An organiser's or
    the labelling service's summary is one text, said to be theirs. A summary saved before its sources
    were kept (``summary_by`` unknown) reads as ``legacy_by`` wrote it: quoted sentences without links.
    """
    text = public_text(entry.get("summary") or "") or ""
    if not text:
        return None
    by = entry.get("summary_by")
    said = entry.get("summary_sentences") or []
    if by in (ORGANISERS, SERVICE) or (not by and legacy_by != CITIZENS):
        return {"by": by or legacy_by, "text": text, "sentences": [], "linked": False}
    if not said:  # an old run: its sentences, quoted one by one, with no link (their sources are unknown)
        quoted = [
            {"text": s, "url": "", "link": "", "others": 0, "language": language(s)}
            for s in split_sentences(text)
        ]
        return {"by": CITIZENS, "text": text, "sentences": quoted, "linked": False}
    number_of = {q.get("id"): n for n, q in enumerate(quotes or [], start=1)}
    result = []
    for sentence in said:
        words = public_text(sentence.get("text") or "")
        ids = list(sentence.get("ids") or [])
        if rows is not None and check_public:
            ids = [i for i in ids if i in rows and rows[i].get("public")]
            if not ids and sentence.get("ids"):
                continue  # every contribution it came from was hidden since: not shown
        if not words:
            continue
        # The most central contribution that has a page, else one quoted below, else the most central.
        first = next((i for i in ids if _proposal_row(rows, i)), None)
        first = first or next((i for i in ids if i in number_of and anchor), None) or (ids or [None])[0]
        row = (rows or {}).get(first) or {}
        url = link = ""
        if _proposal_row(rows, first):
            url = reverse("consultation:proposal", args=[slug, row["source_id"]])
            link = _("proposal %(n)s") % {"n": row["source_id"]}
        elif first in number_of and anchor:
            url = f"#{anchor}-{number_of[first]}"
            link = _("quote %(n)s below") % {"n": number_of[first]}
        result.append(
            {
                "text": words,
                "url": url,
                "link": link,
                "contribution": first,
                "others": max(0, len(ids) - 1),
                # Marked for screen readers: the proposal's recorded language, else the summaries' own
                # rule (``stopwords.language``: an answer's language is not recorded).
                "language": row.get("language") or language(words),
            }
        )
    if not result:
        return None
    return {"by": CITIZENS, "text": text, "sentences": result, "linked": True}


def _proposal_row(rows: dict | None, contribution) -> bool:
    """Whether ``contribution`` is a proposal, whose page the public can open (an answer or an imported
    contribution has none)."""
    return ((rows or {}).get(contribution) or {}).get("source_type") == Contribution.Source.PROPOSAL


def attach_summaries(themes: list[dict], *, run: PipelineRun, rows: list[dict] | None = None) -> None:
    """``summary_view`` (``summary_of``) on every theme of ``themes`` and on its ``subthemes``, in place.
    ``rows``: the version's ``report.contributions_table`` on the public report (a sentence of a
    contribution no longer public is left out, a quote is numbered among the theme's shown quotes);
    None in the editor, where organisers check every source (read here, only those named)."""
    slug = run.consultation.slug
    legacy_by = SERVICE if (run.labelling or {}).get("source") == SERVICE else CITIZENS
    entries = [t for theme in themes for t in [theme, *theme.get("subthemes", [])]]
    if rows is None:
        wanted = {i for t in entries for s in t.get("summary_sentences") or [] for i in s.get("ids") or []}
        found = Contribution.objects.filter(run=run, pk__in=wanted).values("pk", "source_type", "source_id")
        by_id = {r["pk"]: {**r, "public": True} for r in found}
    else:
        by_id = {r["contribution"]: r for r in rows}
    for theme in themes:
        anchor = f"quote-{theme['key']}" if rows is not None else ""
        for entry in [theme, *theme.get("subthemes", [])]:
            entry["summary_view"] = summary_of(
                entry,
                rows=by_id,
                slug=slug,
                quotes=theme.get("quotes"),
                legacy_by=legacy_by,
                anchor=anchor,
                check_public=rows is not None,
            )
