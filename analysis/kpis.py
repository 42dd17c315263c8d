"""Who took part, and what became of it: the figures of the organisers' dashboard (issue 21).

``kpis(consultation)`` computes every figure of one consultation (or, with None, across every
consultation) as one JSON-ready dict; the dashboard page, its CSV downloads (``csv_tables``) and
``manage.py kpis --json`` all read that one dict, so they never disagree.

The pure part (``weekly_rows``, ``representativeness``) takes plain counts and is tested on hand-computed
data; the selectors below it read the database.

Definitions (also stated on the page):

- a *participant* is a person who answered the questionnaire, submitted a proposal or voted; people
  imported with their contributions (Pol.is, a CSV file) count under their pseudonymous key (the
  definition of ``consultation.participants``, which the pages count with; tests/consultation/
  test_closing.py checks both agree);
- a *contribution* is an answer to a question or a proposal; weeks are ISO weeks (Monday first);
- a *returning* participant took part in more than one week (of this consultation, or of any), and a
  participant *in several consultations* took part in more than one;
- *reached a published theme*: of the contributions the published synthesis analysed, those that sit in
  a theme the public sees (not hidden, not "Other");
- *representativeness*: for each profile question, among the participants with an account who answered
  it, the share of each answer next to the reference population's share (INSEE, shipped with the
  sortition core, ``deliberation.strata``); the index is 1 - total variation distance
  (1 - ½ Σ |participants' share - reference share|, over the answers the reference counts), 1 being a
  perfect likeness; small cells are hidden by the one rule of every breakdown
  (``pipeline.synthesise.hidden_cells``, fewer than ``MIN_CELL`` people).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile
from accounts.strata import STRATA_FIELDS, STRATA_VALUES, category_label, value_label
from consultation.adoption import adoption_by_source
from consultation.languages import fallback_language
from consultation.models import Answer, Consultation, Proposal, Vote
from deliberation import selectors as deliberation_selectors
from deliberation.strata import REFERENCE_SOURCES, population_margins
from textsafety.disclosure import MIN_CELL, hidden_cells

from .models import Contribution, PublishedSynthesis
from .synthesis import membership_of
from .trace import public_entries

#: How many of the most under-represented groups of each stratum are named.
UNDER_REPRESENTED_SHOWN = 3
#: The representativeness index is given to 2 decimals (a whole percentage on the page).
INDEX_DECIMALS = 2

# ------------------------------------------------------------------------------------------------ pure


def week_of(moment: dt.date | dt.datetime) -> dt.date:
    """The Monday of the ISO week holding ``moment``."""
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return day - dt.timedelta(days=day.weekday())


def weekly_rows(
    activity: Iterable[tuple[str, dt.date]], counts: Mapping[str, Mapping[dt.date, int]]
) -> list[dict]:
    """One row per week from the first to the last active one (quiet weeks included, at zero):
    participants (distinct keys of ``activity``, (key, week) pairs) and the ``counts`` of each kind
    ({"answers": {week: n}, "proposals": ..., "votes": ...})."""
    people: dict[dt.date, set[str]] = defaultdict(set)
    for key, week in activity:
        people[week].add(key)
    weeks = set(people)
    for per_week in counts.values():
        weeks |= {w for w, n in per_week.items() if n}
    if not weeks:
        return []
    rows = []
    week, last = min(weeks), max(weeks)
    while week <= last:
        row = {"week": week.isoformat(), "participants": len(people.get(week, ()))}
        for kind in ("answers", "proposals", "votes"):
            row[kind] = int(counts.get(kind, {}).get(week, 0))
        row["contributions"] = row["answers"] + row["proposals"]
        rows.append(row)
        week += dt.timedelta(days=7)
    return rows


def representativeness(
    counts: Mapping[str, int],
    reference: Mapping[str, float] | None,
    *,
    min_cell: int = MIN_CELL,
    shown: int = UNDER_REPRESENTED_SHOWN,
    all_values: Iterable[str] = (),
) -> dict:
    """One stratum: ``counts`` of participants per value, next to the ``reference`` shares (None: no
    reference is shipped for this stratum; then every one of ``all_values`` is listed, at 0 if nobody
    gave it).

    Returns {"respondents", "groups": [{"value", "count", "share", "reference_share", "ratio",
    "suppressed", "small"}], "index", "index_hidden", "under_represented": [value, ...]}. Every value of the
    reference is listed, then the others; a hidden cell (``hidden_cells``) has no count, share nor
    ratio. When fewer than ``min_cell`` people answered, every cell and the index are hidden. The index
    is 1 - total variation distance between the participants' and the reference's shares, over the
    participants who gave a value the reference counts, to ``INDEX_DECIMALS`` decimals; when a cell is
    hidden it is shown only if its last decimal stands for at least ``min_cell`` people (else
    ``index_hidden``). The under-represented groups are those whose share is below the reference's, the
    lowest ratio (share / reference share) first, at most ``shown``."""
    reference = dict(reference or {})
    listed = list(reference) + [v for v in all_values if v not in reference and not reference]
    values = listed + sorted(v for v in counts if v not in listed)
    full = {v: int(counts.get(v, 0)) for v in values}
    respondents = sum(full.values())
    hidden = set(full) if respondents < min_cell else hidden_cells(full, min_cell=min_cell)
    in_reference = sum(full[v] for v in reference)
    ratios = {
        v: (full[v] / in_reference) / share for v, share in reference.items() if share > 0 and in_reference
    }
    groups = []
    for value in values:
        visible = value not in hidden
        groups.append(
            {
                "value": value,
                "count": full[value] if visible else None,
                "share": full[value] / respondents if visible and respondents else None,
                "reference_share": reference.get(value),
                "ratio": round(ratios[value], 3) if visible and value in ratios else None,
                "suppressed": not visible,
                # Hidden for its own size, not only so that a smaller group's count cannot be worked out.
                "small": not visible and full[value] < min_cell,
            }
        )
    index, index_hidden = None, False
    if reference and in_reference >= min_cell:
        distance = 0.5 * sum(abs(full[v] / in_reference - share) for v, share in reference.items())
        # With a hidden cell, the index could give its count away (two values: the index alone solves
        # it). A step of its last decimal moves at least one person per 1/N: it is shown only when that
        # step stands for at least `min_cell` people, so no hidden count is pinned down closer than that.
        if hidden & set(reference) and in_reference * 10**-INDEX_DECIMALS < min_cell:
            index_hidden = True
        else:
            index = round(1 - distance, INDEX_DECIMALS)
    under = (
        [v for _ratio, v in sorted((r, v) for v, r in ratios.items() if r < 1)][:shown]
        if in_reference >= min_cell
        else []
    )
    return {
        "respondents": respondents,
        "groups": groups,
        "index": index,
        "index_hidden": index_hidden,
        "under_represented": under,
    }


# ------------------------------------------------------------------------------------------- selectors


def _scoped(queryset, field: str, consultation: Consultation | None):
    return queryset if consultation is None else queryset.filter(**{field: consultation})


def _activity(consultation: Consultation | None) -> list[tuple[str, int, dt.date]]:
    """(participant key, consultation id, week) for every act of taking part, distinct."""
    week = TruncWeek("created_at")
    rows: set[tuple[str, int, dt.date]] = set()
    answers = _scoped(Answer.objects, "question__consultation", consultation).annotate(w=week)
    answers = answers.values_list("user_id", "question__consultation_id", "w").distinct()
    for user_id, consultation_id, moment in answers:
        rows.add((f"u{user_id}", consultation_id, week_of(moment)))
    proposals = (
        _scoped(Proposal.objects, "consultation", consultation).exclude(author_key="").annotate(w=week)
    )
    for key, consultation_id, moment in proposals.values_list(
        "author_key", "consultation_id", "w"
    ).distinct():
        rows.add((key, consultation_id, week_of(moment)))
    votes = _scoped(Vote.objects, "proposal__consultation", consultation).annotate(w=week)
    for key, consultation_id, moment in votes.values_list(
        "participant_key", "proposal__consultation_id", "w"
    ).distinct():
        rows.add((key, consultation_id, week_of(moment)))
    return sorted(rows)


def _counts_per_week(consultation: Consultation | None) -> dict[str, dict[dt.date, int]]:
    counts: dict[str, dict[dt.date, int]] = {}
    for kind, queryset, field in (
        ("answers", Answer.objects, "question__consultation"),
        ("proposals", Proposal.objects, "consultation"),
        ("votes", Vote.objects, "proposal__consultation"),
    ):
        per_week: Counter = Counter()
        rows = _scoped(queryset, field, consultation).annotate(w=TruncWeek("created_at"))
        for moment, n in rows.order_by().values("w").annotate(n=Count("id")).values_list("w", "n"):
            per_week[week_of(moment)] += n
        counts[kind] = dict(per_week)
    return counts


def _participating_profiles(consultation: Consultation | None):
    """The profiles of the participants with an account (answers, own proposals, votes)."""
    scope = Consultation.objects.all() if consultation is None else [consultation]
    took_part = (
        Q(Exists(Answer.objects.filter(user_id=OuterRef("user_id"), question__consultation__in=scope)))
        | Q(Exists(Proposal.objects.filter(author_id=OuterRef("user_id"), consultation__in=scope)))
        | Q(Exists(Vote.objects.filter(user_id=OuterRef("user_id"), proposal__consultation__in=scope)))
    )
    return Profile.objects.filter(took_part)


def _strata(consultation: Consultation | None, activity_keys: set[str]) -> dict:
    margins = population_margins()
    counts: dict[str, Counter] = {field: Counter() for field in STRATA_FIELDS}
    profiled = 0
    for row in _participating_profiles(consultation).values_list(*STRATA_FIELDS).iterator():
        if any(row):
            profiled += 1
        for field, value in zip(STRATA_FIELDS, row, strict=True):
            if value:
                counts[field][value] += 1
    strata = []
    for field in STRATA_FIELDS:
        figures = representativeness(
            counts[field], margins.get(field), all_values=[v for v, _label in STRATA_VALUES[field]]
        )
        source = REFERENCE_SOURCES.get(field)
        for group in figures["groups"]:
            group["label"] = value_label(field, group["value"])
        strata.append(
            {
                "stratum": field,
                "label": category_label(field),
                **figures,
                "under_represented_labels": [value_label(field, v) for v in figures["under_represented"]],
                "reference_source": source[0] if source and field in margins else None,
                "reference_year": source[1] if source and field in margins else None,
                "reference_approximate": bool(source and source[2]) if field in margins else None,
            }
        )
    return {
        "min_cell": MIN_CELL,
        "participants_with_account": sum(1 for key in activity_keys if key.startswith("u")),
        "participants_with_profile": profiled,
        "strata": strata,
    }


def _themes(consultation: Consultation | None) -> dict:
    published = PublishedSynthesis.objects.select_related("version")
    if consultation is not None:
        published = published.filter(consultation=consultation)
    analysed = reached = 0
    for synthesis in published:
        data = synthesis.version.data
        rows = Contribution.objects.filter(run_id=synthesis.version.run_id).values_list(
            "pk", "theme_id", "subtheme_id"
        )
        members = membership_of(rows, data)
        themes = {e["key"] for e in public_entries(data) if not e["other"]}
        analysed += len(members)
        reached += sum(1 for top, _sub in members.values() if top in themes)
    return {
        "published_syntheses": len(published),
        "analysed": analysed,
        "reached_published_theme": reached,
        "share": reached / analysed if analysed else None,
    }


def _panels(consultation: Consultation | None) -> dict:
    recommendations = deliberation_selectors.adopted_recommendations()
    if consultation is not None:
        recommendations = recommendations.filter(panel__consultation=consultation)
    follow_ups = [deliberation_selectors.follow_up(r) for r in recommendations]
    figures = deliberation_selectors.adoption_figures(follow_ups)
    from deliberation.models import Panel

    panels = Panel.objects.all() if consultation is None else Panel.objects.filter(consultation=consultation)
    return {
        "panels": panels.count(),
        "overdue_after_days": deliberation_selectors.overdue_after_days(),
        **figures.as_dict(),
    }


def _adoption(consultation: Consultation | None) -> dict:
    """The adoption figures per source (panel recommendations, consultation proposals, themes) and
    overall, from the one rule the follow-up page and ``adoption_report --json`` read
    (``consultation.adoption.adoption_by_source``): the same keys as ``adoption_report``."""
    reports, overall = adoption_by_source(consultation)
    return {
        "by_source": {report.source.key: report.figures.as_dict() for report in reports},
        "overall": overall.as_dict(),
    }


def kpis(consultation: Consultation | None = None) -> dict:
    """Every figure of the dashboard, for one consultation or (None) across every consultation."""
    activity = _activity(consultation)
    keys = {key for key, _c, _w in activity}
    weeks_of: dict[str, set[dt.date]] = defaultdict(set)
    consultations_of: dict[str, set[int]] = defaultdict(set)
    for key, consultation_id, week in activity:
        weeks_of[key].add(week)
        consultations_of[key].add(consultation_id)
    # "In several consultations": for one consultation, this one and at least one other.
    everywhere = consultations_of if consultation is None else _consultations_per_key()
    several = sum(1 for key in keys if len(everywhere.get(key, ())) > 1)
    counts = _counts_per_week(consultation)
    totals = {kind: sum(per_week.values()) for kind, per_week in counts.items()}
    returning = sum(1 for weeks in weeks_of.values() if len(weeks) > 1)
    result = {
        "scope": {
            "consultation": consultation.slug if consultation else None,
            "title": consultation.title if consultation else None,
            "computed_at": timezone.now().isoformat(timespec="seconds"),
        },
        "participation": {
            "participants": len(keys),
            "contributions": totals["answers"] + totals["proposals"],
            "answers": totals["answers"],
            "proposals": totals["proposals"],
            "votes": totals["votes"],
            "returning_participants": returning,
            "returning_share": returning / len(keys) if keys else None,
            "several_consultations": several,
            "several_consultations_share": several / len(keys) if keys else None,
        },
        "weeks": weekly_rows(((k, w) for k, _c, w in activity), counts),
        "themes": _themes(consultation),
        "representativeness": _strata(consultation, keys),
        "panels": _panels(consultation),
        "adoption": _adoption(consultation),
    }
    if consultation is None:
        result["consultations"] = _per_consultation(activity, consultations_of)
    return result


def _consultations_per_key() -> dict[str, set[int]]:
    """Participant key -> the consultations they took part in, over every consultation."""
    result: dict[str, set[int]] = defaultdict(set)
    for user_id, consultation_id in Answer.objects.values_list(
        "user_id", "question__consultation_id"
    ).distinct():
        result[f"u{user_id}"].add(consultation_id)
    proposals = Proposal.objects.exclude(author_key="").values_list("author_key", "consultation_id")
    votes = Vote.objects.values_list("participant_key", "proposal__consultation_id")
    for rows in (proposals, votes):
        for key, consultation_id in rows.distinct():
            result[key].add(consultation_id)
    return result


def _per_consultation(activity, consultations_of) -> list[dict]:
    people: dict[int, set[str]] = defaultdict(set)
    for key, consultation_id, _week in activity:
        people[consultation_id].add(key)
    return [
        {
            "consultation": c.slug,
            "title": c.title,
            "title_language": fallback_language(c, "title"),  # marked on the page when not its language
            "phase": c.phase,
            "phase_label": str(c.get_phase_display()),
            "participants": len(people.get(c.pk, ())),
        }
        for c in Consultation.objects.order_by("-created_at", "-id")
    ]


# ----------------------------------------------------------------------------------------- CSV tables


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def csv_tables(figures: dict) -> dict[str, tuple[list[str], list[dict]]]:
    """Every figure of ``kpis`` as downloadable tables: name -> (columns, rows)."""
    p, t = figures["participation"], figures["themes"]
    summary = [
        {"figure": name, "value": value}
        for name, value in (
            ("participants", p["participants"]),
            ("contributions", p["contributions"]),
            ("answers", p["answers"]),
            ("proposals", p["proposals"]),
            ("votes", p["votes"]),
            ("returning_participants", p["returning_participants"]),
            ("returning_percent", _percent(p["returning_share"])),
            ("several_consultations", p["several_consultations"]),
            ("several_consultations_percent", _percent(p["several_consultations_share"])),
            ("published_syntheses", t["published_syntheses"]),
            ("contributions_analysed", t["analysed"]),
            ("contributions_in_published_theme", t["reached_published_theme"]),
            ("contributions_in_published_theme_percent", _percent(t["share"])),
        )
    ]
    panels = [
        {
            "figure": name,
            "value": _percent(value) if name.endswith("_rate") or name.endswith("_share") else value,
        }
        for name, value in figures["panels"].items()
    ]
    by_source = figures["adoption"]["by_source"]
    adoption = [
        {"source": key, **values, "adoption_percent": _percent(values["adoption_rate"])}
        for key, values in [*by_source.items(), ("overall", figures["adoption"]["overall"])]
    ]
    not_shown = _("fewer than %(min_cell)s (not shown)") % {
        "min_cell": figures["representativeness"]["min_cell"]
    }
    # The second group hidden so that the smaller one's count cannot be worked out is not "fewer than 10".
    not_shown_complement = _("not shown (it would give away a smaller group)")
    strata = []
    for stratum in figures["representativeness"]["strata"]:
        for group in stratum["groups"]:
            strata.append(
                {
                    "stratum": stratum["stratum"],
                    "stratum_label": stratum["label"],
                    "value": group["value"],
                    "label": group["label"],
                    "participants": (
                        group["count"]
                        if not group["suppressed"]
                        else not_shown
                        if group["small"]
                        else not_shown_complement
                    ),
                    "participants_percent": _percent(group["share"]),
                    "reference_percent": _percent(group["reference_share"]),
                    "ratio": group["ratio"],
                    "under_represented": group["value"] in stratum["under_represented"],
                    "respondents": stratum["respondents"],
                    "index": stratum["index"],
                    "reference_source": stratum["reference_source"] or "",
                    "reference_year": stratum["reference_year"] or "",
                }
            )
    tables = {
        "summary": (["figure", "value"], summary),
        "weeks": (
            ["week", "participants", "contributions", "answers", "proposals", "votes"],
            figures["weeks"],
        ),
        "representativeness": (
            [
                "stratum",
                "stratum_label",
                "value",
                "label",
                "participants",
                "participants_percent",
                "reference_percent",
                "ratio",
                "under_represented",
                "respondents",
                "index",
                "reference_source",
                "reference_year",
            ],
            strata,
        ),  # fmt: skip
        "panels": (["figure", "value"], panels),
        "adoption": (
            [
                "source",
                "items",
                "answered",
                "adopted",
                "partly_adopted",
                "rejected",
                "under_study",
                "pending",
                "adoption_percent",
                "median_answer_delay_days",
                "late_answers",
                "missed_deadlines",
            ],
            adoption,
        ),  # fmt: skip
    }
    if "consultations" in figures:
        tables["consultations"] = (
            ["consultation", "title", "phase_label", "participants"],
            figures["consultations"],
        )
    return tables
