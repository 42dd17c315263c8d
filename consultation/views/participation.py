"""A consultation's page for citizens: the list, the page itself, accepting the charter, answering
the questionnaire."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import beside
from accounts.errors import ServiceError
from accounts.permissions import require_rule
from accounts.refusals import show_refusal
from accounts.rules import anyone

from .. import hooks, rules, selectors, services
from ..accepting import accepts_contributions
from ..charter import DEFAULT_PRINCIPLES
from ..forms import CharterForm, QuestionnaireForm
from ..presenters import answers_saved_message, with_closing_and_participants
from .common import consultation_from, consultation_url, next_url


@require_rule(anyone)
def consultation_list(request):
    return render(
        request,
        "consultation/list.html",
        {
            "consultations": with_closing_and_participants(selectors.listed_consultations(request.user)),
            "can_manage": rules.can_manage(request.user),
        },
    )


def _answers_draft_key(consultation) -> str:
    """Session key of answers that could not be saved because the charter had to be accepted first."""
    return f"answers_draft:{consultation.pk}"


def _detail_page(
    request, consultation, *, charter_form=None, questionnaire=None, questionnaire_note="", status=200
):
    """The consultation page; a refused form comes back bound, with its errors beside its fields."""
    accepted = selectors.has_accepted_charter(request.user, consultation)
    charter_changed = not accepted and selectors.accepted_an_earlier_charter(request.user, consultation)
    draft = request.session.get(_answers_draft_key(consultation)) if request.user.is_authenticated else None
    accepting = accepts_contributions(consultation)
    # The questions answered as saved now: what "Take back all my answers" offers to take back.
    saved = (
        selectors.answers_by_question(request.user, consultation)
        if accepting and request.user.is_authenticated
        else {}
    )
    if questionnaire is None and accepting and accepted:
        questions = selectors.questionnaire(consultation)
        if draft:  # answers typed before the charter changed: shown again, not saved yet
            questionnaire = QuestionnaireForm(MultiValueDict(draft), questions=questions)
        else:
            questionnaire = QuestionnaireForm(questions=questions, answers=saved)
    return render(
        request,
        "consultation/detail.html",
        {
            "consultation": with_closing_and_participants([consultation])[0],
            "principles": DEFAULT_PRINCIPLES,
            "charter": selectors.current_charter(consultation),
            "accepted": accepted,
            "charter_changed": charter_changed,
            "charter_form": charter_form or CharterForm(initial={"version": consultation.charter_version}),
            "questionnaire": questionnaire,
            "questionnaire_note": questionnaire_note,
            "answers_draft": bool(draft),
            "saved_answers": " ".join(str(pk) for pk in sorted(saved)),
            "saved_count": len(saved),
            "can_contribute": rules.can_contribute(request.user, consultation),
            "can_view_results": rules.can_view_results(request.user, consultation),
            "can_manage": rules.can_manage(request.user),
            "proposal_count": selectors.proposal_counts(consultation)["total"],
            "extra_links": hooks.consultation_links(consultation, request.user),
        },
        status=status,
    )


@require_rule(rules.can_view, object_from=consultation_from, hide=True)
def detail(request, consultation, slug):
    return _detail_page(request, consultation)


@require_rule(rules.can_view, object_from=consultation_from, login=True, hide=True)
def accept_charter(request, consultation, slug):
    if request.method != "POST":  # e.g. the address of a refused form, reloaded
        return redirect(consultation_url(consultation) + "#charter")
    form = CharterForm(request.POST)
    if not form.is_valid():  # the page again, the error under the checkbox
        return _detail_page(request, consultation, charter_form=form, status=400)
    try:
        services.accept_charter(
            user=request.user, consultation=consultation, version=form.cleaned_data.get("version")
        )
    except services.Conflict as exc:  # the charter changed while it was being read: the new text, unticked
        refused = CharterForm.refused(version=consultation.charter_version, message=exc.message)
        return _detail_page(request, consultation, charter_form=refused, status=exc.status)
    except ServiceError as exc:
        show_refusal(request, exc, beside="charter")
        return beside.redirect_beside(consultation_url(consultation), "charter")
    # Said where the page comes back to (accounts/beside.py), not out of sight at its top.
    if _answers_draft_key(consultation) in request.session:  # back to the answers waiting to be saved
        beside.say(request, messages.SUCCESS, _("Thank you: you can now take part."), "questionnaire")
        return beside.redirect_beside(consultation_url(consultation), "questionnaire")
    beside.say(request, messages.SUCCESS, _("Thank you: you can now take part."), "charter")
    return beside.redirect_beside(next_url(request, consultation_url(consultation)), "charter")


@require_rule(rules.can_view, object_from=consultation_from, login=True, hide=True)
def discard_answers_draft(request, consultation, slug):
    """Forget the answers kept in the session while the charter waits to be accepted again. Answers
    already saved stay as they are; a GET (a reloaded or shared address) discards nothing."""
    if request.method != "POST":
        return redirect(consultation_url(consultation) + "#charter")
    anchor = "questionnaire" if selectors.has_accepted_charter(request.user, consultation) else "charter"
    if request.session.pop(_answers_draft_key(consultation), None) is not None:
        said = _("Your unsaved answers were discarded. The answers you saved before are unchanged.")
        beside.say(request, messages.SUCCESS, said, anchor)
    else:
        beside.say(request, messages.INFO, _("There were no unsaved answers to discard."), anchor)
    return beside.redirect_beside(consultation_url(consultation), anchor)


@require_rule(rules.can_view, object_from=consultation_from, login=True, hide=True)
def answer(request, consultation, slug):
    """Save the questionnaire. A refused questionnaire comes back as it was filled in, each error under its
    question; answers refused only because the charter must be accepted (again) wait in the session."""
    if request.method != "POST":  # e.g. the address of a refused form, reloaded
        return redirect(consultation_url(consultation) + "#questionnaire")
    form = QuestionnaireForm(request.POST, questions=selectors.questionnaire(consultation))
    if not form.is_valid():
        if accepts_contributions(consultation):  # the required questions left blank too: every error at once
            form.show_missing(
                services.required_left_blank(
                    user=request.user,
                    consultation=consultation,
                    answers=form.answers(),
                    taken_back=form.taken_back(),
                    refused=form.refused_questions(),
                )
            )
        return _detail_page(request, consultation, questionnaire=form, status=400)
    try:
        result = services.save_answers(
            user=request.user, consultation=consultation, answers=form.answers(), taken_back=form.taken_back()
        )
    except services.CharterRequired as exc:
        request.session[_answers_draft_key(consultation)] = {
            name: request.POST.getlist(name) for name in form.fields if name in request.POST
        }
        show_refusal(request, exc, beside="charter")
        return beside.redirect_beside(consultation_url(consultation), "charter")
    except ServiceError as exc:  # a required question unanswered: its message under it
        form.show_refusal(exc)
        return _detail_page(request, consultation, questionnaire=form, status=exc.status)
    request.session.pop(_answers_draft_key(consultation), None)
    if not result.saved and not result.removed:  # sent with nothing answered: nothing to confirm
        # The questionnaire again, in view (the form's "#questionnaire"), with a neutral note at its top.
        return _detail_page(request, consultation, questionnaire_note=_("You did not answer any question."))
    messages.success(request, answers_saved_message(result))
    # To the confirmation: without a fragment the browser keeps the form's "#questionnaire", the
    # questionnaire shown again unchanged and the confirmation out of sight at the top of the page.
    return redirect(consultation_url(consultation) + "#messages")


@require_rule(rules.can_view, object_from=consultation_from, login=True, hide=True)
def withdraw_answers(request, consultation, slug):
    """Take back every saved answer to the questionnaire at once (POST ``answered``: the questions the page
    showed answered). A refusal (closed, or answers changed since the page was shown) comes back as the
    page with its message and the refusal's status; a GET (a reloaded address) takes back nothing."""
    if request.method != "POST":
        return redirect(consultation_url(consultation) + "#questionnaire")
    shown = [pk for pk in str(request.POST.get("answered", "")).split() if pk.isascii() and pk.isdigit()]
    try:
        result = services.withdraw_answers(
            user=request.user, consultation=consultation, shown=[int(pk) for pk in shown if len(pk) < 12]
        )
    except ServiceError as exc:
        show_refusal(request, exc)
        return _detail_page(request, consultation, status=exc.status)
    messages.success(
        request,
        ngettext(
            "Your answer to the questionnaire was taken back: you are no longer counted among its "
            "respondents. Your proposals and votes are unchanged.",
            "Your %(n)d answers to the questionnaire were taken back: you are no longer counted among its "
            "respondents. Your proposals and votes are unchanged.",
            result.removed,
        )
        % {"n": result.removed},
    )
    return redirect(consultation_url(consultation) + "#messages")
