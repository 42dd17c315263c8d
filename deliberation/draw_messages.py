"""How a panel draw is going, and why it failed, in the reader's language.

A failed `Selection` stores its reasons as codes with values (`Selection.reasons`), never as sentences: the
worker that records a failure, or the organiser who abandons a draw, may read another language than the
organiser who later opens the page. This module is the one place that words them, when a page (or a
command) shows them. The codes:

- ``{"code": "library", "kind": "infeasible" | "input" | "other", "text": ...}``: the sortition core's own
  explanation (`deliberation.sortition`, English only, naming strata and volunteers): shown as it is, marked
  as English, under a translated sentence that says what kind of failure it is;
  Its known cases (the pool smaller than the panel, too few households, a category's minimums or maximums
  that cannot add up, a quota short of volunteers or households, an answer no quota lists, the smallest
  relaxation) also come as codes with values under ``"known"`` (`SortitionError.reasons`): the page words
  those in the reader's language (`known_case`) and keeps the English text only as the detail;
- ``{"code": "left_out", "n": ..., "pool": ..., "missing": {category: n}}``: volunteers left out of that
  run for lack of an answer in a quota category, counted per category (rows stored before have only `n`);
- ``{"code": "time_limit", "minutes": ...}``: the worker stopped the draw (Celery time limit);
- ``{"code": "abandoned", "role": "organiser", "person": ..., "minutes": ...}``: an organiser abandoned a
  draw stuck that many minutes after it started. The public report says "the organisers" (`role`; rows
  stored before it existed are organisers too: only organisers abandon); only the organisers' console
  names the person (`person`, the pseudonym at the time);
- ``{"code": "draw_is_final"}``: the panel already had a committed draw;
- ``{"code": "pool_changed", "n": ...}``: people drawn left the pool while the draw was running;
- ``{"code": "lottery_changed"}``: the draw, taken over after its worker was lost, found that the pool or
  the quotas the published lottery was computed for changed meanwhile (the published lottery is the
  commitment: no second one is published, and none is drawn from).

A running draw stores where it is the same way (`Selection.progress`, one item, replaced as the draw goes):

- ``{"code": "loading"}``, ``{"code": "feasibility"}``, ``{"code": "draw"}``: our own stages (loading the
  pool and the quotas, checking that the quotas can be met, drawing the panel from the seed);
- ``{"code": "library", "text": ..., "current": ..., "total": ...}``: a note of the sortition library while
  it searches for the fairest lottery (English only, not ours to translate): shown as it is, marked as
  English, after a translated sentence with the round (`current`, of `total` when the library knows it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The language of the sortition core's messages (`deliberation.sortition` writes English only).
LIBRARY_LANGUAGE = "en"
# A library note is stored cut to this many characters (its notes are one line; the column held 200).
PROGRESS_NOTE_MAX_CHARS = 200


@dataclass(frozen=True)
class FailureReason:
    """One reason as a page shows it: `text` in the reader's language, then, for the sortition core's own
    explanation, `quoted` as it came, in `quoted_lang`."""

    text: str
    quoted: str = ""
    quoted_lang: str = ""


def draw_is_final_message() -> str:
    """Also what an organiser who tries a second draw is told (`services.start_selection`)."""
    return _(
        "This panel has been drawn and a committed draw is final: it cannot be drawn again. A seat left "
        "empty is filled from the reserve list."
    )


def unanswered_sentences(rows) -> list[str]:
    """One sentence per quota category some volunteers gave no answer for (`selectors.UnansweredCategory`),
    naming the category and how many lack it."""
    from .strata import category_label

    return [
        ngettext(
            "%(category)s: %(n)s volunteer of %(pool)s gave no answer.",
            "%(category)s: %(n)s volunteers of %(pool)s gave no answer.",
            row.missing,
        )
        % {"category": category_label(row.category).capitalize(), "n": row.missing, "pool": row.pool}
        for row in rows
    ]


def library_failure(error: Exception, kind: str) -> dict[str, Any]:
    """The stored reason for a failure explained by the sortition core (`kind`: infeasible, input, other)."""
    messages = getattr(error, "messages", None) or [str(error)]
    stored = {"code": "library", "kind": kind, "text": "\n".join(map(str, messages))}
    known = [dict(reason) for reason in getattr(error, "reasons", ()) if reason]
    if known:
        stored["known"] = known  # the cases we word ourselves (`known_case`); the text stays as the detail
    return stored


def left_out_reason(excluded: list[dict], pool: int) -> dict[str, Any]:
    """The stored reason for volunteers left out of a run (`services.selection_inputs`' `excluded`): how
    many, and per quota category how many gave no answer, so the page names the category."""
    missing: dict[str, int] = {}
    for person in excluded:
        for category in person.get("missing", []):
            missing[category] = missing.get(category, 0) + 1
    return {"code": "left_out", "n": len(excluded), "pool": pool, "missing": missing}


def known_case(item: dict[str, Any]) -> str:
    """A known failure case of the sortition core (`SortitionInfeasible.reasons`), in the reader's language;
    "" for a code this version does not know."""
    from .strata import category_label, stratum_label

    code = item.get("code")
    values = {key: value for key, value in item.items() if key != "code"}
    if "category" in item:
        values["category"] = category_label(str(item["category"])).capitalize()
    if "value" in item:
        values["stratum"] = stratum_label(str(item["category"]), str(item["value"]))
    if code == "value_without_quota":
        return (
            ngettext(
                "%(stratum)s: %(n)s volunteer has this answer, which no quota lists: add a quota for it (a "
                "minimum of 0 is enough).",
                "%(stratum)s: %(n)s volunteers have this answer, which no quota lists: add a quota for it (a "
                "minimum of 0 is enough).",
                int(item.get("n", 0)),
            )
            % values
        )
    if code == "relax":
        changes = []
        for category, value, bound, before, after in item.get("changes") or []:
            stratum = stratum_label(str(category), str(value))
            if bound == "min":
                change = _("%(stratum)s: lower the minimum from %(before)s to %(after)s")
            else:
                change = _("%(stratum)s: raise the maximum from %(before)s to %(after)s")
            changes.append(change % {"stratum": stratum, "before": before, "after": after})
        if not changes:
            return ""
        return _("Smallest change to the quotas that makes a panel possible: %(changes)s.") % {
            "changes": "; ".join(changes)
        }
    if code == "pool_too_small":
        return (
            ngettext(
                "Only %(pool)s volunteer could take part in the draw, fewer than the panel size %(size)s.",
                "Only %(pool)s volunteers could take part in the draw, fewer than the panel size %(size)s.",
                int(item.get("pool", 0)),
            )
            % values
        )
    if code == "households_too_few":
        return (
            _(
                "The %(pool)s volunteers live in only %(households)s households; with at most one person per "
                "household, a panel of %(size)s is impossible."
            )
            % values
        )
    if code == "min_sum":
        return (
            _("%(category)s: the minimums add up to %(total)s, more than the panel size %(size)s.") % values
        )
    if code == "max_sum":
        return (
            _("%(category)s: the maximums add up to %(total)s, less than the panel size %(size)s.") % values
        )
    if code == "quota_short":
        return (
            _("%(stratum)s: at least %(min)s needed, but only %(have)s volunteers have this answer.") % values
        )
    if code == "quota_households":
        return (
            _(
                "%(stratum)s: at least %(min)s needed, but the %(have)s volunteers with this answer live in "
                "only %(households)s households (at most one person per household can sit)."
            )
            % values
        )
    return ""


def _library_intro(kind: str | None) -> str:
    if kind == "infeasible":
        return _(
            "No panel can meet the quotas with this pool of volunteers. The sortition library explains why:"
        )
    if kind == "input":
        return _("The sortition library refused the pool or the quotas:")
    return _("The sortition library could not draw the panel:")


def failure_reason(item: dict[str, Any], *, public: bool = False) -> FailureReason:
    """One stored reason, worded now. `public`: for a page anyone reads, which names who acted by role,
    never by pseudonym."""
    code = item.get("code")
    if code == "library":
        # The known cases in the reader's language; the core's English text only as the detail after them.
        known = [text for text in (known_case(case) for case in item.get("known") or []) if text]
        if known:
            return FailureReason(
                "\n".join(
                    [_("No panel can meet the quotas with this pool of volunteers:")
                     if item.get("kind") != "input" else _("The pool and the quotas do not fit together:"),
                     *known,
                     _("The sortition library's own words (in English), for the detail:")]
                ),
                quoted=str(item.get("text", "")),
                quoted_lang=LIBRARY_LANGUAGE,
            )  # fmt: skip
        return FailureReason(
            _library_intro(item.get("kind")), quoted=str(item.get("text", "")), quoted_lang=LIBRARY_LANGUAGE
        )
    if code == "left_out":
        n = int(item.get("n", 0))
        sentence = ngettext(
            "%(n)s volunteer was left out for lack of an answer in a quota category.",
            "%(n)s volunteers were left out for lack of an answer in a quota category.",
            n,
        ) % {"n": n}
        missing = item.get("missing") or {}
        if missing:  # which category, and how many lack it (stored since the draw names them)
            from .selectors import UnansweredCategory

            rows = [
                UnansweredCategory(c, int(m), int(item.get("pool", n))) for c, m in sorted(missing.items())
            ]
            sentence = "\n".join([sentence, *unanswered_sentences(rows)])
        return FailureReason(sentence)
    if code == "time_limit":
        return FailureReason(
            _(
                "The draw gave no result within %(minutes)s minutes and was stopped; nobody was seated. You "
                "can run it again; the deployer can allow more time (PACTE_SELECTION_STALE_MINUTES)."
            )
            % {"minutes": item.get("minutes")}
        )
    if code == "abandoned" and public:
        return FailureReason(
            _(
                "Abandoned by the organisers: the draw had given no result %(minutes)s minutes after it "
                "started (its worker was probably lost). Nobody was seated; the panel can be drawn again."
            )
            % {"minutes": item.get("minutes")}
        )
    if code == "abandoned":
        return FailureReason(
            _(
                "Abandoned by %(person)s: the draw had given no result %(minutes)s minutes after it started "
                "(its worker was probably lost). Nobody was seated; the panel can be drawn again."
            )
            % {"person": item.get("person"), "minutes": item.get("minutes")}
        )
    if code == "draw_is_final":
        return FailureReason(draw_is_final_message())
    if code == "pool_changed":
        n = int(item.get("n", 0))
        return FailureReason(
            ngettext(
                "%(n)s person drawn left the pool while the draw was running: nothing was seated. Run the "
                "draw again.",
                "%(n)s people drawn left the pool while the draw was running: nothing was seated. Run the "
                "draw again.",
                n,
            )
            % {"n": n}
        )
    if code == "lottery_changed":
        return FailureReason(
            _(
                "The draw was taken over after its worker was lost and found another lottery than the one "
                "published before the draw (the pool changed meanwhile): nothing was seated. Run the draw "
                "again."
            )
        )
    # A code this version does not know (written by a newer one): say that the draw failed, with its text.
    return FailureReason(_("The draw failed."), quoted=str(item.get("text", "")))


def failure_reasons(reasons: list[dict[str, Any]], *, public: bool = False) -> list[FailureReason]:
    """Every reason of a failed run, in the reader's language. `public`: as `failure_reason`."""
    return [failure_reason(item, public=public) for item in reasons or []]


def failure_text(reasons: list[dict[str, Any]]) -> str:
    """The same as plain text (commands, logs, test output): one reason a line, quotes after a line break."""
    return "\n".join(
        "\n".join(part for part in (reason.text, reason.quoted) if part)
        for reason in failure_reasons(reasons)
    )


# --------------------------------------------------------------------------------------------------
# A draw in progress
# --------------------------------------------------------------------------------------------------

# Our own stages of a draw, by code (the task's loading, then `deliberation.sortition`'s phases).
PROGRESS_STAGES = ("loading", "feasibility", "draw")


def public_value_refusal_message(code: str) -> str:
    """Why the public value of a two-step draw is refused (`rules.public_value_refusal`)."""
    messages = {
        "not_organiser": _("Only the organisers enter the public value of a draw."),
        "not_two_step": _(
            "This draw was made from Pacte's seed alone: it announced no public value, so none is entered."
        ),
        "already_entered": _(
            "The public value of this draw has already been entered: it is entered once, and the panel was "
            "drawn with it."
        ),
        "not_published": _(
            "The lottery of this draw is not published yet: the public value can only be entered once "
            "everyone can read the lottery it will pick from."
        ),
        "format": _(
            "Enter the public value as announced, in at most 100 characters: digits, letters, spaces and "
            "the signs - + , . / : ; # only (for example “14” or “5 12 23 34 45 / 7”)."
        ),
        "source_required": _(
            "Say which public value will pick the panel, and when it will be known (for example “sum of "
            "three dice rolled in public at the first session on 12 January”)."
        ),
    }
    return messages[code]


@dataclass(frozen=True)
class ProgressNote:
    """Where a running draw is, as a page shows it: `text` in the reader's language, then, for a note of
    the sortition library, `quoted` as it came, in
    `quoted_lang`. Both empty when the draw has written no progress yet."""

    text: str = ""
    quoted: str = ""
    quoted_lang: str = ""


def stage_progress(stage: str) -> dict[str, Any]:
    """The stored progress for one of our own stages (`PROGRESS_STAGES`)."""
    if stage not in PROGRESS_STAGES:
        raise ValueError(f"unknown draw stage {stage!r}")
    return {"code": stage}


def library_progress(text: str, current: int = 0, total: int | None = None) -> dict[str, Any]:
    """The stored progress for a note of the sortition library (its English text, its round)."""
    return {
        "code": "library",
        "text": str(text)[:PROGRESS_NOTE_MAX_CHARS],
        "current": current,
        "total": total,
    }


def _library_progress_intro(current: int, total: int | None) -> str:
    if current and total:
        return _(
            "Finding the fairest lottery, round %(current)s of %(total)s. The sortition library reports:"
        ) % {"current": current, "total": total}
    if current:
        return _("Finding the fairest lottery, round %(current)s. The sortition library reports:") % {
            "current": current
        }
    return _("Finding the fairest lottery. The sortition library reports:")


def progress_note(progress: dict[str, Any] | None) -> ProgressNote:
    """The stored progress of a running draw, worded now."""
    if not progress:
        return ProgressNote()
    code = progress.get("code")
    if code == "loading":
        return ProgressNote(_("Loading the pool and the quotas"))
    if code == "feasibility":
        return ProgressNote(_("Checking that the quotas can be met"))
    if code == "draw":
        return ProgressNote(_("Drawing the panel from the recorded seed"))
    if code == "library":
        try:
            current = int(progress.get("current") or 0)
            total = int(progress.get("total") or 0) or None
        except (TypeError, ValueError):
            current, total = 0, None
        return ProgressNote(
            _library_progress_intro(current, total),
            quoted=str(progress.get("text", "")),
            quoted_lang=LIBRARY_LANGUAGE,
        )
    # A code this version does not know (written by a newer one): say that the draw is running.
    return ProgressNote(_("The draw is running."))


def progress_summary(status_label: str, note: ProgressNote) -> str:
    """The status and our sentence, as the page's live status line starts (the quoted note follows it in
    its own element, marked with its language)."""
    if note.text:
        return f"{status_label} — {note.text}"
    if note.quoted:
        return f"{status_label} —"
    return str(status_label)
