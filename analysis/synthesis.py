"""Signed-off syntheses: the data of a ``SynthesisVersion`` and the edits that make the next one.

A version's ``data`` is self-contained, so a published version reads the same forever::

    {"themes": [{"key": "t12", "theme_ids": [12], "parent": null, "label": "...", "summary": "...",
                 "summary_by": "citizens", "summary_sentences": [{"text": ..., "ids": [contribution id]}],
                 "hidden": false, "other": false, "keywords": [...],
                 "quotes": [{"id": position, "text": ...}],
                 "size": distinct texts, "contributions": texts with duplicates, "share": ..,
                 "weighted_share": .., "breakdown": {variable: {category: count or null}},
                 "stance": {...}, "trend": {week: count}, "emerging": bool}, ...],
     "moves": {"<contribution id>": "<theme key>"}}

Sub-themes are entries whose ``parent`` is the key of a top-level entry. A contribution belongs to the
top-level entry listing its sub-theme's or theme's id in ``theme_ids`` (a move overrides that).
Edits are functions from data to new data; they raise ``SynthesisEditError`` with a translated message.
"""

import copy
from collections import Counter
from dataclasses import asdict

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import ServiceError

from .models import Contribution, PipelineRun, Theme
from .pipeline.cluster import OTHER
from .pipeline.synthesise import Votes, rake, theme_figures, votes_per_unit


class SynthesisEditError(ServiceError):
    """An edit that cannot be applied; the message is shown to the organiser."""


def theme_key(theme: Theme) -> str:
    return f"t{theme.pk}"


def _entry(theme: Theme, parent: str | None) -> dict:
    return {
        "key": theme_key(theme),
        "theme_ids": [theme.pk],
        "parent": parent,
        "label": theme.label,
        "summary": theme.summary,
        # Who wrote it ("citizens": sentences of contributions, each with its sources; "service": the
        # labelling service; "organisers": typed in the editor; "" in versions saved before: not known).
        "summary_by": theme.summary_by,
        "summary_sentences": list(theme.summary_sentences),
        "hidden": False,
        "other": theme.is_other,
        "keywords": list(theme.keywords),
        "quotes": list(theme.quotes),
        "size": theme.size,
        "contributions": 0,
        "share": theme.share,
        "weighted_share": theme.share_weighted,
        "breakdown": theme.breakdown,
        "stance": theme.stance,
        "trend": theme.trend,
        "emerging": theme.emerging,
    }


def initial_data(run: PipelineRun) -> dict:
    """Version 1: the themes exactly as the run computed them."""
    entries = []
    themes = sorted(run.themes.filter(parent__isnull=True), key=lambda t: (t.is_other, t.number))
    for theme in themes:  # "Other" last
        entries.append(_entry(theme, None))
        entries.extend(_entry(child, theme_key(theme)) for child in theme.children.order_by("number"))
    data = {"themes": entries, "moves": {}}
    return with_figures(run, data)


def top_level(data: dict) -> list[dict]:
    return [t for t in data["themes"] if t["parent"] is None]


def children(data: dict, key: str) -> list[dict]:
    return [t for t in data["themes"] if t["parent"] == key]


def find(data: dict, key: str) -> dict:
    for entry in data["themes"]:
        if entry["key"] == key:
            return entry
    raise SynthesisEditError(_("This theme is not in the current version of the synthesis."))


def membership(run: PipelineRun, data: dict) -> dict[int, tuple[str | None, str | None]]:
    """Contribution id -> (theme key, sub-theme key) under this version (None: in no theme)."""
    rows = Contribution.objects.filter(run=run).values_list("pk", "theme", "subtheme")
    return membership_of(rows, data)


def membership_of(rows, data: dict) -> dict[int, tuple[str | None, str | None]]:
    """``membership`` of rows already read: (contribution id, theme id, sub-theme id) triples."""
    top_of: dict[int, str] = {}
    sub_of: dict[int, str] = {}
    for entry in data["themes"]:
        target = top_of if entry["parent"] is None else sub_of
        for theme_id in entry["theme_ids"]:
            target[theme_id] = entry["key"]
    moves = {int(k): v for k, v in data.get("moves", {}).items()}
    result: dict[int, tuple[str | None, str | None]] = {}
    for pk, theme_id, subtheme_id in rows:
        if pk in moves:
            result[pk] = (moves[pk], None)
            continue
        top = top_of.get(subtheme_id) or top_of.get(theme_id)
        sub = sub_of.get(subtheme_id)
        result[pk] = (top, sub)
    return result


def with_figures(run: PipelineRun, data: dict) -> dict:
    """Recompute every figure of every entry from the membership (after a move, merge or split): sizes,
    shares, weighted shares, breakdowns, stance, trend and the emerging flag, with the pipeline's own
    rule (``pipeline.synthesise.theme_figures``), so a version never shows figures of other members.

    As in the run, a duplicate group counts once per theme, with the strata and date of its first
    contribution in that theme and the votes on all its contributions in that theme (each copy's votes
    count, ``pipeline.synthesise.votes_per_unit``: the rule of the themes x opinion groups table too);
    sub-themes are figured the same way over the contributions they hold."""
    members = membership(run, data)
    rows = {
        pk: rest
        for pk, *rest in Contribution.objects.filter(run=run)
        .order_by("position")
        .values_list("pk", "duplicate_group", "strata", "submitted_at", "votes", "source_type", "source_id")
    }
    live_votes = _votes_of_older_runs(rows)
    contributions: Counter = Counter()
    units: dict[tuple[str, int], int] = {}  # (theme key, duplicate group) -> its first contribution
    unit_index: dict[tuple[str, int], int] = {}  # the same units -> their position in ``units``
    unit_of: dict[int, int] = {}  # contribution in a theme -> position of its unit
    for pk, row in rows.items():  # in corpus order: the first member of a group in a theme stands for it
        top, sub = members.get(pk, (None, None))
        for key in (top, sub):
            if key is not None:
                contributions[key] += 1
        if top is not None:
            unit = (top, row[0])
            if unit not in units:
                units[unit], unit_index[unit] = pk, len(units)
            unit_of[pk] = unit_index[unit]
    unit_rows = list(units.values())
    strata = [rows[pk][1] or {} for pk in unit_rows]
    dates = [timezone.localdate(rows[pk][2]) if rows[pk][2] else None for pk in unit_rows]
    votes = votes_per_unit(
        [unit_of.get(pk) for pk in rows],
        [_vote_counts(row, live_votes) for row in rows.values()],
        len(unit_rows),
    )
    others = {t["key"] for t in data["themes"] if t["other"]}
    params = run.pipeline_params()
    weights = None
    if params.reference_margins and unit_rows:
        weights = rake(strata, params.reference_margins).weights

    def figures_by_key(keys: list[str | None]) -> dict[str, dict]:
        number = {key: (OTHER if key in others else i) for i, key in enumerate(dict.fromkeys(keys))}
        labels = np.array([number[key] for key in keys], dtype=int)
        figures = theme_figures(
            labels,
            strata,
            dates,
            votes,
            weights=weights,
            min_cell=params.min_cell,
            recent_days=params.recent_days,
        )
        return {key: figures[n] for key, n in number.items() if key is not None}

    computed: dict[str, dict] = {}
    if unit_rows:
        computed.update(figures_by_key([key for key, _group in units]))
        # Sub-themes: the same rows labelled by sub-theme (None: in none), so shares keep the same base.
        computed.update(figures_by_key([members[pk][1] for pk in unit_rows]))
    for entry in data["themes"]:
        figure = computed.get(entry["key"])
        entry["contributions"] = contributions.get(entry["key"], 0)
        if figure is None:  # a theme left without any contribution
            entry.update(
                size=0,
                share=0.0,
                weighted_share=0.0,
                breakdown={},
                stance={},
                trend={},
                emerging=False,
                emergence=None,
            )
            continue
        entry["size"] = figure["size"]
        entry["share"] = figure["share"]
        entry["weighted_share"] = figure["weighted_share"]
        entry["breakdown"] = figure["breakdown"]
        entry["stance"] = figure.get("stance", {})
        entry["trend"] = figure["trend"]
        entry["emerging"] = bool(figure["emergence"] and figure["emergence"].emerging)
        # What the test saw, so the page can say why a theme is (or is not) called emerging.
        entry["emergence"] = asdict(figure["emergence"]) if figure["emergence"] else None
    return data


def _votes_of_older_runs(rows: dict) -> dict[int, Votes]:
    """Runs saved before contributions kept their votes: the proposals' current counts instead."""
    from consultation.models import Proposal

    missing = [r[5] for r in rows.values() if r[3] is None and r[4] != Contribution.Source.ANSWER]
    if not missing:
        return {}
    return {
        pk: Votes(agree=a, disagree=d, passed=p)
        for pk, a, d, p in Proposal.objects.filter(pk__in=missing).values_list(
            "pk", "agree_count", "disagree_count", "pass_count"
        )
    }


def _vote_counts(row: list, live: dict[int, Votes]) -> Votes | None:
    _group, _strata, _at, votes, source_type, source_id = row
    if source_type == Contribution.Source.ANSWER:
        return None
    if votes is None:
        return live.get(source_id)
    return Votes(agree=votes["agree"], disagree=votes["disagree"], passed=votes["pass"])


def rename(data: dict, key: str, label: str) -> dict:
    label = label.strip()
    if not label:
        raise SynthesisEditError(_("A theme needs a name."))
    data = copy.deepcopy(data)
    find(data, key)["label"] = label[:200]
    return data


def summarise(data: dict, key: str, summary: str) -> dict:
    """The organisers' own summary of a theme (empty: none). It replaces the generated one, which the
    report quoted as citizens' words: this one is the organisers' text, and the report says so."""
    summary = " ".join(summary.split())
    data = copy.deepcopy(data)
    entry = find(data, key)
    entry["summary"] = summary[:SUMMARY_MAX]
    entry["summary_by"] = "organisers" if summary else ""
    entry["summary_sentences"] = []
    return data


SUMMARY_MAX = 1000  # characters of an organisers' summary


def set_hidden(data: dict, key: str, hidden: bool) -> dict:
    data = copy.deepcopy(data)
    entry = find(data, key)
    entry["hidden"] = hidden
    for child in children(data, key):
        child["hidden"] = hidden
    return data


def merge(run: PipelineRun, data: dict, source: str, target: str) -> dict:
    """Fold theme `source` into theme `target` (both top-level): its sub-themes follow."""
    if source == target:
        raise SynthesisEditError(_("Choose two different themes to merge."))
    data = copy.deepcopy(data)
    a, b = find(data, source), find(data, target)
    if a["parent"] is not None or b["parent"] is not None:
        raise SynthesisEditError(_("Only themes can be merged, not sub-themes."))
    b["theme_ids"] = b["theme_ids"] + a["theme_ids"]
    # Alternate the two lists so the merged theme keeps the strongest words of both.
    longest = max(len(a["keywords"]), len(b["keywords"]))
    alternated = [kw for i in range(longest) for kw in b["keywords"][i : i + 1] + a["keywords"][i : i + 1]]
    b["keywords"] = list(dict.fromkeys(alternated))[:10]
    b["quotes"] = (b["quotes"] + a["quotes"])[:8]
    b["other"] = b["other"] and a["other"]
    b["summary"] = ""  # it described one of the two themes only
    b["summary_by"], b["summary_sentences"] = "", []
    # Sizes, shares, breakdowns, stance, trend and the emerging flag are recomputed by with_figures.
    for child in children(data, source):
        child["parent"] = target
    data["moves"] = {pk: (target if key == source else key) for pk, key in data.get("moves", {}).items()}
    data["themes"] = [t for t in data["themes"] if t["key"] != source]
    return with_figures(run, data)


def split(run: PipelineRun, data: dict, key: str) -> dict:
    """Make each sub-theme of `key` a theme of its own; what no sub-theme holds stays in `key`."""
    data = copy.deepcopy(data)
    entry = find(data, key)
    subs = children(data, key)
    if entry["parent"] is not None or not subs:
        raise SynthesisEditError(_("This theme has no sub-themes to split into."))
    for child in subs:
        child["parent"] = None
    data = with_figures(run, data)
    if find(data, key)["contributions"] == 0:
        data["themes"] = [t for t in data["themes"] if t["key"] != key]
    return data


def move(run: PipelineRun, data: dict, contribution_ids: int | list[int], key: str) -> dict:
    """Move one contribution, or several at once (one new version), to the top-level theme ``key``."""
    given = [contribution_ids] if isinstance(contribution_ids, int) else contribution_ids
    ids = sorted({int(i) for i in given})
    if not ids:
        raise SynthesisEditError(_("Choose the contributions to move."))
    if Contribution.objects.filter(run=run, pk__in=ids).count() != len(ids):
        raise SynthesisEditError(_("This contribution is not part of this analysis."))
    data = copy.deepcopy(data)
    if find(data, key)["parent"] is not None:
        raise SynthesisEditError(_("Move contributions to a theme, not to a sub-theme."))
    for contribution_id in ids:
        data.setdefault("moves", {})[str(contribution_id)] = key
    return with_figures(run, data)


def carry_over(run: PipelineRun, data: dict, previous) -> dict:
    """Version 1 of a new run with the organisers' work on ``previous`` carried over (``analysis.carry``)."""
    from .carry import carry_over as carry

    return carry(run, data, previous)
