"""The quotas of a panel: set by hand, or proposed from the French population shares."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.roles import Role

from .. import rules
from ..models import Panel, Quota
from ..strata import PROFILE_VALUES, REFERENCE_TO_PROFILE, category_label, population_margins, stratum_label
from ._common import DeliberationError, _refuse_pool_changes_while_drawing, _require, load_sortition


@dataclass(frozen=True)
class QuotaInput:
    category: str
    value: str
    min: int
    max: int


def _quota_problems(panel: Panel, quotas: list[QuotaInput]) -> list[str]:
    """Each problem names the stratum in words (`strata.stratum_label`), as the quotas table shows it."""
    problems = []
    seen = set()
    for quota in quotas:
        named = stratum_label(quota.category, quota.value)
        if (quota.category, quota.value) in seen:
            problems.append(_("%(stratum)s is given twice.") % {"stratum": named})
        seen.add((quota.category, quota.value))
        if quota.min < 0 or quota.max < quota.min:
            problems.append(
                _("%(stratum)s: the minimum must be between 0 and the maximum.") % {"stratum": named}
            )
    for category in sorted({q.category for q in quotas}):
        total_min = sum(q.min for q in quotas if q.category == category)
        if total_min > panel.size:
            problems.append(
                _("%(c)s: the minimums add up to %(n)s, more than the panel size %(size)s.")
                % {"c": category_label(category).capitalize(), "n": total_min, "size": panel.size}
            )
    return problems


@transaction.atomic
def replace_quotas(*, actor, panel: Panel, quotas: list[QuotaInput]) -> list[Quota]:
    """Replace the panel's quotas as a whole (the edit form shows them all); refused with every problem
    listed when they cannot be right whatever the pool."""
    _require(rules.can_edit_selection_inputs(actor, panel))
    _refuse_pool_changes_while_drawing(panel)
    problems = _quota_problems(panel, quotas)
    if problems:
        raise DeliberationError(problems)
    panel.quotas.all().delete()
    created = Quota.objects.bulk_create(
        Quota(panel=panel, category=q.category, value=q.value, min=q.min, max=q.max) for q in quotas
    )
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="panel.quotas_set", obj=panel,
        details={"quotas": [[q.category, q.value, q.min, q.max] for q in quotas]},
    )  # fmt: skip
    return created


@dataclass(frozen=True)
class ProposedQuotas:
    """The quotas proposed, and the categories left without quotas because some volunteers of the pool
    gave no answer for them (`selectors.UnansweredCategory`: a quota there would leave them out)."""

    quotas: list[Quota]
    not_proposed: list


def propose_quotas(*, actor, panel: Panel, categories: list[str] | None = None) -> ProposedQuotas:
    """Quotas bracketing the French reference population shares for this panel size, in the profile's
    values; values the reference does not count (e.g. gender "other") get 0 to panel size. Only for the
    categories every volunteer of the pool answered: a quota on a category someone did not answer leaves
    them out of the draw (an imported file with only `age_band` and `gender` gets quotas on those two).
    Refused when the pool is empty or no category is answered by everyone, naming what is missing."""
    from .. import selectors
    from ..draw_messages import unanswered_sentences

    _require(rules.can_edit_selection_inputs(actor, panel))
    sortition = load_sortition()
    margins = population_margins()  # the reference shares, already in profile values
    wanted = [category for category, _mapping in REFERENCE_TO_PROFILE.values()]
    if categories is not None:
        wanted = [category for category in wanted if category in categories]
    if not panel.volunteers.exists():
        raise DeliberationError(
            _("The pool is empty: quotas are proposed for the profile questions the volunteers answered. "
              "Import or recruit volunteers first, or type the quotas below.")
        )  # fmt: skip
    not_proposed = selectors.unanswered_categories(panel, wanted)
    skipped = {row.category for row in not_proposed}
    if all(category in skipped for category in wanted):
        raise DeliberationError(
            [_("No quota proposed: no profile question was answered by every volunteer of the pool."),
             *unanswered_sentences(not_proposed)]
        )  # fmt: skip
    proposed = []
    for category in wanted:
        if category in skipped:
            continue
        by_value = {}
        for quota in sortition.propose_quotas({category: margins.get(category, {})}, panel.size):
            value = str(quota.value)
            by_value[value] = QuotaInput(category, value, quota.min, quota.max)
        for value, _label in PROFILE_VALUES[category]:
            by_value.setdefault(str(value), QuotaInput(category, str(value), 0, panel.size))
        proposed.extend(by_value.values())
    return ProposedQuotas(replace_quotas(actor=actor, panel=panel, quotas=proposed), not_proposed)
