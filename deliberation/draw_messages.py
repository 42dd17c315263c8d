"""How a panel draw is going, and why it failed, in the reader's language.

A failed `Selection` stores its reasons as codes with values (`Selection.reasons`), never as sentences: the
worker that records a failure, or the organiser who abandons a draw, may read another language than the
organiser who later opens the page. This module is the one place that words them, when a page (or a
command) shows them. The codes:

- ``{"code": "library", "kind": "infeasible" | "input" | "other", "text": ...}``: the sortition core's own
  explanation (`deliberation.sortition`, English only, naming strata and volunteers): shown as it is, marked
  as English, under a translated sentence that says what kind of failure it is;
- ``{"code": "left_out", "n": ...}``: volunteers left out of that run for lack of an answer in a quota
  category;
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


def library_failure(error: Exception, kind: str) -> dict[str, Any]:
    """The stored reason for a failure explained by the sortition core (`kind`: infeasible, input, other)."""
    messages = getattr(error, "messages", None) or [str(error)]
    return {"code": "library", "kind": kind, "text": "\n".join(map(str, messages))}


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
        return FailureReason(
            _library_intro(item.get("kind")), quoted=str(item.get("text", "")), quoted_lang=LIBRARY_LANGUAGE
        )
    if code == "left_out":
        n = int(item.get("n", 0))
        return FailureReason(
            ngettext(
                "%(n)s volunteer was left out for lack of an answer in a quota category.",
                "%(n)s volunteers were left out for lack of an answer in a quota category.",
                n,
            )
            % {"n": n}
        )
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
