"""Organisers' pages: settings and phase, charter, questionnaire."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import beside
from accounts.permissions import require_rule
from accounts.refusals import attempt, form_status, post_form
from accounts.roles import Role, acted_by

from .. import presenters, rules, selectors, services
from ..accepting import accepts_contributions
from ..forms import CharterTextForm, ConsultationForm, QuestionForm
from ..models import Consultation
from ..required_answers import participants_without_answer
from ..states import PHASES

_SETTINGS_FIELDS = [name for name in ConsultationForm.base_fields if name != "slug"]


@require_rule(rules.can_manage, login=True)
def manage(request, slug=None):
    """Create (no slug) or edit a consultation and its settings; phase and history on the same page."""
    consultation = get_object_or_404(Consultation, slug=slug) if slug else None
    if consultation:  # its closing time has come: closed now, as the beat would, so Reopen is offered
        services.close_if_due(consultation)
    initial = (
        {"slug": consultation.slug, **{f: getattr(consultation, f) for f in _SETTINGS_FIELDS}}
        if consultation
        else {"moderation": "post", "proposals_allowed": True, "max_proposal_length": 1000}
    )
    form = ConsultationForm(request.POST if request.method == "POST" else None, initial=initial)
    if consultation:
        form.fields["slug"].disabled = True

    def save(data):
        fields = {f: data[f] for f in _SETTINGS_FIELDS}
        if consultation:
            return services.update_consultation(actor=request.user, consultation=consultation, **fields)
        return services.create_consultation(actor=request.user, slug=data["slug"], **fields)

    if request.method == "POST" and post_form(request, form, save, _("Consultation saved.")):
        return redirect("consultation:manage", slug=form.cleaned_data["slug"])
    transitions = []
    if consultation:
        transitions = presenters.phase_moves(consultation, PHASES.targets(consultation.phase))
    return render(
        request,
        "consultation/manage.html",
        {
            "consultation": consultation,
            "form": form,
            "transitions": transitions,
            "history": presenters.phase_history(consultation, back_office=True) if consultation else [],
        },
        status=form_status(form),  # 400 when shown again with errors, as the other organisers' pages
    )


@require_POST
@require_rule(rules.can_manage, login=True)
def change_phase(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    was_closed = consultation.phase == Consultation.Phase.CLOSED
    if request.POST.get("understood") != "yes":
        # The page says what the move will do (opening freezes the questionnaire, closing ends the
        # contributions) beside a box to tick: without it, nothing moves (no JavaScript needed).
        messages.error(
            request,
            _("The phase did not change: tick “I understand” beside the button to confirm what it will do."),
        )
        return redirect(reverse("consultation:manage", args=[slug]) + "#phase")
    attempt(
        request,
        lambda: services.transition(
            actor=request.user, consultation=consultation, to_phase=request.POST.get("phase", "")
        ),
        lambda moved: _moved_message(moved, reopened=was_closed and moved.phase == Consultation.Phase.OPEN),
    )
    return redirect("consultation:manage", slug=slug)


def _moved_message(moved: Consultation, *, reopened: bool) -> str:
    said = _("The consultation is now “%(phase)s”.") % {"phase": moved.get_phase_display()}
    if reopened and moved.closes_at is None:  # transition() forgot the time it closed at
        said += " " + _("It has no closing time any more: set one in its settings if it should close again.")
    return said


@require_rule(rules.can_manage, login=True)
def charter(request, slug):
    """Edit the charter's French and English text; a changed text is a new version that everyone accepts
    again before their next contribution."""
    consultation = get_object_or_404(Consultation, slug=slug)
    editable = rules.can_edit_charter(request.user, consultation)
    text_fr, text_en = selectors.charter_texts(consultation)
    form = CharterTextForm(
        request.POST if request.method == "POST" else None, initial={"text_fr": text_fr, "text_en": text_en}
    )

    def saved(changed: bool):
        if not changed:
            messages.info(request, _("The charter text did not change: no new version."))
            return None
        return _(
            "Charter saved as version %(n)d. Participants will accept it before their next contribution."
        ) % {"n": consultation.charter_version}

    if request.method == "POST" and post_form(
        request,
        form,
        lambda data: services.update_charter(
            actor=request.user, consultation=consultation, text_fr=data["text_fr"], text_en=data["text_en"]
        ),
        saved,
    ):
        return redirect("consultation:charter", slug=slug)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "consultation/charter.html",
        {
            "consultation": consultation,
            "form": form,
            "editable": editable,
            "versions": [
                (version, acted_by(Role.ORGANISER, version.created_by.pseudonym, back_office=True))
                if version.created_by
                else (version, "—")
                for version in selectors.charter_versions(consultation)
            ],
        },
        status=form_status(form),
    )


@require_rule(rules.can_manage, login=True)
def questions(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and post_form(
        request,
        form,
        lambda data: services.add_question(
            actor=request.user,
            consultation=consultation,
            kind=data["kind"],
            text_fr=data["text_fr"],
            text_en=data["text_en"],
            choices=form.parsed_choices(),
            required=data["required"],
        ),
        _("Question added."),
    ):
        return redirect("consultation:questions", slug=slug)
    return render(
        request,
        "consultation/questions.html",
        {
            "consultation": consultation,
            "form": form,
            "questions": _editor_rows(consultation),
            "can_edit_questions": rules.can_edit_questions(request.user, consultation),
            "can_change_required": rules.can_change_required(request.user, consultation),
        },
        status=form_status(form),
    )


@require_POST
@require_rule(rules.can_manage, login=True)
def delete_question(request, slug, pk):
    consultation = get_object_or_404(Consultation, slug=slug)
    question = get_object_or_404(consultation.questions, pk=pk)
    attempt(
        request,
        lambda: services.delete_question(actor=request.user, question=question),
        _("Question deleted."),
    )
    return redirect("consultation:questions", slug=slug)


def _editor_rows(consultation) -> list[dict]:
    """Each question, with how many participants have not answered it while people can still save their
    answers (what making it required means for them: nothing now, a question to answer at their next
    save). A draft has no answers; once closed, nobody saves again, so the count would promise nothing."""
    questions = selectors.questionnaire(consultation)
    counted = accepts_contributions(consultation)
    return [{"q": q, "without": participants_without_answer(q) if counted else 0} for q in questions]


def _required_message(question, without: int, changed: bool = True) -> str:
    if not changed:  # a double submit or a second tab: nothing changed, nothing recorded
        if question.required:
            return _("The answer to “%(question)s” was already required.") % {"question": question.text}
        return _("The answer to “%(question)s” was already optional.") % {"question": question.text}
    if not question.required:
        return _("The answer to “%(question)s” is now optional.") % {"question": question.text}
    said = _("The answer to “%(question)s” is now required.") % {"question": question.text}
    if without:
        said += " " + ngettext(
            "%(n)s participant who already answered has not answered it: their answers stay saved and "
            "valid; they will be asked for this answer only the next time they save their answers.",
            "%(n)s participants who already answered have not answered it: their answers stay saved and "
            "valid; they will be asked for this answer only the next time they save their answers.",
            without,
        ) % {"n": without}
    return said


@require_POST
@require_rule(rules.can_manage, login=True)
def question_required(request, slug, pk):
    """Make a question's answer required or optional (POST ``required`` = "1" or "0")."""
    consultation = get_object_or_404(Consultation, slug=slug)
    question = get_object_or_404(consultation.questions, pk=pk)
    wanted = request.POST.get("required") == "1"

    def changed(result) -> str:
        question.required = wanted
        return _required_message(question, result.without, result.changed)

    # Said in the question's row, where the page comes back to (accounts/beside.py).
    anchor = beside.anchor_of("question", question.pk)
    attempt(
        request,
        lambda: services.set_question_required(actor=request.user, question=question, required=wanted),
        changed,
        beside=anchor,
    )
    return beside.redirect_beside(reverse("consultation:questions", args=[slug]), anchor)
