"""What the public report, its exports and the "what became of my contribution" page show, computed
from one signed-off version (the published one for the public)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consultation.publish import public_text, scrub_text
from textsafety.disclosure import MIN_CELL

from . import selectors
from .models import Contribution, PublishedSynthesis, SynthesisVersion
from .opinion import plain_share
from .pipeline import typography
from .presenters import OTHER_COLOUR, theme_colours
from .synthesis import membership, membership_of, top_level


def stratum_labels(variable: str) -> tuple[str, dict]:
    """Translated name and category labels of a profile stratum (imported strata keep their own), from the
    one mapping of stratum codes to words (`accounts.strata`)."""
    from accounts.strata import STRATA_VALUES, category_label

    return category_label(variable), {value: str(label) for value, label in STRATA_VALUES.get(variable, [])}


def theme_label(entry: dict) -> str:
    return entry["label"] or _("Other contributions")


def theme_language(entry: dict, sample: list[str] | None = None) -> str:
    """The language of a theme's (or a sub-theme's) own text: its title, summary, keywords and the quotes
    whose proposal's language is not recorded. The pipeline's one rule (``typography.theme_language``)
    over its title, summary and quotes; a sub-theme without quotes of its own reads its parent's
    (``sample``), as the pipeline did. Every page that shows theme text marks it with this (``lang_attr``),
    so a French theme on the English pages is read with a French voice (WCAG 3.1.2)."""
    quotes = [q.get("text") or "" for q in entry.get("quotes") or []]
    return typography.theme_language(
        entry.get("label") or "", entry.get("summary") or "", quotes or sample or []
    )


def grouped_in_theme(entry: dict):
    """ "Grouped in the theme “…”" for a page (the trace of a contribution), the title in a ``<span lang>``
    of the theme's language (``title_language``): escaped, safe to show."""
    from django.utils.html import format_html

    from consultation.languages import in_its_language

    # The translated sentence is the format (no brace in it); the title goes in escaped, in its <span>.
    sentence = _("Grouped in the theme “%(theme)s”") % {"theme": "{}"}
    return format_html(sentence, in_its_language(theme_label(entry), title_language(entry)))


def title_language(entry: dict, sample: list[str] | None = None) -> str:
    """The language of ``theme_label(entry)``: the theme's (``theme_language``), or "" for the unnamed
    "Other contributions", which the interface writes in the page's own language."""
    return theme_language(entry, sample) if entry.get("label") else ""


def rounded_percents(shares: list[float | None]) -> list[int | None]:
    """Whole percentages that add up to 100 (largest remainder), so the shares a reader adds up do not
    make 99 %; None stays None (no figure). Equal shares always get equal percentages: when the points
    left over cannot go to every one of a set of equal shares, that set gets none, and the total can then
    miss 100 by a point or two (the page says so)."""
    known = [(i, max(0.0, s)) for i, s in enumerate(shares) if s is not None]
    total = sum(s for _i, s in known)
    if not known or total <= 0:
        return [None if s is None else 0 for s in shares]
    exact = {i: 100 * s / total for i, s in known}
    result: list[int | None] = [None] * len(shares)
    for i, value in exact.items():
        result[i] = int(value)
    left = 100 - sum(int(v) for v in exact.values())
    # Items with the same share (to rounding noise) form one unit that moves up together.
    units: dict[float, list[int]] = {}
    for i, value in exact.items():
        units.setdefault(round(value, 9), []).append(i)
    order = sorted(units.items(), key=lambda kv: (-round(kv[0] - int(kv[0]), 9), -len(kv[1]), -kv[0]))
    for _value, members in order:
        if left <= 0:
            break
        if len(members) <= left:
            for i in members:
                result[i] += 1
            left -= len(members)
    return result


def drop_quotes_no_longer_public(
    version: SynthesisVersion, themes: list[dict], rows: list[dict] | None = None
) -> None:
    """A quote stored in a version whose contribution has since been hidden by moderators, deleted with
    its author's account, or flagged for a health condition, is no longer shown. ``rows``: the version's
    ``contributions_table`` if the caller has read it already."""
    rows = contributions_table(version) if rows is None else rows
    public = {r["contribution"] for r in rows if r["public"]}
    cut = {r["contribution"] for r in rows if r.get("truncated")}
    for theme in themes:  # a quote's id is its contribution's; its text goes through the one exit too
        quotes = [{**q, "text": public_text(q.get("text") or "")} for q in theme.get("quotes", [])]
        theme["quotes"] = [q for q in quotes if q.get("id") in public and q["text"]]
        for quote in theme["quotes"]:  # one contribution each, whole, or ending on a visible ellipsis
            if quote["id"] in cut:
                quote["text"] += " […]"


def attach_quote_languages(version: SynthesisVersion, themes: list[dict], rows: list[dict]) -> None:
    """Each quote gets the ``language`` its proposal was recorded in ("" for an answer to an open
    question, or a proposal whose language is not known), so the page marks it (``lang_attr``)."""
    proposal_of = {
        r["contribution"]: r["source_id"] for r in rows if r["source_type"] != Contribution.Source.ANSWER
    }
    quotes = [q for theme in themes for q in theme.get("quotes", [])]
    languages = selectors.proposal_languages(
        version.run.consultation, {proposal_of.get(q.get("id")) for q in quotes}
    )
    for theme in themes:  # not recorded (an answer, an older proposal): the theme's own language
        for quote in theme.get("quotes", []):
            quote["language"] = languages.get(proposal_of.get(quote.get("id")), "") or theme.get(
                "language", ""
            )


def percent_totals(version: SynthesisVersion) -> dict[str, int]:
    """Of the rounded shares of all the themes: the total (100 unless equal shares kept it off) and the
    part held by the themes the organisers left out of the public synthesis."""
    every = top_level(version.data)
    percents = rounded_percents([t.get("share") for t in every])
    return {
        "total": sum(p or 0 for p in percents),
        "hidden": sum(p or 0 for t, p in zip(every, percents, strict=True) if t["hidden"]),
    }


def rank(entry: dict) -> tuple:
    """The one order of themes and sub-themes everywhere: by distinct contributions (the base of every
    share, breakdown and trend), largest first, "Other" last; ties by all contributions, then in the order
    the themes were made (their key "t<id>" compared by number: as text "t10" would come before "t9")."""
    digits = "".join(c for c in entry["key"] if c.isdigit())
    made = int(digits) if digits else 0
    return (entry["other"], -entry.get("size", 0), -entry.get("contributions", 0), made, entry["key"])


def ranked_entries(data: dict) -> list[dict]:
    """Every entry of a version, top-level themes in ``rank`` order, each followed by its sub-themes."""
    result = []
    for theme in sorted(top_level(data), key=rank):
        result.append(theme)
        result.extend(sorted((t for t in data["themes"] if t["parent"] == theme["key"]), key=rank))
    return result


def visible_themes(version: SynthesisVersion) -> list[dict]:
    """Top-level themes shown to the public, in the order of ``rank``, each with its sub-themes.

    Counts: ``contributions`` counts every text (copies of a campaign included), ``size`` the distinct
    contributions (a group of copies once), which is the base of the shares, the breakdowns and the trend.
    ``percent`` is the share rounded so that all the themes' shares (hidden ones included) add up to 100."""
    data = version.data
    every = top_level(data)
    for key in ("share", "weighted_share"):
        for theme, percent in zip(every, rounded_percents([t.get(key) for t in every]), strict=True):
            theme[key.replace("share", "percent")] = percent
    themes = [t for t in every if not t["hidden"]]
    # Ranked by distinct contributions, the base of the shares: a campaign's copies do not lift a theme
    # above one with a larger share.
    themes.sort(key=rank)
    colours = theme_colours(len([t for t in themes if not t["other"]]))
    for number, theme in enumerate(themes, start=1):
        theme["number"] = number
        # Labels, keywords and summaries are drawn from the contributions: through the exit too (a summary
        # that repeats someone's health disclosure is left out).
        theme["label"], theme["summary"] = (
            scrub_text(theme.get("label")),
            public_text(theme.get("summary") or "") or "",
        )
        theme["keywords"] = [scrub_text(k) for k in theme.get("keywords") or []]
        theme["display_label"] = theme_label(theme)
        theme["language"], theme["label_language"] = theme_language(theme), title_language(theme)
        quoted = [q.get("text") or "" for q in theme.get("quotes") or []]
        theme["colour"], theme["marker"] = OTHER_COLOUR if theme["other"] else colours[number - 1]
        theme["subthemes"] = sorted(
            (
                {
                    **s,
                    "display_label": scrub_text(theme_label(s)),
                    "language": theme_language(s, quoted),
                    "label_language": title_language(s, quoted),
                }
                for s in data["themes"]
                if s["parent"] == theme["key"] and not s["hidden"]
            ),
            key=rank,
        )
        # Members in none of the sub-themes shown, so the sub-theme counts add up to the theme's.
        in_subthemes = sum(s["contributions"] for s in theme["subthemes"])
        theme["not_in_subtheme"] = max(0, theme["contributions"] - in_subthemes) if theme["subthemes"] else 0
        theme["breakdown_rows"] = []
        theme["breakdown_hidden"] = []  # variables whose every group is too small: one line, no table
        for variable, cells in sorted(theme.get("breakdown", {}).items()):
            if cells:
                name, categories = stratum_labels(variable)
                if all(n is None for n in cells.values()):
                    theme["breakdown_hidden"].append(name)
                    continue
                shown = {c: hidden_note() if n is None else n for c, n in cells.items()}
                rows = [(str(categories.get(c, c)), n) for c, n in sorted(shown.items())]
                theme["breakdown_rows"].append({"variable": name, "cells": rows})
        # The votes on the theme's proposals: agree among all of them, passes included, with its counts,
        # on the base and rounding of the opinion figures next to it (``plain_share``). The version's own
        # "agreement" (agree among agree and disagree) is not shown.
        votes = theme.get("stance") or {}
        seen = sum(votes.get(k) or 0 for k in ("agree", "disagree", "pass"))
        theme["vote_share"] = plain_share(votes.get("agree") or 0, seen) if seen else None
        theme["emerging_reason"] = emerging_reason(theme) if theme.get("emerging") else ""
        # Weeks are stored (and exported) as ISO dates; the page shows them as dates in the reader's language.
        weeks = sorted(theme.get("trend", {}).items())
        peak = max((n for _w, n in weeks), default=0) or 1
        theme["trend_rows"] = [(dt.date.fromisoformat(week), n, round(100 * n / peak)) for week, n in weeks]
        if theme["breakdown_hidden"]:
            theme["breakdown_hidden_note"] = _(
                "Who said it, by %(variables)s: not shown. No group of fewer than %(n)s distinct "
                "contributions is shown, nor one that would give a smaller group away."
            ) % {"variables": ", ".join(theme["breakdown_hidden"]), "n": MIN_CELL}
    return themes


def hidden_note() -> str:
    """What a reader sees in place of a count the small-cell rule hides (``textsafety.disclosure``)."""
    return _("not shown (fewer than %(n)s, or it would give a smaller group away)") % {"n": MIN_CELL}


def emerging_reason(theme: dict) -> str:
    """Why a theme is called emerging, with the figures of the test (``pipeline.synthesise``)."""
    e = theme.get("emergence")
    if not e or e.get("p_value") is None:  # versions saved before the test: the flag alone
        return _("Emerging: much more frequent in the last two weeks.")
    p = e["p_value"]
    return _(
        "Emerging: %(recent)s%% of the distinct contributions of the last %(days)s days (%(count)s of "
        "%(n_recent)s) against %(earlier)s%% before (%(earlier_count)s of %(n_earlier)s). A rise this large "
        "would happen by chance less than %(chance)s (exact binomial test, each theme tested)."
    ) % {
        "recent": round(100 * e["recent_share"]),
        "earlier": round(100 * e["earlier_share"]),
        "days": e.get("recent_days", 14),
        "count": e["recent_count"],
        "n_recent": e["n_recent"],
        "earlier_count": e["earlier_count"],
        "n_earlier": e["n_earlier"],
        "chance": _("once in a thousand times") if p < 0.001 else _("once in a hundred times"),
    }


# What the report, its map and its exports read of a contribution row (not its cleaning, strata or votes).
TABLE_COLUMNS = (
    "source_type",
    "source_id",
    "text",
    "x",
    "y",
    "duplicate_group",
    "duplicate_count",
    "health_flag",
    "theme",
    "subtheme",
    "clean_key",
    "truncated",
)


def contributions_table(version: SynthesisVersion) -> list[dict]:
    """One row per contribution: ids, theme and sub-theme (under this version) with their labels, map
    coordinates, and the scrubbed text where it may be shown (``public``, see ``selectors.still_public``;
    otherwise empty). Hidden themes -> none. One read of the run's contributions: the page passes these
    rows on to the map, the quotes and the themes x opinion groups table instead of reading them again."""
    run = version.run
    themes = {t["key"]: t for t in version.data["themes"]}
    labels = {key: scrub_text(theme_label(t)) for key, t in themes.items()}
    contributions = list(Contribution.objects.filter(run=run).order_by("position").only(*TABLE_COLUMNS))
    members = membership_of(((c.pk, c.theme_id, c.subtheme_id) for c in contributions), version.data)
    public = selectors.still_public(run.consultation, contributions)
    # The language each proposal was written in (consultation.languages), so the map and the exports say
    # it: "" for an answer to an open question or a proposal whose language is not known.
    answer = Contribution.Source.ANSWER
    languages = selectors.proposal_languages(
        run.consultation, {c.source_id for c in contributions if c.source_type != answer}
    )
    rows = []
    for c in contributions:
        # The one exit for published text: withheld (None) when it reveals a person's health; a row cleaned
        # under older scrubbing rules is scrubbed again.
        text = public_text(c) if c.pk in public else None
        top, sub = members.get(c.pk, (None, None))
        if top is not None and themes[top]["hidden"]:
            top = sub = None
        if sub is not None and themes[sub]["hidden"]:
            sub = None
        rows.append(
            {
                "contribution": c.pk,
                "source_type": c.source_type,
                "source_id": c.source_id,
                "theme": top,
                "theme_label": labels[top] if top is not None else "",
                "subtheme": sub,
                "subtheme_label": labels[sub] if sub is not None else "",
                "x": c.x,
                "y": c.y,
                "duplicate_group": c.duplicate_group,
                "duplicate_count": c.duplicate_count,
                "public": text is not None,
                "text": text or "",
                "language": "" if c.source_type == answer else languages.get(c.source_id, ""),
                "truncated": c.truncated,  # cut by cleaning: a quote of it ends on a visible ellipsis
            }
        )
    return rows


def proposal_themes(version: SynthesisVersion, rows: list[dict] | None = None) -> dict[int, str]:
    """Proposal id -> theme key (for the themes x opinion groups table). ``rows``: the version's
    ``contributions_table`` if the caller has read it already."""
    return {
        r["source_id"]: r["theme"]
        for r in (contributions_table(version) if rows is None else rows)
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
    from .rules import can_run_analysis, can_see_dashboard

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
    links.append(
        {
            "label": _("How the consultation was run"),
            "url": reverse("analysis:transparency", args=[consultation.slug]),
        }
    )
    if can_see_dashboard(user, consultation):
        links.append(
            {
                "label": _("Who took part (dashboard)"),
                "url": reverse("analysis:consultation_dashboard", args=[consultation.slug]),
            }
        )
    return links


def open_data_downloads(consultation, user) -> list[dict]:
    """The consultation's open-data page lists the published synthesis's files
    (``hooks.register_open_data_downloads``): contributions and themes, CSV and JSON, and the PDF report,
    with the day the synthesis was published. Nothing before it is published."""
    from django.utils.formats import date_format

    from .rules import can_read_synthesis

    published = PublishedSynthesis.objects.filter(consultation_id=consultation.pk).first()
    if published is None or not can_read_synthesis(user, consultation):
        return []
    day = date_format(timezone.localtime(published.published_at), "DATE_FORMAT")
    files = [
        (_("Contributions and their theme"), "analysis:export_contributions", "csv", "CSV"),
        (_("Contributions and their theme"), "analysis:export_contributions", "json", "JSON"),
        (_("Themes of the synthesis"), "analysis:export_themes", "csv", "CSV"),
        (_("Themes of the synthesis"), "analysis:export_themes", "json", "JSON"),
    ]
    downloads = [
        {
            "label": label,
            "url": reverse(name, args=[consultation.slug, fmt]),
            "detail": _("%(format)s — synthesis published on %(date)s") % {"format": kind, "date": day},
        }
        for label, name, fmt, kind in files
    ]
    downloads.append(
        {
            "label": _("Report of the synthesis"),
            "url": reverse("analysis:report_pdf", args=[consultation.slug]),
            "detail": _("%(format)s — synthesis published on %(date)s") % {"format": "PDF", "date": day},
        }
    )
    return downloads
