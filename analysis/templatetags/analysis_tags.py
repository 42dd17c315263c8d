"""Template filters of the analysis pages."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analysis import carry

register = template.Library()


def _edit(item: dict) -> str:
    values = {"label": item.get("label", ""), "n": item.get("count", 0), "id": item.get("contribution", "")}
    edit = item.get("edit")
    if edit == "rename":
        return _("The name “%(label)s”") % values
    if edit == "summary":
        return _("The organisers' summary of “%(label)s”") % values
    if edit == "hide":
        return _("The hidden theme “%(label)s”") % values
    if edit == "split":
        return _("The split of “%(label)s” into its sub-themes") % values
    if edit == "merge":
        return _("The merge of %(n)s themes into “%(label)s”") % values
    if edit == "merge_part":
        return _("Part of the merge into “%(label)s”") % values
    if edit == "move":
        if "contribution" in item:
            return _("The move of contribution %(id)s to “%(label)s”") % values
        return (
            ngettext(
                "%(n)s moved contribution, moved again", "%(n)s moved contributions, moved again", values["n"]
            )
            % values
        )
    return str(edit)


_REASONS = {
    carry.THEME_GONE: lambda: _(
        "no theme of the new analysis shares more than half of its contributions, both ways"
    ),
    carry.NO_SUBTHEMES: lambda: _("the matching theme of the new analysis has no sub-themes"),
    carry.CONTRIBUTION_GONE: lambda: _("the contribution is no longer in the analysis"),
    carry.TOO_FEW: lambda: _("fewer than two of the merged themes are found in the new analysis"),
}


@register.filter
def carried_edits(carried: dict) -> list[str]:
    """The organisers' edits a rerun applied again, one sentence each."""
    return [_edit(item) for item in (carried or {}).get("carried", [])]


@register.filter
def lost_edits(carried: dict) -> list[str]:
    """The edits a rerun could not apply again, each with why."""
    lines = []
    for item in (carried or {}).get("not_carried", []):
        reason = _REASONS.get(item.get("reason"))
        lines.append(
            _("%(edit)s: not carried over, %(reason)s.")
            % {"edit": _edit(item), "reason": reason() if reason else item.get("reason", "")}
        )
    return lines
