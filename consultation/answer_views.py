"""Pages of the decision-makers' answers of a consultation: the public follow-up page (the rule of which
proposals and themes must be answered, the adoption rate per source and overall with its definitions,
every item and its answer), the organisers' rule form and the form that answers a proposal. Thin: reads
through ``answers`` / ``adoption``, writes through ``answers``' services."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require_rule
from accounts.refusals import attempt, form_status, post_form, show_form_errors
from accounts.rules import anyone

from . import answers, rules
from .adoption import adoption_by_source, answer_status_definitions
from .answer_forms import AnswerForm, AnswerPolicyForm, MilestoneChangeForm, MilestoneDoneForm
from .followup_lists import STATUS_FILTERS, source_lists
from .models import Consultation, Proposal, ProposalAnswerMilestone


def _consultation(slug, **_kwargs) -> Consultation:
    return get_object_or_404(Consultation, slug=slug)


def _lists(request, reports) -> dict:
    """Each source's items, filtered by status and cut into pages (``followup_lists``)."""
    status, lists = source_lists(reports, request.GET)
    return {"lists": lists, "status_filter": status, "status_filters": STATUS_FILTERS}


@require_rule(rules.can_view, object_from=_consultation, hide=True)
def followup(request, consultation, slug):
    reports, overall = adoption_by_source(consultation)
    policy = answers.policy_for(consultation)
    return render(
        request,
        "consultation/followup.html",
        {
            "consultation": consultation,
            "policy_sentences": answers.policy_sentences(policy),
            "rows": answers.adoption_rows(reports, overall),
            **_lists(request, reports),
            "definitions": answer_status_definitions(),
            "can_answer": rules.can_answer_in(request.user, consultation),
        },
    )


@require_rule(anyone)
def followup_all(request):
    """The same figures across every consultation (what ``adoption_report --json`` prints without
    ``--consultation``): no rule to state, every source's items of every consultation out of draft."""
    reports, overall = adoption_by_source(None)
    return render(
        request,
        "consultation/followup.html",
        {
            "consultation": None,
            "rows": answers.adoption_rows(reports, overall),
            **_lists(request, reports),
            "definitions": answer_status_definitions(),
            "can_answer": rules.can_answer(request.user),
        },
    )


# The numbers the form suggests while no rule is saved; the boxes stay unticked, so that saving publishes
# only what the organisers chose.
SUGGESTED_POLICY = {
    "proposals_required": False,
    "proposal_min_agree_percent": 60,
    "proposal_min_votes": 20,
    "themes_required": False,
    "theme_min_percent": 5,
}


@require_rule(rules.can_answer_in, object_from=_consultation, login=True)
def answer_policy(request, consultation, slug):
    policy = answers.policy_for(consultation)
    initial = dict(SUGGESTED_POLICY)
    if policy is not None:
        initial = {name: getattr(policy, name) for name in AnswerPolicyForm.base_fields}
    form = AnswerPolicyForm(data=request.POST if request.method == "POST" else None, initial=initial)
    previewing = request.method == "POST" and "preview" in request.POST
    if request.method == "POST" and not previewing and post_form(
        request, form,
        lambda data: answers.save_answer_policy(actor=request.user, consultation=consultation, **data),
        _("The rule of the answers is saved and shown on the follow-up page."),
    ):  # fmt: skip
        return redirect("consultation:followup", slug=consultation.slug)
    values = initial
    if previewing and form.is_valid():
        values = form.cleaned_data
    return render(
        request,
        "consultation/answer_policy.html",
        {
            "consultation": consultation,
            "form": form,
            "saved": policy is not None,
            "preview": answers.required_preview(consultation, values),
            "previewing": previewing,
        },
        # A preview of valid values is the page itself; a form shown again with errors is not (400).
        status=200 if previewing and form.is_valid() else form_status(form),
    )


@require_rule(rules.can_answer_in, object_from=_consultation, login=True)
def answer_proposal(request, consultation, slug, pk):
    proposal = get_object_or_404(Proposal, consultation=consultation, pk=pk)
    form = AnswerForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and post_form(
        request, form,
        lambda data: answers.record_proposal_answer(actor=request.user, proposal=proposal, **data),
        _("The answer is recorded and published."),
    ):  # fmt: skip
        return redirect("consultation:followup", slug=consultation.slug)
    return render(
        request,
        "consultation/answer_form.html",
        {
            "consultation": consultation,
            "subject": answers.proposal_label(proposal),
            "subject_url": reverse("consultation:proposal", args=[consultation.slug, proposal.pk]),
            "allowed": answers.can_be_answered(proposal),
            "refusal": _("Only a published proposal of a consultation past its draft can receive an answer."),
            "previous": previous_answers(
                proposal.decision_answers.order_by("answered_on", "id").prefetch_related("milestones"),
                "consultation:proposal_milestone",
            ),
            "form": form,
            "definitions": answer_status_definitions(),
        },
        status=form_status(form),
    )


# --------------------------------------------------------------------------------------------------
# Milestones of the answers to proposals and themes (the themes' route is analysis.theme_answers)
# --------------------------------------------------------------------------------------------------


def previous_answers(answers_of, milestone_route: str) -> list[dict]:
    """The answers already published, oldest first, each milestone with its forms (done, change)."""
    rows = []
    for answer in answers_of:
        milestones = []
        for m in answer.milestones.all():
            milestones.append(
                {
                    "milestone": m,
                    "url": reverse(milestone_route, args=[m.pk]),
                    "done_form": MilestoneDoneForm(milestone=m),
                    "change_form": MilestoneChangeForm(milestone=m),
                }
            )
        rows.append(
            {
                "sentence": answers.answer_sentence(answer),
                "justification": answers.public_justification(answer),
                "milestones": milestones,
            }
        )
    return rows


def milestone_action(request, milestone, back_url: str):
    """POST ``action`` = done (``done_on``) or change (``title``, ``due_on``, ``note``); back to the
    answers page with the outcome as a message."""
    action = request.POST.get("action")
    if action == "done":
        form = MilestoneDoneForm(data=request.POST, milestone=milestone)
        service, success = answers.complete_answer_milestone, _("The milestone is marked as done.")
    elif action == "change":
        form = MilestoneChangeForm(data=request.POST, milestone=milestone)
        service = answers.change_answer_milestone
        success = _("The milestone is changed; the date first promised stays shown.")
    else:
        messages.error(request, _("Unknown action."))
        return redirect(back_url)
    if form.is_valid():
        attempt(
            request, lambda: service(actor=request.user, milestone=milestone, **form.cleaned_data), success
        )
    else:
        show_form_errors(request, form)
    return redirect(back_url)


def _proposal_milestone(pk, **_kwargs) -> ProposalAnswerMilestone:
    return get_object_or_404(
        ProposalAnswerMilestone.objects.select_related("answer__proposal__consultation"), pk=pk
    )


def can_answer_milestone(user, milestone) -> bool:
    return rules.can_answer(user)


@require_POST
@require_rule(can_answer_milestone, object_from=_proposal_milestone, login=True)
def proposal_milestone(request, milestone, pk):
    proposal = milestone.answer.proposal
    return milestone_action(
        request,
        milestone,
        reverse("consultation:answer_proposal", args=[proposal.consultation.slug, proposal.pk]),
    )
