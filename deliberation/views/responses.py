"""Pages of the decision-makers' answers: the public follow-up (accountability), recording an answer, its
milestones."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require_rule
from accounts.refusals import post_form
from accounts.rules import anyone
from consultation import answers as consultation_answers

from .. import forms, presenters, rules, selectors, services
from ._common import _milestone, _public_panel, _recommendation
from .recommendations import _done_or_again


@require_rule(anyone, object_from=_public_panel)
def accountability(request, panel, pk=None):
    follow_ups, figures = selectors.accountability(panel)
    return render(
        request,
        "deliberation/accountability.html",
        {
            "panel": panel,
            "follow_ups": presenters.public_follow_ups(follow_ups),
            "figures": figures,
            "by_panel": selectors.figures_by_panel() if panel is None else [],
            "overdue_days": selectors.overdue_after_days(),
            "definitions": selectors.answer_status_definitions(),
        },
    )


def _milestone_action(request, milestone, form_class, service, success, failed_as):
    """An organiser's form about one promised milestone, then back to its recommendation's page (shown
    again with the form as sent when it failed)."""
    form = form_class(data=request.POST, milestone=milestone)
    done = post_form(
        request, form, lambda data: service(actor=request.user, milestone=milestone, **data), success
    )
    recommendation = milestone.response.recommendation
    return _done_or_again(request, done, recommendation, **{failed_as: (milestone.pk, form)})


@require_POST
@require_rule(rules.can_organise_milestone, object_from=_milestone, login=True)
def complete_milestone(request, milestone, pk):
    return _milestone_action(
        request,
        milestone,
        forms.MilestoneDoneForm,
        services.complete_milestone,
        _("The milestone is marked as done."),
        "milestone_done",
    )


@require_POST
@require_rule(rules.can_organise_milestone, object_from=_milestone, login=True)
def change_milestone(request, milestone, pk):
    return _milestone_action(
        request, milestone, forms.MilestoneChangeForm, services.change_milestone,
        _("The milestone is changed; the date first promised stays shown."), "milestone_change",
    )  # fmt: skip


@require_rule(rules.can_organise_response, object_from=_recommendation, login=True)
def record_response(request, recommendation, pk):
    form = forms.ResponseForm(
        data=request.POST if request.method == "POST" else None, recommendation=recommendation
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.record_response(actor=request.user, recommendation=recommendation, **data)
        except services.DeliberationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The answer is recorded and published."))
            return redirect(reverse("deliberation:panel_accountability", args=[recommendation.panel_id]))
    return render(
        request,
        "deliberation/response_form.html",
        {
            "recommendation": recommendation,
            "form": form,
            "allowed": rules.can_record_response(request.user, recommendation),
            "previous": _published_answers(recommendation),
            "definitions": selectors.answer_status_definitions(),
        },
    )


def _published_answers(recommendation) -> list[dict]:
    """The answers already published, oldest first, as the proposals' and themes' answer forms list
    them: who, when, the status, the justification as published, the milestones."""
    return [
        {
            "sentence": consultation_answers.answer_sentence(response),
            "justification": consultation_answers.public_justification(response),
            "milestones": list(response.milestones.all()),
        }
        for response in recommendation.responses.order_by("answered_on", "id").prefetch_related("milestones")
    ]
