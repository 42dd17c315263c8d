"""What a pipeline run tells the organiser, in the reader's language.

The pure pipeline records codes and values (``analysis.pipeline.notes``, ``KSelection``); this module is
the one place that words them for the site and the commands.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .pipeline.notes import note_text
from .report import stratum_labels


def note_message(item: dict[str, Any] | str) -> str:
    """One note of a run (a plain string is a note stored before notes had codes: shown as it is)."""
    if isinstance(item, str):
        return item
    code, count = item.get("code"), int(item.get("count", 0))
    values = dict(item)
    if "variable" in item:  # a profile question and its answers, by their names on the profile page
        name, choices = stratum_labels(item["variable"])
        values["variable"] = name
        values["categories"] = ", ".join(str(choices.get(c, c)) for c in item.get("categories", []))
    if code == "empty_left_out":
        return (
            ngettext(
                "%(count)s empty contribution was left out.",
                "%(count)s empty contributions were left out.",
                count,
            )
            % values
        )
    if code == "truncated":
        return (
            ngettext(
                "%(count)s text longer than %(max_chars)s characters was truncated.",
                "%(count)s texts longer than %(max_chars)s characters were truncated.",
                count,
            )
            % values
        )
    if code == "other_language":
        return (
            ngettext(
                "%(count)s text seems to be in neither French nor English; the multilingual model still "
                "places it, but its theme's keywords may be poorer.",
                "%(count)s texts seem to be in neither French nor English; the multilingual model still "
                "places them, but their themes' keywords may be poorer.",
                count,
            )
            % values
        )
    if code == "health_flag":
        return (
            ngettext(
                "%(count)s contribution reveals a personal health condition: flagged for the moderator and "
                "never quoted.",
                "%(count)s contributions reveal a personal health condition: flagged for the moderator and "
                "never quoted.",
                count,
            )
            % values
        )
    if code == "single_theme":
        return _("All contributions say the same thing: there is a single theme.")
    if code == "k_capped":
        return (
            _("%(asked)s themes were asked for but there are only %(distinct)s distinct contributions.")
            % values
        )
    if code == "target_absent":
        return (
            _("%(variable)s: no contributor in %(categories)s; the other reference shares were rescaled.")
            % values
        )
    if code == "stratum_unused":
        return (
            _("%(variable)s: no contributor answered this question; it was not used for re-weighting.")
            % values
        )
    if code == "raking_not_converged":
        return (
            _(
                "The re-weighting did not converge in %(iterations)s iterations; the re-weighted shares are "
                "approximate."
            )
            % values
        )
    return note_text(item)


def since_previous_message(since: dict[str, Any] | None) -> str:
    """What changed since the run this one continues, so that organisers comparing two runs know whether
    a difference comes from the contributions: the one wording of it, for the run's page and
    ``run_pipeline`` (``PipelineRun.since_previous`` gives the figures). ``changed_theme`` None: not
    counted (the previous run was not published and the themes were drawn afresh)."""
    if not since:
        return ""
    new, gone = since.get("new_contributions", 0), since.get("gone_contributions", 0)
    changed = since.get("changed_theme")
    values = {"run": since.get("run"), "new": new, "gone": gone, "changed": changed}
    if not (new or gone):
        if changed == 0:
            return (
                _(
                    "Same contributions as in run %(run)s, each in the theme it had there: the themes did "
                    "not move."
                )
                % values
            )
        if changed is None:
            return _("Same contributions as in run %(run)s; the themes were found afresh.") % values
    counts = [
        ngettext("%(n)s new contribution", "%(n)s new contributions", new) % {"n": new},
        ngettext("%(n)s no longer analysed", "%(n)s no longer analysed", gone) % {"n": gone},
    ]
    if changed is not None:
        counts.append(ngettext("%(n)s in another theme", "%(n)s in another theme", changed) % {"n": changed})
    # Translators: "Compared with run 3: 2 new contributions, 0 no longer analysed, 5 in another theme."
    return _("Compared with run %(run)s: %(counts)s.") % {
        "run": since.get("run"),
        "counts": ", ".join(counts),
    }


def _compared_scores(selection: dict[str, Any]) -> tuple[str, str]:
    """The carried themes' score and the fresh attempts' (their range, or the one score of runs made
    before several attempts were drawn), formatted for the reader."""
    kept = number_format(selection.get("previous_score") or 0, 3)
    draws = selection.get("fresh_scores") or [selection.get("fresh_score") or 0]
    low, high = (number_format(value, 3) for value in (min(draws), max(draws)))
    return kept, low if low == high else _("%(low)s to %(high)s") % {"low": low, "high": high}


def k_selection_message(selection: dict[str, Any]) -> str:
    """How the number of themes was chosen (``KSelection`` as stored with the run)."""
    method, k = selection.get("method"), selection.get("k")
    if not method:
        return ""
    drawn = (
        " " + _("The groups were then drawn on a map of each contribution's nearest neighbours (UMAP).")
        if selection.get("layout") == "umap"
        else ""
    )
    if method == "override":
        return _("%(k)s themes, as set by the organiser.") % {"k": k} + drawn
    if method == "too-few-contributions":
        return ngettext(
            "%(k)s theme: too few distinct contributions to compare several groupings.",
            "%(k)s themes: too few distinct contributions to compare several groupings.",
            k,
        ) % {"k": k}
    since = selection.get("since_previous") or {}
    if method == "kept-previous" and selection.get("unchanged"):
        return _(
            "Nothing changed since run %(run)s: its %(k)s themes were kept without being computed again."
        ) % {"run": since.get("run", "?"), "k": k}
    kept, fresh = _compared_scores(selection)
    if method == "kept-previous" and since and not since.get("new_contributions"):
        return _(
            "The %(k)s themes of the previous analysis were kept. Themes found afresh would not group the "
            "contributions clearly better (how clearly the themes separate the contributions: %(kept)s for "
            "the kept themes, %(fresh)s for fresh attempts); the themes are redrawn only when fresh "
            "attempts do better by more than they differ from one another and than the particular "
            "contributions received could explain."
        ) % {"k": k, "kept": kept, "fresh": fresh}
    if method == "kept-previous":
        return _(
            "The %(k)s themes of the previous analysis were kept; new contributions joined the closest "
            "theme. Themes found afresh would not group the contributions clearly better (how clearly the "
            "themes separate the contributions: %(kept)s for the kept themes, %(fresh)s for fresh "
            "attempts); the themes are redrawn only when fresh attempts do better by more than they differ "
            "from one another and than the particular contributions received could explain."
        ) % {"k": k, "kept": kept, "fresh": fresh}
    redrawn = (
        _(
            "The themes were found afresh rather than kept from the previous analysis: the previous themes "
            "separate the contributions less well (score %(kept)s) than fresh attempts (%(fresh)s), by "
            "more than fresh attempts differ from one another and than the particular contributions received "
            "could explain. This usually means the new contributions bring a topic of their own."
        )
        % {"kept": kept, "fresh": fresh}
        + " "
        if selection.get("previous_score") is not None
        else ""
    )
    scores = {int(key): value for key, value in (selection.get("scores") or {}).items()}
    if not scores:
        return ""
    best = max(scores, key=scores.__getitem__)
    return redrawn + (
        _(
            "%(k)s themes: the smallest number whose separation score (silhouette, cosine) is close to the "
            "best one (%(best_score)s at %(best)s themes), among %(low)s to %(high)s themes."
        )
        % {
            "k": k,
            "best_score": number_format(scores[best], 3),
            "best": best,
            "low": min(scores),
            "high": max(scores),
        }
        + drawn
    )
