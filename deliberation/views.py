"""Pages of the citizen panels. Thin: read through selectors, write through services. Every action is a
plain form POST: done, it redirects with a success message; refused (bad input, or the service's
`DeliberationError`), it shows its page again with the form as sent and the errors under the fields."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from consultation import rules as consultation_rules

from . import forms, hooks, rules, selectors, services
from .models import (
    Amendment,
    Document,
    Milestone,
    Panel,
    PanelMember,
    Recommendation,
    Selection,
    Session,
    Volunteer,
)
from .strata import category_label, value_label


def _error(request, error: services.DeliberationError) -> None:
    """The refusal as messages; the sortition core's own explanation (English), if any, follows the last one
    in an element marked with its language (both escaped)."""
    texts = error.messages
    for i, message in enumerate(texts):
        if error.explanation and i == len(texts) - 1:
            message = format_html(
                '{} <span lang="{}">{}</span>', message, error.explanation_lang, error.explanation
            )
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(
                request, _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error
            )


def _attempt(request, action, success) -> bool:
    """Call the service in `action()`; show its refusal, or the success message, as a message.
    `success` is the message, or a function of what the service returned that gives it."""
    try:
        result = action()
    except services.DeliberationError as error:
        _error(request, error)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def _post_form(request, form, action, success) -> bool:
    """Validate `form` and call `action(cleaned_data)`. True once done, with the success message for the
    page redirected to. False otherwise, with the field errors and the service's refusal on `form` itself:
    the caller shows its page again with this bound form (what was typed kept, each error under its field,
    DSFR error styling), never a redirect that would empty it."""
    if not form.is_valid():
        return False
    try:
        result = action(form.cleaned_data)
    except services.DeliberationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def _panel_for_public(pk: int) -> Panel:
    return get_object_or_404(selectors.public_panels(), pk=pk)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --------------------------------------------------------------------------------------------------
# Public pages
# --------------------------------------------------------------------------------------------------


def panel_list(request):
    panels = selectors.public_panels()
    if rules.can_organise(request.user):
        panels = Panel.objects.all()
    run = selectors.panels_run_by(request.user) if rules.can_be_assigned(request.user) else None
    return render(request, "deliberation/panel_list.html", {"panels": panels, "panels_i_run": run})


def panel_detail(request, pk):
    panel = get_object_or_404(Panel, pk=pk)
    can_run = rules.can_run_panel(request.user, panel)
    if panel.status == Panel.Status.DRAFT and not can_run:
        raise PermissionDenied
    volunteering = selectors.volunteering(request.user, panel)
    return render(
        request,
        "deliberation/panel_detail.html",
        {
            "panel": panel,
            "sessions": panel.sessions.all(),
            "decided": panel.recommendations.exclude(status__in=["draft", "voting"]),
            "selection": selectors.published_selection(panel),
            "can_volunteer": rules.can_volunteer(request.user, panel) and volunteering is None,
            "volunteering": volunteering,
            "seat": rules.active_seat(request.user, panel),
            "can_run": can_run,
            "consultation": panel.consultation
            if panel.consultation_id and consultation_rules.can_view(request.user, panel.consultation)
            else None,
        },
    )


def accountability(request, pk=None):
    panel = _panel_for_public(pk) if pk is not None else None
    follow_ups, figures = selectors.accountability(panel)
    return render(
        request,
        "deliberation/accountability.html",
        {
            "panel": panel,
            "follow_ups": follow_ups,
            "figures": figures,
            "by_panel": selectors.figures_by_panel() if panel is None else [],
            "overdue_days": selectors.overdue_after_days(),
        },
    )


def selection_report(request, pk):
    panel = _panel_for_public(pk)
    selection = selectors.published_selection(panel)
    composition = [
        {
            **row,
            "category_label": category_label(row["category"]),
            "value_label": value_label(row["category"], row["value"]),
        }
        for row in (selection.composition if selection else [])
    ]
    events = selectors.selection_audit_trail(selection)
    return render(
        request,
        "deliberation/selection_report.html",
        {"panel": panel, "selection": selection, "composition": composition, "events": events,
         "latest": selectors.latest_selection(panel)},
    )  # fmt: skip


def selection_status(request, pk):
    """What the page polls (static/pacte/live-progress.js): the state of the latest run, from the database,
    worded in the language the page asks for (its `Accept-Language`). `summary` is the status and our
    sentence; `note` the sortition library's own note (English), in an element whose `lang` the script sets
    from `note_lang` (empty when there is no note)."""
    panel = get_object_or_404(Panel, pk=pk)
    selection = selectors.latest_selection(panel)
    if selection is None:
        return JsonResponse({"error": _("No selection has been run.")}, status=404)
    note = selection.progress_note
    done = selection.status in (Selection.Status.DONE, Selection.Status.FAILED)
    return JsonResponse(
        {
            "status": selection.status,
            "status_label": str(selection.get_status_display()),
            "message": note.text,
            "summary": selection.progress_summary,
            "note": note.quoted,
            "note_lang": note.quoted_lang,
            "done": done,
            "active": not done,
        }
    )


# --------------------------------------------------------------------------------------------------
# Citizens and members
# --------------------------------------------------------------------------------------------------


@login_required
def volunteer(request, pk):
    panel = get_object_or_404(Panel, pk=pk)
    form = forms.VolunteerForm(data=request.POST if request.method == "POST" else None)
    # An invalid form is shown again with its errors next to the fields (not as messages).
    if request.method == "POST" and form.is_valid():
        joined = _attempt(
            request,
            lambda: services.volunteer(
                user=request.user,
                panel=panel,
                consent=form.cleaned_data["consent"],
                language=translation.get_language(),
            ),  # fmt: skip
            _("Thank you: you are in the pool of volunteers for this panel."),
        )
        if joined:
            return redirect("deliberation:panel_detail", pk=panel.pk)
    from accounts.services import get_profile

    strata = get_profile(request.user).strata()
    volunteering = selectors.volunteering(request.user, panel)
    return render(
        request,
        "deliberation/volunteer.html",
        {
            "panel": panel,
            "form": form,
            "strata": [(category_label(k), value_label(k, v)) for k, v in strata.items()],
            "allowed": rules.can_volunteer(request.user, panel) and volunteering is None,
            "volunteering": volunteering,
        },
    )


@login_required
def withdraw(request, pk):
    """Leave the pool of a panel: GET explains what happens and asks to confirm, POST does it. Only one's
    own volunteering: someone not in the pool gets a 404 page, and a POST (the form sent twice, an old
    tab) goes back to the panel with the service's refusal."""
    panel = get_object_or_404(Panel, pk=pk)
    volunteering = selectors.volunteering(request.user, panel)
    if request.method == "POST":
        left = _attempt(
            request,
            lambda: services.withdraw_volunteering(user=request.user, panel=panel),
            _("You have left the pool of volunteers for this panel; your answers to the volunteering form "
              "have been deleted."),
        )  # fmt: skip
        if left or volunteering is None:
            return redirect("deliberation:panel_detail", pk=panel.pk)
        return redirect("deliberation:withdraw", pk=panel.pk)
    if volunteering is None:
        raise Http404
    return render(
        request,
        "deliberation/withdraw.html",
        {
            "panel": panel,
            "volunteering": volunteering,
            "seated_message": services.seated_member_leaves_message(),
            "facilitators": selectors.panel_facilitators(panel),
            "draw_is_final": rules.draw_is_final(panel),
        },
    )


@login_required
def member_space(request, pk):
    return _member_space_page(request, get_object_or_404(Panel, pk=pk))


def _member_space_page(request, panel, failed_code: tuple[int, forms.CheckInCodeForm] | None = None):
    """The member space; `failed_code` = (session id, its check-in form as sent) when that form failed."""
    seat = rules.active_seat(request.user, panel)
    _require(seat is not None or rules.can_run_panel(request.user, panel))
    sessions = list(panel.sessions.prefetch_related("agenda"))
    attended = set(seat.attendances.values_list("session_id", flat=True)) if seat else set()
    for s in sessions:
        s.code_form = forms.CheckInCodeForm(auto_id=f"code-{s.pk}-%s")
        if failed_code and failed_code[0] == s.pk and seat and s.pk not in attended:
            s.code_form, failed_code = failed_code[1], None
    if failed_code:  # the form is not offered any more (checked in meanwhile): its errors as messages
        _form_errors(request, failed_code[1])
    recommendations = panel.recommendations.select_related("vote_session").prefetch_related("amendments")
    voted = set(seat.receipts.values_list("recommendation_id", flat=True)) if seat else set()
    return render(
        request,
        "deliberation/member_space.html",
        {
            "panel": panel,
            "seat": seat,
            "sessions": sessions,
            "attended": attended,
            "documents": panel.documents.all(),
            "recommendations": recommendations,
            "voted": voted,
        },
    )


@login_required
def document_download(request, pk):
    document = get_object_or_404(Document, pk=pk)
    _require(
        rules.active_seat(request.user, document.panel) is not None
        or rules.can_run_panel(request.user, document.panel)
    )
    return FileResponse(document.file.open("rb"), as_attachment=True)


@login_required
@require_POST
def check_in_code(request, pk):
    session = get_object_or_404(Session.objects.select_related("panel"), pk=pk)
    form = forms.CheckInCodeForm(data=request.POST, auto_id=f"code-{session.pk}-%s")
    if _post_form(
        request, form,
        lambda data: services.check_in_with_code(user=request.user, session=session, code=data["code"]),
        _("You are checked in at this session."),
    ):  # fmt: skip
        return redirect("deliberation:member_space", pk=session.panel_id)
    return _member_space_page(request, session.panel, failed_code=(session.pk, form))


def recommendation_detail(request, pk):
    return _recommendation_page(request, pk)


def _recommendation_page(request, pk, **failed):
    """The recommendation's page. `failed` holds the form that was just sent and failed, as sent: under its
    context name (`amendment_form`, `ballot_form`, `open_vote_form`), or as `decision` / `milestone_done` /
    `milestone_change` = (amendment or milestone id, form) for the forms repeated per amendment or
    milestone. A failed form the page no longer offers (the vote cast meanwhile, the milestone done) has
    its errors shown as messages instead."""
    recommendation = get_object_or_404(Recommendation.objects.select_related("panel", "session"), pk=pk)
    panel = recommendation.panel
    seat = rules.active_seat(request.user, panel)
    decided = recommendation.status in (Recommendation.Status.ADOPTED, Recommendation.Status.REJECTED)
    can_run = rules.can_run_panel(request.user, panel)
    _require(decided or seat is not None or can_run)
    can_decide = rules.can_decide_amendment(request.user, recommendation)
    can_respond = rules.can_record_response(request.user, recommendation)
    can_vote = rules.can_vote(request.user, recommendation)
    has_voted = bool(seat and seat.receipts.filter(recommendation=recommendation).exists())
    can_amend = rules.can_propose_amendment(request.user, recommendation)
    shown = set()

    def form_for(key, pk, make, offered: bool):
        sent = failed.get(key)
        if sent and sent[0] == pk and offered:
            shown.add(key)
            return sent[1]
        return make()

    amendments = list(recommendation.amendments.select_related("proposed_by__volunteer__user"))
    for a in amendments:
        a.decision_form = form_for(
            "decision", a.pk, lambda a=a: forms.AmendmentDecisionForm(auto_id=f"decision-{a.pk}-%s"),
            can_decide and a.status == Amendment.Status.PROPOSED,
        )  # fmt: skip
    responses = list(recommendation.responses.prefetch_related("milestones"))
    for response in responses:
        for m in response.milestones.all():
            offered = can_respond and not m.done_on
            m.done_form = form_for(
                "milestone_done", m.pk, lambda m=m: forms.MilestoneDoneForm(milestone=m), offered
            )
            m.change_form = form_for(
                "milestone_change", m.pk, lambda m=m: forms.MilestoneChangeForm(milestone=m), offered
            )
    offered = {
        "amendment_form": can_amend,
        "ballot_form": can_vote and not has_voted,
        "open_vote_form": can_run and recommendation.status == Recommendation.Status.DRAFT,
    }
    single = {key: form for key, form in failed.items() if key in offered and offered[key]}
    for key, sent in failed.items():
        if key not in shown and key not in single:
            _form_errors(request, sent[1] if isinstance(sent, tuple) else sent)
    return render(
        request,
        "deliberation/recommendation.html",
        {
            "recommendation": recommendation,
            "panel": panel,
            # Who wrote each version: by role for the public and the panel's members, by name for its team.
            "versions": selectors.recommendation_versions(recommendation, public=not can_run),
            "amendments": amendments,
            "responses": responses,
            "outcome": selectors.recommendation_outcome(recommendation) if decided else None,
            "turnout": selectors.vote_turnout(recommendation) if decided else None,
            "follow_up": selectors.follow_up(recommendation) if recommendation.status == "adopted" else None,
            "can_amend": can_amend,
            "can_decide": can_decide,
            "can_vote": can_vote,
            "has_voted": has_voted,
            "can_facilitate": can_run,
            "can_respond": can_respond,
            "amendment_form": forms.AmendmentForm(),
            "ballot_form": forms.BallotForm(),
            "open_vote_form": forms.OpenVoteForm(panel=panel),
            "sections": hooks.recommendation_sections(recommendation, request.user),
            **single,
        },
    )


def _back_to(recommendation):
    return redirect("deliberation:recommendation", pk=recommendation.pk)


def _done_or_again(request, done: bool, recommendation, **failed):
    """After a form about a recommendation: its page, redirected to when done, else shown again with the
    form as sent."""
    return _back_to(recommendation) if done else _recommendation_page(request, recommendation.pk, **failed)


@login_required
@require_POST
def propose_amendment(request, pk):
    recommendation = get_object_or_404(Recommendation, pk=pk)
    form = forms.AmendmentForm(data=request.POST)
    done = _post_form(
        request, form,
        lambda data: services.propose_amendment(user=request.user, recommendation=recommendation, **data),
        _("Your amendment has been sent to the facilitators."),
    )  # fmt: skip
    return _done_or_again(request, done, recommendation, amendment_form=form)


@login_required
@require_POST
def cast_ballot(request, pk):
    recommendation = get_object_or_404(Recommendation, pk=pk)
    form = forms.BallotForm(data=request.POST)
    done = _post_form(
        request, form,
        lambda data: services.cast_ballot(
            user=request.user, recommendation=recommendation, choice=data["choice"]
        ),
        _("Your vote has been recorded. It is secret: it is stored without your name."),
    )  # fmt: skip
    return _done_or_again(request, done, recommendation, ballot_form=form)


# --------------------------------------------------------------------------------------------------
# Facilitators
# --------------------------------------------------------------------------------------------------


@login_required
def facilitate(request, pk):
    return _facilitate_page(request, _panel_to_run(request, pk))


def _facilitate_page(request, panel, **failed):
    """The facilitation page; `failed` holds the form just sent that failed, as sent, under its name."""
    if "recommendation_form" in failed and not panel.sessions.exists():  # not offered without a session
        _form_errors(request, failed.pop("recommendation_form"))
    return render(
        request,
        "deliberation/facilitate.html",
        {
            "panel": panel,
            "sessions": panel.sessions.all(),
            "documents": panel.documents.all(),
            "recommendations": panel.recommendations.all(),
            "session_form": forms.SessionForm(),
            "document_form": forms.DocumentForm(),
            "recommendation_form": forms.RecommendationForm(panel=panel),
            **failed,
        },
    )


def _panel_to_run(request, pk) -> Panel:
    panel = get_object_or_404(Panel, pk=pk)
    _require(rules.can_run_panel(request.user, panel))
    return panel


def _session_to_run(request, pk) -> Session:
    session = get_object_or_404(Session.objects.select_related("panel"), pk=pk)
    _require(rules.can_run_panel(request.user, session.panel))
    return session


@login_required
@require_POST
def schedule_session(request, pk):
    panel = _panel_to_run(request, pk)
    form = forms.SessionForm(data=request.POST)
    done = _post_form(
        request, form,
        lambda data: services.schedule_session(actor=request.user, panel=panel, **data),
        _("Session scheduled."),
    )  # fmt: skip
    if done:
        return redirect("deliberation:facilitate", pk=panel.pk)
    return _facilitate_page(request, panel, session_form=form)


@login_required
@require_POST
def upload_document(request, pk):
    panel = _panel_to_run(request, pk)
    form = forms.DocumentForm(data=request.POST, files=request.FILES)
    done = _post_form(
        request, form,
        lambda data: services.upload_document(actor=request.user, panel=panel, **data),
        _("Document added to the evidence library."),
    )  # fmt: skip
    if done:
        return redirect("deliberation:facilitate", pk=panel.pk)
    return _facilitate_page(request, panel, document_form=form)


@login_required
@require_POST
def create_recommendation(request, pk):
    panel = _panel_to_run(request, pk)
    form = forms.RecommendationForm(data=request.POST, panel=panel)
    done = _post_form(
        request, form,
        lambda data: services.create_recommendation(actor=request.user, panel=panel, **data),
        _("Draft recommendation created."),
    )  # fmt: skip
    if done:
        return redirect("deliberation:facilitate", pk=panel.pk)
    return _facilitate_page(request, panel, recommendation_form=form)


@login_required
def console(request, pk):
    return _console_page(request, _session_to_run(request, pk))


def _console_page(request, session, **failed):
    """The session console; `failed` holds the form just sent that failed, as sent, under its name."""
    items = list(session.agenda.all())
    over = selectors.session_is_over(session)
    current = None if over else selectors.current_agenda_item(items)
    remaining = selectors.remaining_seconds(current) if current else None
    present = set(session.attendances.values_list("member_id", flat=True))
    members = session.panel.members.filter(status=PanelMember.Status.ACTIVE).select_related("volunteer__user")
    return render(
        request,
        "deliberation/console.html",
        {
            "session": session,
            "panel": session.panel,
            "items": items,
            "over": over,
            "current": current,
            "remaining_minutes": abs(remaining) // 60 if remaining is not None else None,
            "remaining_seconds": abs(remaining) % 60 if remaining is not None else None,
            "overrun": remaining is not None and remaining < 0,
            "members": [(m, m.pk in present) for m in members],
            "present_count": len(present),
            "agenda_form": forms.AgendaItemForm(),
            "minutes_form": forms.MinutesForm(initial={"minutes": session.minutes}),
            **failed,
        },
    )


def _to_console(session):
    return redirect("deliberation:console", pk=session.pk)


@login_required
@require_POST
def move_agenda(request, pk):
    session = _session_to_run(request, pk)
    services.move_agenda(
        actor=request.user, session=session, forward=request.POST.get("direction") != "previous"
    )
    return _to_console(session)


@login_required
@require_POST
def add_agenda_item(request, pk):
    session = _session_to_run(request, pk)
    form = forms.AgendaItemForm(data=request.POST)
    if _post_form(
        request, form,
        lambda data: services.add_agenda_item(actor=request.user, session=session, **data),
        _("Agenda item added."),
    ):  # fmt: skip
        return _to_console(session)
    return _console_page(request, session, agenda_form=form)


@login_required
@require_POST
def check_in(request, pk):
    session = _session_to_run(request, pk)
    member_id = request.POST.get("member", "")
    member_pk = int(member_id) if member_id.isdigit() else 0
    member = get_object_or_404(PanelMember, pk=member_pk, panel=session.panel)
    try:
        services.check_in(actor=request.user, session=session, member=member)
    except services.DeliberationError as error:
        _error(request, error)
    return _to_console(session)


@login_required
@require_POST
def save_minutes(request, pk):
    session = _session_to_run(request, pk)
    form = forms.MinutesForm(data=request.POST)
    if _post_form(
        request, form,
        lambda data: services.save_minutes(actor=request.user, session=session, minutes=data["minutes"]),
        _("Minutes saved."),
    ):  # fmt: skip
        return _to_console(session)
    return _console_page(request, session, minutes_form=form)


@login_required
@require_POST
def decide_amendment(request, pk):
    amendment = get_object_or_404(Amendment.objects.select_related("recommendation__panel"), pk=pk)
    _require(rules.can_run_panel(request.user, amendment.recommendation.panel))

    def decide(data):
        if data["decision"] == "accept":
            services.accept_amendment(actor=request.user, amendment=amendment, reason=data["reason"])
        else:
            services.reject_amendment(actor=request.user, amendment=amendment, reason=data["reason"])

    form = forms.AmendmentDecisionForm(data=request.POST, auto_id=f"decision-{amendment.pk}-%s")
    done = _post_form(request, form, decide, _("Decision recorded."))
    return _done_or_again(request, done, amendment.recommendation, decision=(amendment.pk, form))


@login_required
@require_POST
def open_vote(request, pk):
    recommendation = get_object_or_404(Recommendation.objects.select_related("panel"), pk=pk)
    _require(rules.can_run_panel(request.user, recommendation.panel))
    form = forms.OpenVoteForm(data=request.POST, panel=recommendation.panel)
    done = _post_form(
        request, form,
        lambda data: services.open_vote(
            actor=request.user, recommendation=recommendation, session=data["session"]
        ),
        _("The vote is open."),
    )  # fmt: skip
    return _done_or_again(request, done, recommendation, open_vote_form=form)


@login_required
@require_POST
def close_vote(request, pk):
    recommendation = get_object_or_404(Recommendation.objects.select_related("panel"), pk=pk)
    _require(rules.can_run_panel(request.user, recommendation.panel))
    _attempt(
        request,
        lambda: services.close_vote(actor=request.user, recommendation=recommendation),
        _("The vote is closed and the result published."),
    )
    return _back_to(recommendation)


# --------------------------------------------------------------------------------------------------
# Organisers
# --------------------------------------------------------------------------------------------------


@login_required
def panel_create(request):
    _require(rules.can_organise(request.user))
    form = forms.PanelForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        panel = services.create_panel(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Panel created. Set its quotas and open it to volunteers."))
        return redirect("deliberation:manage", pk=panel.pk)
    return render(request, "deliberation/panel_form.html", {"form": form})


def _quota_lines(panel) -> str:
    return "\n".join(f"{q.category}, {q.value}, {q.min}, {q.max}" for q in panel.quotas.all())


@login_required
def manage(request, pk):
    _require(rules.can_organise(request.user))
    return _manage_page(request, get_object_or_404(Panel, pk=pk))


def _manage_page(request, panel, **failed):
    """The management page; `failed` holds the form just sent that failed, as sent, under its name."""
    if "assign_form" in failed and not failed["assign_form"].fields["facilitator"].queryset.exists():
        _form_errors(request, failed.pop("assign_form"))  # nobody left to assign: the form is not shown
    selection = selectors.latest_selection(panel)
    members = panel.members.select_related("volunteer__user", "replaced_by__volunteer")
    pool = panel.volunteers.all()
    # After a committed draw, never back to preparation or recruiting (the current status stays shown).
    settable = {*rules.settable_statuses(panel), panel.status}
    return render(
        request,
        "deliberation/manage.html",
        {
            "panel": panel,
            "statuses": [(value, label) for value, label in Panel.Status.choices if value in settable],
            "pool_count": pool.count(),
            "pool_by_source": [(s.label, pool.filter(source=s).count()) for s in Volunteer.Source],
            "quotas": panel.quotas.all(),
            "quota_form": forms.QuotasForm(initial={"quotas": _quota_lines(panel)}),
            "import_form": forms.ImportForm(),
            "selection_form": forms.SelectionForm(),
            "selection": selection,
            "can_abandon": selection is not None and rules.can_abandon_selection(request.user, selection),
            "stale_minutes": settings.PACTE_SELECTION_STALE_MINUTES,
            "members": members,
            "can_edit": rules.can_edit_selection_inputs(request.user, panel),
            "draw_is_final": rules.draw_is_final(panel),
            "facilitators": selectors.panel_facilitators(panel),
            "assign_form": forms.AssignFacilitatorForm(panel=panel),
            "consultation_form": forms.ConsultationLinkForm(initial={"consultation": panel.consultation_id}),
            "adopted": panel.recommendations.filter(status=Recommendation.Status.ADOPTED),
            **failed,
        },
    )


def _to_manage(panel):
    return redirect("deliberation:manage", pk=panel.pk)


@login_required
@require_POST
def set_status(request, pk):
    panel = get_object_or_404(Panel, pk=pk)
    if request.POST.get("status") in Panel.Status.values:
        _attempt(
            request,
            lambda: services.set_panel_status(actor=request.user, panel=panel, status=request.POST["status"]),
            _("Status updated."),
        )
    return _to_manage(panel)


@login_required
@require_POST
def assign_facilitator(request, pk):
    panel = get_object_or_404(Panel, pk=pk)
    _require(rules.can_organise(request.user))
    form = forms.AssignFacilitatorForm(data=request.POST, panel=panel)
    if _post_form(
        request, form,
        lambda data: services.assign_facilitator(actor=request.user, panel=panel, user=data["facilitator"]),
        _("The facilitator now runs this panel."),
    ):  # fmt: skip
        return _to_manage(panel)
    return _manage_page(request, panel, assign_form=form)


@login_required
@require_POST
def unassign_facilitator(request, pk, user_pk):
    panel = get_object_or_404(Panel, pk=pk)
    _require(rules.can_organise(request.user))
    person = get_object_or_404(User, pk=user_pk)
    _attempt(
        request,
        lambda: services.unassign_facilitator(actor=request.user, panel=panel, user=person),
        _("%(person)s no longer runs this panel.") % {"person": person.email},
    )
    return _to_manage(panel)


@login_required
@require_POST
def link_consultation(request, pk):
    panel = get_object_or_404(Panel, pk=pk)
    _require(rules.can_organise(request.user))
    form = forms.ConsultationLinkForm(data=request.POST)
    if _post_form(
        request, form,
        lambda data: services.link_consultation(
            actor=request.user, panel=panel, consultation=data["consultation"]
        ),
        _("Consultation link saved."),
    ):  # fmt: skip
        return _to_manage(panel)
    return _manage_page(request, panel, consultation_form=form)


#: At most this many refused lines are listed on the page (the count says how many more).
IMPORT_PROBLEMS_SHOWN = 200


@login_required
@require_POST
def import_volunteers(request, pk):
    """A CSV of volunteers. What is refused (the file, or some of its lines) comes back in the page next to
    the file field (a summary above the form, the refused lines in a table: line, column, value, problem),
    with the form ready for a corrected file; the lines imported stay imported."""
    panel = get_object_or_404(Panel, pk=pk)
    form = forms.ImportForm(data=request.POST, files=request.FILES)
    if not form.is_valid():
        return _manage_page(request, panel, import_form=form)
    try:
        text = form.cleaned_data["file"].read().decode("utf-8-sig")
    except UnicodeDecodeError:
        form.add_error("file", _("The file is not UTF-8 text: save it as “CSV UTF-8” and try again."))
        return _manage_page(request, panel, import_form=form)
    try:
        report = services.import_volunteers(actor=request.user, panel=panel, text=text)
    except services.DeliberationError as error:
        for message in error.messages:
            form.add_error("file", message)
        return _manage_page(request, panel, import_form=form)
    if report.created or not report.errors:
        messages.success(
            request,
            ngettext("%(n)s volunteer imported.", "%(n)s volunteers imported.", report.created)
            % {"n": report.created},
        )
    if report.already_in_pool:
        messages.info(
            request,
            ngettext(
                "%(n)s line was already in the pool with the same values: left as it was.",
                "%(n)s lines were already in the pool with the same values: left as they were.",
                report.already_in_pool,
            )
            % {"n": report.already_in_pool},
        )
    if not report.errors:
        return _to_manage(panel)
    n = len(report.errors)
    form.add_error(
        "file",
        ngettext(
            "%(n)s line was not imported: see the table of lines not imported below. Correct it in your "
            "file and send the file again; the lines already imported are recognised by their id and left "
            "as they are.",
            "%(n)s lines were not imported: see the table of lines not imported below. Correct them in your "
            "file and send the file again; the lines already imported are recognised by their id and left "
            "as they are.",
            n,
        )
        % {"n": n},
    )
    return _manage_page(
        request, panel, import_form=form, import_problems=report.errors[:IMPORT_PROBLEMS_SHOWN],
        import_problems_hidden=max(0, n - IMPORT_PROBLEMS_SHOWN),
    )  # fmt: skip


@login_required
@require_POST
def save_quotas(request, pk):
    """Quotas typed in the textarea: refused lines, or the service's refusal, come back under the field
    with the text as typed (the management page shown again, not emptied by a redirect)."""
    _require(rules.can_organise(request.user))
    panel = get_object_or_404(Panel, pk=pk)
    form = forms.QuotasForm(data=request.POST)
    if form.is_valid():
        quotas = []
        for number, line in enumerate(form.cleaned_data["quotas"].splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split(",")]
            try:
                category, value, low, high = cells
                quotas.append(services.QuotaInput(category, value, int(low), int(high)))
            except ValueError:
                form.add_error(
                    "quotas", _("Line %(n)s: write category, value, minimum, maximum.") % {"n": number}
                )
        if not form.errors and _post_form(
            request, form,
            lambda _data: services.replace_quotas(actor=request.user, panel=panel, quotas=quotas),
            _("Quotas saved."),
        ):  # fmt: skip
            return _to_manage(panel)
    return _manage_page(request, panel, quota_form=form)


@login_required
@require_POST
def propose_quotas(request, pk):
    panel = get_object_or_404(Panel, pk=pk)
    _attempt(
        request,
        lambda: services.propose_quotas(actor=request.user, panel=panel),
        _("Quotas proposed from the French population shares. Review and edit them."),
    )
    return _to_manage(panel)


@login_required
@require_POST
def run_selection(request, pk):
    panel = get_object_or_404(Panel, pk=pk)
    form = forms.SelectionForm(data=request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.start_selection(actor=request.user, panel=panel, seed=form.cleaned_data["seed"]),
            _("The selection has started."),
        )
    return _to_manage(panel)


@login_required
@require_POST
def abandon_selection(request, pk):
    selection = get_object_or_404(Selection.objects.select_related("panel"), pk=pk)
    _require(rules.can_organise(request.user))
    _attempt(
        request,
        lambda: services.abandon_selection(actor=request.user, selection=selection),
        _("The draw is abandoned: nobody was seated. You can run the selection again."),
    )
    return _to_manage(selection.panel)


@login_required
@require_POST
def replace_member(request, pk):
    member = get_object_or_404(PanelMember.objects.select_related("panel"), pk=pk)
    _require(rules.can_run_panel(request.user, member.panel))
    _attempt(
        request,
        lambda: services.replace_member(actor=request.user, member=member),
        lambda newcomer: _("%(name)s takes the seat.") % {"name": newcomer.volunteer.public_name},
    )
    return _to_manage(member.panel)


def _milestone_action(request, pk, form_class, service, success, failed_as):
    """An organiser's form about one promised milestone, then back to its recommendation's page (shown
    again with the form as sent when it failed)."""
    milestone = get_object_or_404(Milestone.objects.select_related("response__recommendation"), pk=pk)
    _require(rules.can_organise(request.user))
    form = form_class(data=request.POST, milestone=milestone)
    done = _post_form(
        request, form, lambda data: service(actor=request.user, milestone=milestone, **data), success
    )
    recommendation = milestone.response.recommendation
    return _done_or_again(request, done, recommendation, **{failed_as: (milestone.pk, form)})


@login_required
@require_POST
def complete_milestone(request, pk):
    return _milestone_action(
        request,
        pk,
        forms.MilestoneDoneForm,
        services.complete_milestone,
        _("The milestone is marked as done."),
        "milestone_done",
    )


@login_required
@require_POST
def change_milestone(request, pk):
    return _milestone_action(
        request, pk, forms.MilestoneChangeForm, services.change_milestone,
        _("The milestone is changed; the date first promised stays shown."), "milestone_change",
    )  # fmt: skip


@login_required
def record_response(request, pk):
    recommendation = get_object_or_404(Recommendation.objects.select_related("panel"), pk=pk)
    _require(rules.can_organise(request.user))
    form = forms.ResponseForm(data=request.POST if request.method == "POST" else None)
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
        },
    )
