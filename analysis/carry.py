"""A new run keeps the organisers' work: their edits on the published synthesis of an earlier run are
applied again to version 1 of the new run where the themes match clearly, and what changed is recorded
for the organiser to read before publishing.

**Matching rule.** Only contributions present in both runs (same proposal or answer) count. For every
pair (new theme, old theme) of the runs' own first-level themes (as computed, before any edit), the
overlap is the number of those contributions they share; the assignment maximising the total overlap is
found (Hungarian algorithm, ``scipy.optimize.linear_sum_assignment``), and a pair of it is a match only
when the overlap is more than ``CLEAR`` (half) of each theme's shared contributions, both ways. A theme
can therefore match at most one other, and a theme cut in two halves, or two that fused, match nothing.
Sub-themes are matched the same way inside each pair of matched themes.

**What is carried**, in this order: splits (the old theme's match is split into its own sub-themes, if it
has any), merges (the matches of the merged themes are merged, when at least two of them match), names
an organiser gave (a theme's or a sub-theme's), hidden themes, and moved contributions (moved again to
the match of the theme they were moved to, when the contribution is still analysed). Every edit that
cannot be carried is listed with its reason.
"""

from __future__ import annotations

import copy
from collections import Counter

import numpy as np
from scipy.optimize import linear_sum_assignment

from .models import Contribution, PipelineRun, Theme

CLEAR = 0.5  # a match shares more than this part of each theme's contributions present in both runs

# Reasons an edit was not carried (translated where shown: ``rerun_changes``).
THEME_GONE = "theme_gone"
NO_SUBTHEMES = "no_subthemes"
CONTRIBUTION_GONE = "contribution_gone"
TOO_FEW = "too_few_matched"


def match(new: dict[int, set], old: dict[int, set], shared: set) -> dict[int, int]:
    """New group id -> old group id: the Hungarian assignment on the overlap of their members present in
    both runs (``shared``), kept where the overlap is at least ``CLEAR`` of each side's shared members."""
    new_ids, old_ids = sorted(new), sorted(old)
    if not new_ids or not old_ids:
        return {}
    overlap = np.array([[len(new[a] & old[b] & shared) for b in old_ids] for a in new_ids], dtype=float)
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    found = {}
    for r, c in zip(rows, cols, strict=True):
        a, b = new_ids[r], old_ids[c]
        both = overlap[r, c]
        if both > CLEAR * len(new[a] & shared) and both > CLEAR * len(old[b] & shared):
            found[a] = b
    return found


def _members(run: PipelineRun) -> tuple[dict, dict[int, set], dict[int, set]]:
    """(contribution id -> source, theme id -> sources, sub-theme id -> sources) as the run computed."""
    source, themes, subthemes = {}, {}, {}
    for pk, theme, sub, source_type, source_id in Contribution.objects.filter(run=run).values_list(
        "pk", "theme", "subtheme", "source_type", "source_id"
    ):
        key = (source_type, source_id)
        source[pk] = key
        if theme is not None:
            themes.setdefault(theme, set()).add(key)
        if sub is not None:
            subthemes.setdefault(sub, set()).add(key)
    return source, themes, subthemes


def carry_over(run: PipelineRun, data: dict, previous) -> dict:
    """Version 1 of ``run`` (``data``) with the organisers' work on ``previous`` (the published version of
    an earlier run) carried over, and what changed recorded under ``"carried"``."""
    from . import synthesis

    if previous is None or previous.run_id == run.pk:
        return data
    data = copy.deepcopy(data)
    old_run, old_data = previous.run, previous.data
    old_source, old_themes, old_subs = _members(old_run)
    new_source, new_themes, new_subs = _members(run)
    shared = set(old_source.values()) & set(new_source.values())

    old_rows = {t.pk: t for t in Theme.objects.filter(run=old_run)}
    new_rows = {t.pk: t for t in Theme.objects.filter(run=run)}
    old_top = {
        pk: old_themes.get(pk, set()) for pk, t in old_rows.items() if t.parent_id is None and not t.is_other
    }
    new_top = {
        pk: new_themes.get(pk, set()) for pk, t in new_rows.items() if t.parent_id is None and not t.is_other
    }
    matched = match(new_top, old_top, shared)  # new theme pk -> old theme pk
    for new_pk, old_pk in list(matched.items()):
        new_children = {pk: new_subs.get(pk, set()) for pk, t in new_rows.items() if t.parent_id == new_pk}
        old_children = {pk: old_subs.get(pk, set()) for pk, t in old_rows.items() if t.parent_id == old_pk}
        matched.update(match(new_children, old_children, shared))
    new_of_old = {old: new for new, old in matched.items()}
    # "Other contributions" stands for itself: a move there is carried to the new run's.
    old_other = [pk for pk, t in old_rows.items() if t.is_other and t.parent_id is None]
    new_other = [pk for pk, t in new_rows.items() if t.is_other and t.parent_id is None]
    if old_other and new_other:
        new_of_old[old_other[0]] = new_other[0]

    redirect: dict[str, str] = {}  # new key merged away -> the key it was merged into

    def key_of(old_theme_pk: int) -> str | None:
        new_pk = new_of_old.get(old_theme_pk)
        if new_pk is None:
            return None
        key = f"t{new_pk}"
        while key in redirect:
            key = redirect[key]
        return key

    def present(key: str | None) -> bool:
        return key is not None and any(t["key"] == key for t in data["themes"])

    def entry_key(entry: dict) -> str | None:
        """Where an old entry stands now: the first of its themes that has a match still present."""
        return next((k for k in (key_of(pk) for pk in entry["theme_ids"]) if present(k)), None)

    old_label = {entry["key"]: entry["label"] for entry in old_data["themes"]}
    carried: list[dict] = []
    lost: list[dict] = []
    touched = False

    # Splits: a published first-level entry that was a sub-theme of the old run.
    split_parents = []
    for entry in synthesis.top_level(old_data):
        row = old_rows.get(entry["theme_ids"][0])
        if row is not None and row.parent_id is not None and row.parent_id not in split_parents:
            split_parents.append(row.parent_id)
    for parent in split_parents:
        label = old_rows[parent].label
        key = key_of(parent)
        if not present(key):
            lost.append({"edit": "split", "label": label, "reason": THEME_GONE})
        elif not synthesis.children(data, key):
            lost.append({"edit": "split", "label": label, "reason": NO_SUBTHEMES})
        else:
            data = synthesis.split(run, data, key)
            carried.append({"edit": "split", "label": label})
            touched = True

    # Merges: a published first-level entry holding several of the old run's themes.
    for entry in synthesis.top_level(old_data):
        if len(entry["theme_ids"]) < 2:
            continue
        keys = list(dict.fromkeys(k for k in (key_of(pk) for pk in entry["theme_ids"]) if present(k)))
        keys = [k for k in keys if synthesis.find(data, k)["parent"] is None]
        if len(keys) < 2:
            lost.append({"edit": "merge", "label": entry["label"], "reason": TOO_FEW})
            continue
        target = keys[0]
        for source in keys[1:]:
            data = synthesis.merge(run, data, source, target)
            redirect[source] = target
        carried.append({"edit": "merge", "label": entry["label"], "count": len(keys)})
        if len(keys) < len(entry["theme_ids"]):
            lost.append({"edit": "merge_part", "label": entry["label"], "reason": THEME_GONE})
        touched = True

    # Names and hidden themes, on the entry that stands for the old entry's first theme.
    for entry in old_data["themes"]:
        row = old_rows.get(entry["theme_ids"][0])
        if row is None or row.is_other:
            continue
        renamed = entry["label"] and entry["label"] != row.label
        summarised = entry.get("summary_by") == "organisers"  # their own text, not the run's
        if not renamed and not summarised and not (entry["hidden"] and entry["parent"] is None):
            continue
        key = entry_key(entry)
        if key is None:
            if summarised:
                lost.append({"edit": "summary", "label": entry["label"], "reason": THEME_GONE})
            if renamed:
                lost.append({"edit": "rename", "label": entry["label"], "reason": THEME_GONE})
            if entry["hidden"] and entry["parent"] is None:
                lost.append({"edit": "hide", "label": entry["label"], "reason": THEME_GONE})
            continue
        if renamed:
            data = synthesis.rename(data, key, entry["label"])
            carried.append({"edit": "rename", "label": entry["label"]})
        if summarised:
            data = synthesis.summarise(data, key, entry["summary"])
            carried.append({"edit": "summary", "label": entry["label"]})
        if entry["hidden"] and entry["parent"] is None and synthesis.find(data, key)["parent"] is None:
            data = synthesis.set_hidden(data, key, True)
            carried.append({"edit": "hide", "label": entry["label"]})

    # Moves: to the entry that stands for the theme the contribution was moved to.
    by_source = {src: pk for pk, src in new_source.items()}
    old_entry = {entry["key"]: entry for entry in old_data["themes"]}
    moved = 0
    for old_pk, old_key in old_data.get("moves", {}).items():
        label = old_label.get(old_key, "")
        new_pk = by_source.get(old_source.get(int(old_pk)))
        target = old_entry.get(old_key)
        key = entry_key(target) if target else None
        if new_pk is None:
            lost.append(
                {"edit": "move", "label": label, "reason": CONTRIBUTION_GONE, "contribution": int(old_pk)}
            )
        elif not present(key) or synthesis.find(data, key)["parent"] is not None:
            lost.append({"edit": "move", "label": label, "reason": THEME_GONE, "contribution": int(old_pk)})
        else:
            data.setdefault("moves", {})[str(new_pk)] = key
            moved += 1
    if moved:
        carried.append({"edit": "move", "count": moved})
        touched = True

    # What changed between the two syntheses, on the first-level themes as computed.
    old_theme_of = {src: pk for pk, members in old_top.items() for src in members}
    changed = Counter()
    for pk, members in new_top.items():
        for src in members & shared:
            changed[matched.get(pk) == old_theme_of.get(src)] += 1
    data["carried"] = {
        "version": previous.number,
        "run": old_run.pk,
        "rule": CLEAR,
        "carried": carried,
        "not_carried": lost,
        "new_themes": [new_rows[pk].label for pk in new_top if pk not in matched],
        "vanished": [_published_label(old_data, pk, old_rows) for pk in old_top if pk not in new_of_old],
        "matched": sum(1 for pk in new_top if pk in matched),
        "changed_theme": changed[False],
        "shared": len(shared),
        "new_contributions": len(set(new_source.values()) - shared),
        "gone_contributions": len(set(old_source.values()) - shared),
    }
    return synthesis.with_figures(run, data) if touched else data


def _published_label(data: dict, theme_pk: int, rows: dict) -> str:
    """The name the published version gave an old theme (an organiser's, if renamed)."""
    for entry in data["themes"]:
        if entry["theme_ids"] and entry["theme_ids"][0] == theme_pk:
            return entry["label"]
    return rows[theme_pk].label
