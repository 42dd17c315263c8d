"""Decision-makers' answers to the themes of a consultation's published synthesis: the service, the
themes as a source of the adoption figures (``consultation.adoption``), the trace facts ("the theme your
proposal landed in was answered...") and the organisers' answer page.

A theme is answered through the Theme row that stands for its public entry (``trace.entry_theme_id``), as
its links to recommendations are: a merged entry keeps its answers. Which themes must be answered:
``consultation.answers.theme_is_required`` (the consultation's stated rule, on the entry's share)."""

from datetime import date

from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.audit import record_event
from accounts.permissions import require_rule
from accounts.refusals import post_form
from accounts.roles import Role
from consultation import answers as consultation_answers
from consultation import rules as consultation_rules
from consultation.adoption import AnswerItem, Source, answer_status_definitions
from consultation.answer_forms import AnswerForm
from consultation.answer_views import can_answer_milestone, milestone_action, previous_answers
from consultation.answers import AnswerError, NotAllowed, policy_for, state_of, theme_is_required
from consultation.models import Consultation
from textsafety.normalise import normalises_text

from .models import PublishedSynthesis, Theme, ThemeAnswer, ThemeAnswerMilestone
from .report import theme_label
from .trace import entry_theme_id, public_entries

# --------------------------------------------------------------------------------------------------
# Which themes are published, and answerable
# --------------------------------------------------------------------------------------------------


def published_entries(consultation) -> tuple[PublishedSynthesis | None, dict[int, dict]]:
    """(the published synthesis, {theme id standing for the entry: entry}) of its public top-level themes."""
    published = (
        PublishedSynthesis.objects.filter(consultation_id=consultation.pk).select_related("version").first()
    )
    if published is None:
        return None, {}
    return published, {entry_theme_id(e): e for e in public_entries(published.version.data)}


def public_entry_of(theme: Theme) -> dict | None:
    """The public entry of the published synthesis that `theme` stands for, or None (not published,
    hidden, a sub-theme, or a run that is not the published one)."""
    published, entries = published_entries(theme.run.consultation)
    if published is None or published.version.run_id != theme.run_id:
        return None
    return entries.get(theme.pk)


def is_catch_all(theme: Theme, entry: dict | None) -> bool:
    """The "Other contributions" theme gathers what no theme holds: it is no position a decision-maker can
    answer, so it never gets an answer and is never required to."""
    return bool(theme.is_other or (entry and entry.get("other")))


@normalises_text
@transaction.atomic
def record_theme_answer(
    *, actor, theme: Theme, decision_maker: str, body: str, status: str, justification: str,
    answered_on: date, implementation_deadline: date | None = None, implemented_on: date | None = None,
    milestones: list[tuple[str, date | None]] = (),
) -> ThemeAnswer:  # fmt: skip
    """Publish a decision-maker's answer to a theme of the published synthesis (the same statuses,
    justification, deadline and milestones as for a recommendation). Answers accumulate."""
    if not consultation_rules.can_answer(actor):
        raise NotAllowed(_("Only organisers record the decision-makers' answers."), status=403)
    entry = public_entry_of(theme)
    if entry is None:
        raise AnswerError(
            _("Only a theme shown in the published synthesis can receive an answer."), status=409
        )
    if is_catch_all(theme, entry):
        raise AnswerError(
            _(
                "The “Other contributions” group gathers the contributions no theme holds: it cannot "
                "receive an answer. Answer the proposals it contains instead."
            ),
            status=409,
        )
    answer = consultation_answers.create_answer(
        ThemeAnswer, ThemeAnswerMilestone, actor=actor, target_field="theme", target=theme,
        decision_maker=decision_maker, body=body, status=status, justification=justification,
        answered_on=answered_on, implementation_deadline=implementation_deadline,
        implemented_on=implemented_on, milestones=milestones,
    )  # fmt: skip
    record_event(actor=actor, as_role=Role.ORGANISER, action="theme.answer_recorded", obj=answer,
                 details={"theme": theme.pk, "status": status})  # fmt: skip
    return answer


# --------------------------------------------------------------------------------------------------
# Reads: the source of the adoption figures, the trace
# --------------------------------------------------------------------------------------------------


def _answers_by_theme(theme_ids) -> dict[int, list[ThemeAnswer]]:
    result: dict[int, list[ThemeAnswer]] = {}
    answers = ThemeAnswer.objects.filter(theme_id__in=list(theme_ids)).prefetch_related("milestones")
    for answer in answers.order_by("answered_on", "id"):
        result.setdefault(answer.theme_id, []).append(answer)
    return result


def theme_answer_items(consultation=None, today: date | None = None) -> list[AnswerItem]:
    """The published themes as a source of the adoption figures: every public theme the consultation's
    rule requires to be answered (by its share), and any other that got an answer."""
    today = today or timezone.localdate()
    consultations = (
        [consultation]
        if consultation is not None
        else Consultation.objects.filter(published_synthesis__isnull=False).order_by("id")
    )
    items = []
    for one in consultations:
        published, entries = published_entries(one)
        if published is None:
            continue
        policy = policy_for(one)
        answered = _answers_by_theme(entries)
        for theme_id, entry in entries.items():
            other = bool(entry.get("other"))
            required = not other and theme_is_required(policy, entry.get("share"))
            if not required and theme_id not in answered:
                continue
            share = entry.get("share")
            items.append(
                AnswerItem(
                    label=theme_label(entry),
                    url=reverse("analysis:report", args=[one.slug]) + f"#theme-{entry['key']}",
                    state=state_of(answered.get(theme_id, []), policy if required else None, today),
                    required=required,
                    detail=_("%(percent)s %% of the contributions") % {"percent": round(100 * share)}
                    if share is not None
                    else "",
                    answer_url="" if other else reverse("analysis:answer_theme", args=[theme_id]),
                )
            )
    return items


def themes_required_by(consultation, policy) -> int:
    """How many public themes of the published synthesis `policy` (saved or not) requires to be answered
    (the catch-all never)."""
    _published, entries = published_entries(consultation)
    return sum(
        1 for e in entries.values() if not e.get("other") and theme_is_required(policy, e.get("share"))
    )


THEMES_SOURCE = Source(
    key="themes",
    label=gettext_lazy("Themes of the synthesis"),
    definition=gettext_lazy(
        "Themes of the published synthesis that the consultation's rule requires to be answered (by their "
        "share of the contributions), and any other theme that got an answer."
    ),
    items=theme_answer_items,
    order=30,
    required_count=themes_required_by,
)


def theme_answer_facts(consultation, entries: dict[str, dict]) -> dict[str, dict]:
    """Entry key -> what the decision-makers answered about that theme, for the trace: the latest answer,
    or that one is awaited (late after the stated date) when the rule requires it (two queries)."""
    by_theme = {entry_theme_id(e): key for key, e in entries.items()}
    answered = _answers_by_theme(by_theme)
    policy = policy_for(consultation)
    today = timezone.localdate()
    facts = {}
    for theme_id, key in by_theme.items():
        answers_of = answered.get(theme_id, [])
        if answers_of:
            latest = answers_of[-1]
            facts[key] = {
                "answer_label": consultation_answers.answer_sentence(latest),
                "answer_note": consultation_answers.public_justification(latest),
                "answer_status": latest.get_status_display(),
            }
        elif not entries[key].get("other") and theme_is_required(policy, entries[key].get("share")):
            waiting = consultation_answers.waiting_fact(state_of([], policy, today), policy, of_theme=True)
            facts[key] = {"answer_label": waiting["label"], "answer_late": waiting.get("late", False)}
    return facts


# --------------------------------------------------------------------------------------------------
# The organisers' page
# --------------------------------------------------------------------------------------------------


def _theme(pk, **_kwargs) -> Theme:
    return get_object_or_404(Theme.objects.select_related("run__consultation"), pk=pk)


def can_answer_theme(user, theme: Theme) -> bool:
    return consultation_rules.can_answer(user)


@require_rule(can_answer_theme, object_from=_theme, login=True)
def answer_theme(request, theme, pk):
    consultation = theme.run.consultation
    entry = public_entry_of(theme)
    form = AnswerForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and post_form(
        request, form,
        lambda data: record_theme_answer(actor=request.user, theme=theme, **data),
        _("The answer is recorded and published."),
    ):  # fmt: skip
        return redirect("consultation:followup", slug=consultation.slug)
    label = theme_label(entry) if entry else (theme.label or _("Other contributions"))
    catch_all = is_catch_all(theme, entry)
    return render(
        request,
        "consultation/answer_form.html",
        {
            "consultation": consultation,
            "subject": _("Theme “%(theme)s”") % {"theme": label},
            "subject_url": reverse("analysis:report", args=[consultation.slug])
            + (f"#theme-{entry['key']}" if entry else ""),
            "allowed": entry is not None and not catch_all,
            "refusal": _(
                "The “Other contributions” group gathers the contributions no theme holds: it cannot "
                "receive an answer. Answer the proposals it contains instead."
            )
            if catch_all
            else _("Only a theme shown in the published synthesis can receive an answer."),
            "previous": previous_answers(
                theme.decision_answers.order_by("answered_on", "id").prefetch_related("milestones"),
                "analysis:theme_milestone",
            ),
            "form": form,
            "definitions": answer_status_definitions(),
        },
    )


def _theme_milestone(pk, **_kwargs) -> ThemeAnswerMilestone:
    return get_object_or_404(ThemeAnswerMilestone.objects.select_related("answer__theme"), pk=pk)


@require_POST
@require_rule(can_answer_milestone, object_from=_theme_milestone, login=True)
def theme_milestone(request, milestone, pk):
    return milestone_action(
        request, milestone, reverse("analysis:answer_theme", args=[milestone.answer.theme_id])
    )


def register_personal_data() -> None:
    """Who recorded an answer to a theme: a staff record (``accounts.personal_data``)."""
    from accounts.personal_data import register_staff_records

    register_staff_records("analysis.ThemeAnswer.recorded_by", work="the decision-makers' answers")
