"""Organisers' pages: settings and phase, charter, questionnaire."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require_rule

from .. import rules, selectors, services
from ..forms import CharterTextForm, ConsultationForm, QuestionForm
from ..models import Consultation

_SETTINGS_FIELDS = [name for name in ConsultationForm.base_fields if name != "slug"]


@require_rule(rules.can_manage, login=True)
def manage(request, slug=None):
    """Create (no slug) or edit a consultation and its settings; phase and history on the same page."""
    consultation = get_object_or_404(Consultation, slug=slug) if slug else None
    initial = (
        {"slug": consultation.slug, **{f: getattr(consultation, f) for f in _SETTINGS_FIELDS}}
        if consultation
        else {"moderation": "post", "proposals_allowed": True, "max_proposal_length": 1000}
    )
    form = ConsultationForm(request.POST if request.method == "POST" else None, initial=initial)
    if consultation:
        form.fields["slug"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in _SETTINGS_FIELDS}
        try:
            if consultation:
                services.update_consultation(actor=request.user, consultation=consultation, **fields)
            else:
                consultation = services.create_consultation(
                    actor=request.user, slug=form.cleaned_data["slug"], **fields
                )
        except services.ConsultationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Consultation saved."))
            return redirect("consultation:manage", slug=consultation.slug)
    transitions = []
    if consultation:
        transitions = [(p, Consultation.Phase(p).label) for p in Consultation.TRANSITIONS[consultation.phase]]
    return render(
        request,
        "consultation/manage.html",
        {
            "consultation": consultation,
            "form": form,
            "transitions": transitions,
            "history": selectors.phase_history(consultation) if consultation else [],
        },
    )


@require_POST
@require_rule(rules.can_manage, login=True)
def change_phase(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    try:
        services.transition(
            actor=request.user, consultation=consultation, to_phase=request.POST.get("phase", "")
        )
    except services.ConsultationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The consultation is now “%(phase)s”.") % {"phase": consultation.get_phase_display()}
        )
    return redirect("consultation:manage", slug=slug)


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
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.update_charter(
                    actor=request.user,
                    consultation=consultation,
                    text_fr=form.cleaned_data["text_fr"],
                    text_en=form.cleaned_data["text_en"],
                )
            except services.ConsultationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                if changed:
                    messages.success(
                        request,
                        _(
                            "Charter saved as version %(n)d. Participants will accept it before their "
                            "next contribution."
                        )
                        % {"n": consultation.charter_version},
                    )
                else:
                    messages.info(request, _("The charter text did not change: no new version."))
                return redirect("consultation:charter", slug=slug)
        else:
            status = 400
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
            "versions": selectors.charter_versions(consultation),
        },
        status=status,
    )


@require_rule(rules.can_manage, login=True)
def questions(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(
                actor=request.user,
                consultation=consultation,
                kind=form.cleaned_data["kind"],
                text_fr=form.cleaned_data["text_fr"],
                text_en=form.cleaned_data["text_en"],
                choices=form.parsed_choices(),
            )
        except services.ConsultationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Question added."))
            return redirect("consultation:questions", slug=slug)
    return render(
        request,
        "consultation/questions.html",
        {
            "consultation": consultation,
            "form": form,
            "questions": selectors.questionnaire(consultation),
        },
    )


@require_POST
@require_rule(rules.can_manage, login=True)
def delete_question(request, slug, pk):
    consultation = get_object_or_404(Consultation, slug=slug)
    question = get_object_or_404(consultation.questions, pk=pk)
    try:
        services.delete_question(actor=request.user, question=question)
    except services.ConsultationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Question deleted."))
    return redirect("consultation:questions", slug=slug)
