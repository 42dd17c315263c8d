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
    if method == "kept-previous":
        return _(
            "%(k)s themes, those of the previous analysis, which new contributions joined where nearest: "
            "their separation score (silhouette, cosine: %(kept)s) is close to that of themes found afresh "
            "(%(fresh)s), so they were kept rather than redrawn."
        ) % {
            "k": k,
            "kept": number_format(selection.get("previous_score") or 0, 3),
            "fresh": number_format(selection.get("fresh_score") or 0, 3),
        }
    scores = {int(key): value for key, value in (selection.get("scores") or {}).items()}
    if not scores:
        return ""
    best = max(scores, key=scores.__getitem__)
    return (
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
