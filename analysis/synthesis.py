"""Signed-off syntheses: the data of a ``SynthesisVersion`` and the edits that make the next one.

A version's ``data`` is self-contained, so a published version reads the same forever::

    {"themes": [{"key": "t12", "theme_ids": [12], "parent": null, "label": "...", "hidden": false,
                 "other": false, "keywords": [...], "quotes": [{"id": position, "text": ...}],
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

from django.utils.translation import gettext as _

from .models import Contribution, PipelineRun, Theme


class SynthesisEditError(ValueError):
    """An edit that cannot be applied; the message is shown to the organiser."""


def theme_key(theme: Theme) -> str:
    return f"t{theme.pk}"


def _entry(theme: Theme, parent: str | None) -> dict:
    return {
        "key": theme_key(theme),
        "theme_ids": [theme.pk],
        "parent": parent,
        "label": theme.label,
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
    return with_counts(run, data)


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
    top_of: dict[int, str] = {}
    sub_of: dict[int, str] = {}
    for entry in data["themes"]:
        target = top_of if entry["parent"] is None else sub_of
        for theme_id in entry["theme_ids"]:
            target[theme_id] = entry["key"]
    moves = {int(k): v for k, v in data.get("moves", {}).items()}
    result: dict[int, tuple[str | None, str | None]] = {}
    for pk, theme_id, subtheme_id in Contribution.objects.filter(run=run).values_list(
        "pk", "theme", "subtheme"
    ):
        if pk in moves:
            result[pk] = (moves[pk], None)
            continue
        top = top_of.get(subtheme_id) or top_of.get(theme_id)
        sub = sub_of.get(subtheme_id)
        result[pk] = (top, sub)
    return result


def with_counts(run: PipelineRun, data: dict) -> dict:
    """Recompute sizes and shares from the membership (after a move, merge or split)."""
    members = membership(run, data)
    groups = dict(Contribution.objects.filter(run=run).values_list("pk", "duplicate_group"))
    all_counts: Counter = Counter()
    distinct: dict[str, set[int]] = {}
    for pk, keys in members.items():
        for key in keys:
            if key is not None:
                all_counts[key] += 1
                distinct.setdefault(key, set()).add(groups[pk])
    total_distinct = len(set(groups.values())) or 1
    for entry in data["themes"]:
        entry["contributions"] = all_counts.get(entry["key"], 0)
        entry["size"] = len(distinct.get(entry["key"], ()))
        entry["share"] = entry["size"] / total_distinct
    return data


def _sum_cells(a: dict, b: dict) -> dict:
    # A cell suppressed on either side stays suppressed: a merge must not reveal a small count.
    merged = {}
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key, 0), b.get(key, 0)
        merged[key] = None if x is None or y is None else x + y
    return merged


def rename(data: dict, key: str, label: str) -> dict:
    label = label.strip()
    if not label:
        raise SynthesisEditError(_("A theme needs a name."))
    data = copy.deepcopy(data)
    find(data, key)["label"] = label[:200]
    return data


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
    b["emerging"] = b["emerging"] or a["emerging"]
    b["breakdown"] = {
        variable: _sum_cells(b["breakdown"].get(variable, {}), a["breakdown"].get(variable, {}))
        for variable in sorted(set(b["breakdown"]) | set(a["breakdown"]))
    }
    b["trend"] = {
        w: b["trend"].get(w, 0) + a["trend"].get(w, 0) for w in sorted(set(b["trend"]) | set(a["trend"]))
    }
    if a["stance"] or b["stance"]:
        totals = {
            k: (a["stance"].get(k) or 0) + (b["stance"].get(k) or 0) for k in ("agree", "disagree", "pass")
        }
        decided = totals["agree"] + totals["disagree"]
        b["stance"] = {**totals, "agreement": totals["agree"] / decided if decided else None}
    if a.get("weighted_share") is not None and b.get("weighted_share") is not None:
        b["weighted_share"] = a["weighted_share"] + b["weighted_share"]
    for child in children(data, source):
        child["parent"] = target
    data["moves"] = {pk: (target if key == source else key) for pk, key in data.get("moves", {}).items()}
    data["themes"] = [t for t in data["themes"] if t["key"] != source]
    return with_counts(run, data)


def split(run: PipelineRun, data: dict, key: str) -> dict:
    """Make each sub-theme of `key` a theme of its own; what no sub-theme holds stays in `key`."""
    data = copy.deepcopy(data)
    entry = find(data, key)
    subs = children(data, key)
    if entry["parent"] is not None or not subs:
        raise SynthesisEditError(_("This theme has no sub-themes to split into."))
    for child in subs:
        child["parent"] = None
    data = with_counts(run, data)
    if find(data, key)["contributions"] == 0:
        data["themes"] = [t for t in data["themes"] if t["key"] != key]
    return data


def move(run: PipelineRun, data: dict, contribution_id: int, key: str) -> dict:
    if not Contribution.objects.filter(run=run, pk=contribution_id).exists():
        raise SynthesisEditError(_("This contribution is not part of this analysis."))
    data = copy.deepcopy(data)
    if find(data, key)["parent"] is not None:
        raise SynthesisEditError(_("Move contributions to a theme, not to a sub-theme."))
    data.setdefault("moves", {})[str(contribution_id)] = key
    return with_counts(run, data)
