"""Pages of the citizen panels. Thin: read through selectors, write through services. Every action is a
plain form POST: done, it redirects with a success message; refused (bad input, or the service's
`DeliberationError`), it shows its page again with the form as sent and the errors under the fields."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import require_rule
from accounts.refusals import attempt, json_refusal, post_form, show_form_errors, show_refusal
from accounts.rules import anyone
from consultation import rules as consultation_rules
from consultation.ratelimit import is_rate_limited

from .. import forms, hooks, rules, selectors, services
from ..models import (
    AgendaItem,
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
from ..strata import category_label, value_label

# What each page is about, loaded from its address before its rule is decided (accounts/permissions.py).


def _public_panel(pk: int | None = None) -> Panel | None:
    return get_object_or_404(selectors.public_panels(), pk=pk) if pk is not None else None


def _panel(pk: int, **_kwargs) -> Panel:
    return get_object_or_404(Panel, pk=pk)


def _session(pk: int) -> Session:
    return get_object_or_404(Session.objects.select_related("panel"), pk=pk)


def _recommendation(pk: int) -> Recommendation:
    return get_object_or_404(Recommendation.objects.select_related("panel", "session"), pk=pk)


def _document(pk: int) -> Document:
    return get_object_or_404(Document.objects.select_related("panel"), pk=pk)


def _amendment(pk: int) -> Amendment:
    return get_object_or_404(Amendment.objects.select_related("recommendation__panel"), pk=pk)


def _selection(pk: int) -> Selection:
    return get_object_or_404(Selection.objects.select_related("panel"), pk=pk)


def _member(pk: int) -> PanelMember:
    return get_object_or_404(PanelMember.objects.select_related("panel"), pk=pk)


def _milestone(pk: int) -> Milestone:
    return get_object_or_404(Milestone.objects.select_related("response__recommendation__panel"), pk=pk)


def _upload_limit_mb() -> float:
    return settings.PACTE_IMPORT_PAGE_MAX_MB


# --------------------------------------------------------------------------------------------------
# Public pages
# --------------------------------------------------------------------------------------------------


@require_rule(anyone)
def panel_list(request):
    panels = selectors.public_panels()
    if rules.can_organise(request.user):
        panels = Panel.objects.all()
    run = selectors.panels_run_by(request.user) if rules.can_be_assigned(request.user) else None
    return render(request, "deliberation/panel_list.html", {"panels": panels, "panels_i_run": run})


@require_rule(rules.can_view_panel, object_from=_panel, hide=True)
def panel_detail(request, panel, pk):
    can_run = rules.can_run_panel(request.user, panel)
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


@require_rule(anyone, object_from=_public_panel)
def accountability(request, panel, pk=None):
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
            "definitions": selectors.answer_status_definitions(),
        },
    )


@require_rule(anyone, object_from=_public_panel)
def selection_report(request, panel, pk):
    selection = selectors.published_selection(panel)
    composition = [
        {
            **row,
            "category_label": category_label(row["category"]).capitalize(),
            "value_label": value_label(row["category"], row["value"]),
        }
        for row in (selection.composition if selection else [])
    ]
    events = selectors.selection_audit_trail(selection)
    return render(
        request,
        "deliberation/selection_report.html",
        {"panel": panel, "selection": selection, "composition": composition, "events": events,
         "latest": selectors.latest_selection(panel), "check": _draw_check(selection)},
    )  # fmt: skip


def _draw_check(selection: Selection | None) -> dict | None:
    """What the report shows under "the check": does the revealed seed match the commitment published
    before the draw, and does the published lottery with that seed give the seated panel?"""
    if selection is None or not selection.lottery:
        return None
    from .. import lottery

    try:
        redrawn = services.redraw(selection)
    except services.DeliberationError:
        redrawn = None
    return {
        "seed_matches": lottery.commitment(selection.seed) == selection.seed_commitment,
        "panel_matches": redrawn is not None and sorted(redrawn) == sorted(selection.drawn),
    }


def _public_panel_of_lottery(pk: int, selection: int) -> Panel:
    return _public_panel(pk)


@require_rule(anyone, object_from=_public_panel_of_lottery)
def selection_lottery(request, panel, pk, selection):
    """The lottery published before a draw, byte for byte as its SHA-256 was recorded (a download)."""
    record = get_object_or_404(panel.selections.exclude(lottery_sha256=""), pk=selection)
    response = HttpResponse(services.lottery_file(record), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="pacte-lottery-{panel.pk}-{record.pk}.json"'
    return response


@require_rule(rules.can_view_panel, object_from=_panel, hide=True)
def selection_status(request, panel, pk):
    """What the page polls (static/pacte/live-progress.js): the state of the latest run, from the database,
    worded in the language the page asks for (its `Accept-Language`). `summary` is the status and our
    sentence; `note` the sortition library's own note (English), in an element whose `lang` the script sets
    from `note_lang` (empty when there is no note)."""
    selection = selectors.latest_selection(panel)
    if selection is None:
        return json_refusal(_("No selection has been run."), 404)
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


@require_rule(rules.can_view_panel, object_from=_panel, login=True, hide=True)
def volunteer(request, panel, pk):
    form = forms.VolunteerForm(data=request.POST if request.method == "POST" else None)
    # An invalid form is shown again with its errors next to the fields (not as messages).
    if request.method == "POST" and form.is_valid():
        joined = attempt(
            request,
            lambda: services.volunteer(
                user=request.user,
                panel=panel,
                consent=form.cleaned_data["consent"],
                language=translation.get_language(),
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
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


@require_rule(rules.can_view_panel, object_from=_panel, login=True, hide=True)
def withdraw(request, panel, pk):
    """Leave the pool of a panel: GET explains what happens and asks to confirm, POST does it. Only one's
    own volunteering: someone not in the pool gets a 404 page, and a POST (the form sent twice, an old
    tab) goes back to the panel with the service's refusal."""
    volunteering = selectors.volunteering(request.user, panel)
    if request.method == "POST":
        left = attempt(
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


@require_rule(rules.can_enter_member_space, object_from=_panel, login=True)
def member_space(request, panel, pk):
    return _member_space_page(request, panel)


def _member_space_page(request, panel, failed_code: tuple[int, forms.CheckInCodeForm] | None = None):
    """The member space (its rule, `can_enter_member_space`, decided by the view that shows it);
    `failed_code` = (session id, its check-in form as sent) when that form failed."""
    seat = rules.active_seat(request.user, panel)
    sessions = list(panel.sessions.prefetch_related("agenda"))
    attended = set(seat.attendances.values_list("session_id", flat=True)) if seat else set()
    for s in sessions:
        s.code_form = forms.CheckInCodeForm(auto_id=f"code-{s.pk}-%s")
        if failed_code and failed_code[0] == s.pk and seat and s.pk not in attended:
            s.code_form, failed_code = failed_code[1], None
    if failed_code:  # the form is not offered any more (checked in meanwhile): its errors as messages
        show_form_errors(request, failed_code[1])
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


@require_rule(rules.can_read_document, object_from=_document, login=True)
def document_download(request, document, pk):
    return FileResponse(document.file.open("rb"), as_attachment=True)


@require_POST
@require_rule(rules.can_check_in_at, object_from=_session, login=True)
def check_in_code(request, session, pk):
    form = forms.CheckInCodeForm(data=request.POST, auto_id=f"code-{session.pk}-%s")
    # Six characters can be guessed by trying: attempts are counted per member and per session.
    if form.is_valid() and is_rate_limited(request, "checkin_code", session=str(session.pk)):
        form.add_error(
            "code",
            _("Too many attempts: wait a few minutes, or ask the facilitator to check you in."),
        )
        return _member_space_page(request, session.panel, failed_code=(session.pk, form))
    if post_form(
        request, form,
        lambda data: services.check_in_with_code(user=request.user, session=session, code=data["code"]),
        _("You are checked in at this session."),
    ):  # fmt: skip
        return redirect("deliberation:member_space", pk=session.panel_id)
    return _member_space_page(request, session.panel, failed_code=(session.pk, form))


@require_rule(rules.can_read_recommendation, object_from=_recommendation)
def recommendation_detail(request, recommendation, pk):
    return _recommendation_page(request, recommendation)


def _recommendation_page(request, recommendation, **failed):
    """The recommendation's page. `failed` holds the form that was just sent and failed, as sent: under its
    context name (`amendment_form`, `ballot_form`, `open_vote_form`), or as `decision` / `milestone_done` /
    `milestone_change` = (amendment or milestone id, form) for the forms repeated per amendment or
    milestone. A failed form the page no longer offers (the vote cast meanwhile, the milestone done) has
    its errors shown as messages instead. Its rule (`can_read_recommendation`, or a stronger one) was
    decided by the view."""
    panel = recommendation.panel
    seat = rules.active_seat(request.user, panel)
    decided = recommendation.status in (
        Recommendation.Status.ADOPTED, Recommendation.Status.REJECTED, Recommendation.Status.NO_BALLOT
    )  # fmt: skip
    can_run = rules.can_run_panel(request.user, panel)
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
        "open_vote_form": rules.can_open_vote(request.user, recommendation),
    }
    single = {key: form for key, form in failed.items() if key in offered and offered[key]}
    for key, sent in failed.items():
        if key not in shown and key not in single:
            show_form_errors(request, sent[1] if isinstance(sent, tuple) else sent)
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
            "open_vote_form": forms.OpenVoteForm(panel=panel, recommendation=recommendation),
            "can_open_vote": rules.can_open_vote(request.user, recommendation),
            "can_close_vote": rules.can_close_vote(request.user, recommendation),
            "sections": hooks.recommendation_sections(recommendation, request.user),
            **single,
        },
    )


def _back_to(recommendation):
    return redirect("deliberation:recommendation", pk=recommendation.pk)


def _done_or_again(request, done: bool, recommendation, **failed):
    """After a form about a recommendation: its page, redirected to when done, else shown again with the
    form as sent."""
    return _back_to(recommendation) if done else _recommendation_page(request, recommendation, **failed)


@require_POST
@require_rule(rules.is_member_of_panel_of, object_from=_recommendation, login=True)
def propose_amendment(request, recommendation, pk):
    form = forms.AmendmentForm(data=request.POST)
    done = post_form(
        request, form,
        lambda data: services.propose_amendment(user=request.user, recommendation=recommendation, **data),
        _("Your amendment has been sent to the facilitators."),
    )  # fmt: skip
    return _done_or_again(request, done, recommendation, amendment_form=form)


@require_POST
@require_rule(rules.is_member_of_panel_of, object_from=_recommendation, login=True)
def cast_ballot(request, recommendation, pk):
    form = forms.BallotForm(data=request.POST)
    done = post_form(
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


@require_rule(rules.can_run_panel, object_from=_panel, login=True)
def facilitate(request, panel, pk):
    return _facilitate_page(request, panel)


def _facilitate_page(request, panel, **failed):
    """The facilitation page; `failed` holds the form just sent that failed, as sent, under its name."""
    if "recommendation_form" in failed and not panel.sessions.exists():  # not offered without a session
        show_form_errors(request, failed.pop("recommendation_form"))
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
            "members": panel.members.select_related("volunteer__user", "replaced_by__volunteer__user"),
            "reserve_list": (
                selectors.reserve_list(panel) if rules.can_see_reserve_list(request.user, panel) else None
            ),
            "can_see_identity": rules.can_see_member_identity(request.user, panel),
            **failed,
        },
    )


@require_POST
@require_rule(rules.can_run_panel, object_from=_panel, login=True)
def schedule_session(request, panel, pk):
    form = forms.SessionForm(data=request.POST)
    done = post_form(
        request, form,
        lambda data: services.schedule_session(actor=request.user, panel=panel, **data),
        _("Session scheduled."),
    )  # fmt: skip
    if done:
        return redirect("deliberation:facilitate", pk=panel.pk)
    return _facilitate_page(request, panel, session_form=form)


@require_POST
@require_rule(rules.can_run_panel, object_from=_panel, login=True, max_upload_mb=_upload_limit_mb)
def upload_document(request, panel, pk):
    form = forms.DocumentForm(data=request.POST, files=request.FILES)
    done = post_form(
        request, form,
        lambda data: services.upload_document(actor=request.user, panel=panel, **data),
        _("Document added to the evidence library."),
    )  # fmt: skip
    if done:
        return redirect("deliberation:facilitate", pk=panel.pk)
    return _facilitate_page(request, panel, document_form=form)


@require_POST
@require_rule(rules.can_run_panel, object_from=_panel, login=True)
def create_recommendation(request, panel, pk):
    form = forms.RecommendationForm(data=request.POST, panel=panel)
    done = post_form(
        request, form,
        lambda data: services.create_recommendation(actor=request.user, panel=panel, **data),
        _("Draft recommendation created."),
    )  # fmt: skip
    if done:
        return redirect("deliberation:facilitate", pk=panel.pk)
    return _facilitate_page(request, panel, recommendation_form=form)


@require_rule(rules.can_run_session, object_from=_session, login=True)
def console(request, session, pk):
    return _console_page(request, session)


def _console_page(request, session, **failed):
    """The session console; `failed` holds the form just sent that failed, as sent, under its name
    (`edit_item` = (item id, its form) for the forms repeated per agenda item)."""
    items = list(session.agenda.all())
    over = selectors.session_is_over(session)
    current = None if over else selectors.current_agenda_item(items)
    remaining = selectors.remaining_seconds(current) if current else None
    sent = failed.pop("edit_item", None)
    for item in items:
        if sent and sent[0] == item.pk:
            item.edit_form, sent = sent[1], None
        else:
            item.edit_form = forms.AgendaItemForm(
                auto_id=f"item-{item.pk}-%s",
                initial={"title": item.title, "kind": item.kind, "duration_minutes": item.duration_minutes},
            )
    if sent:  # the item was removed meanwhile: its form's errors as messages
        show_form_errors(request, sent[1])
    attendances = {a.member_id: a for a in session.attendances.all()}
    members = session.panel.members.filter(status=PanelMember.Status.ACTIVE).select_related("volunteer__user")
    can_see_identity = rules.can_see_member_identity(request.user, session.panel)
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
            # The countdown: the server's clock is the truth, the script only counts from it. Milliseconds:
            # the precision every browser's Date.parse reads in ISO 8601.
            "ends_at": (
                selectors.agenda_item_ends_at(current).isoformat(timespec="milliseconds") if current else ""
            ),
            "server_now": timezone.now().isoformat(timespec="milliseconds"),
            "members": [selectors.MemberRow(m, attendances.get(m.pk), can_see_identity) for m in members],
            "can_see_identity": can_see_identity,
            "present_count": len(attendances),
            "agenda_form": forms.AgendaItemForm(),
            "minutes_form": forms.MinutesForm(initial={"minutes": session.minutes}),
            **failed,
        },
    )


def _to_console(session):
    return redirect("deliberation:console", pk=session.pk)


@require_POST
@require_rule(rules.can_run_session, object_from=_session, login=True)
def move_agenda(request, session, pk):
    services.move_agenda(
        actor=request.user, session=session, forward=request.POST.get("direction") != "previous"
    )
    return _to_console(session)


@require_POST
@require_rule(rules.can_run_session, object_from=_session, login=True)
def add_agenda_item(request, session, pk):
    form = forms.AgendaItemForm(data=request.POST)
    if post_form(
        request, form,
        lambda data: services.add_agenda_item(actor=request.user, session=session, **data),
        _("Agenda item added."),
    ):  # fmt: skip
        return _to_console(session)
    return _console_page(request, session, agenda_form=form)


@require_POST
@require_rule(rules.can_run_session, object_from=_session, login=True)
def check_in(request, session, pk):
    member_id = request.POST.get("member", "")
    member_pk = int(member_id) if member_id.isdigit() else 0
    member = PanelMember.objects.filter(pk=member_pk, panel=session.panel).first()
    if member is None:  # no member chosen, or one of another panel: the console again, with the reason
        messages.error(request, _("This person is not an active member of the panel."))
        return _to_console(session)
    try:
        services.check_in(actor=request.user, session=session, member=member)
    except services.DeliberationError as error:
        show_refusal(request, error)
    return _to_console(session)


@require_POST
@require_rule(rules.can_run_session, object_from=_session, login=True)
def undo_check_in(request, session, pk):
    member_id = request.POST.get("member", "")
    member_pk = int(member_id) if member_id.isdigit() else 0
    member = (
        PanelMember.objects.select_related("volunteer__user")
        .filter(pk=member_pk, panel=session.panel)
        .first()
    )
    if member is None:  # as check_in: the console again, with the reason
        messages.error(request, _("This person is not an active member of the panel."))
        return _to_console(session)
    name = member.volunteer.team_name
    attempt(
        request,
        lambda: services.undo_check_in(actor=request.user, session=session, member=member),
        _("The check-in of %(name)s is undone.") % {"name": name},
    )
    return _to_console(session)


def _agenda_item(pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("session__panel"), pk=pk)


@require_POST
@require_rule(rules.can_edit_agenda_item, object_from=_agenda_item, login=True)
def edit_agenda_item(request, item, pk):
    form = forms.AgendaItemForm(data=request.POST, auto_id=f"item-{item.pk}-%s")
    if post_form(
        request, form,
        lambda data: services.edit_agenda_item(actor=request.user, session=item.session, item=item, **data),
        _("Agenda item changed."),
    ):  # fmt: skip
        return _to_console(item.session)
    return _console_page(request, item.session, edit_item=(item.pk, form))


@require_POST
@require_rule(rules.can_edit_agenda_item, object_from=_agenda_item, login=True)
def move_agenda_item(request, item, pk):
    attempt(
        request,
        lambda: services.move_agenda_item(
            actor=request.user, session=item.session, item=item, up=request.POST.get("direction") == "up"
        ),
        lambda moved: (
            _("“%(title)s” is now item %(n)s of the agenda.")
            % {"title": moved.title, "n": _agenda_position(moved)}
        ),
    )
    return _to_console(item.session)


def _agenda_position(item: AgendaItem) -> int:
    """The item's number on the agenda as the console shows it (1 for the first)."""
    return (
        list(AgendaItem.objects.filter(session_id=item.session_id).values_list("pk", flat=True)).index(
            item.pk
        )
        + 1
    )


@require_POST
@require_rule(rules.can_edit_agenda_item, object_from=_agenda_item, login=True)
def remove_agenda_item(request, item, pk):
    attempt(
        request,
        lambda: services.remove_agenda_item(actor=request.user, session=item.session, item=item),
        _("“%(title)s” is removed from the agenda.") % {"title": item.title},
    )
    return _to_console(item.session)


@require_POST
@require_rule(rules.can_run_session, object_from=_session, login=True)
def save_minutes(request, session, pk):
    form = forms.MinutesForm(data=request.POST)
    if post_form(
        request, form,
        lambda data: services.save_minutes(actor=request.user, session=session, minutes=data["minutes"]),
        _("Minutes saved."),
    ):  # fmt: skip
        return _to_console(session)
    return _console_page(request, session, minutes_form=form)


@require_POST
@require_rule(rules.can_decide_amendments_of, object_from=_amendment, login=True)
def decide_amendment(request, amendment, pk):

    def decide(data):
        if data["decision"] == "accept":
            services.accept_amendment(actor=request.user, amendment=amendment, reason=data["reason"])
        else:
            services.reject_amendment(actor=request.user, amendment=amendment, reason=data["reason"])

    form = forms.AmendmentDecisionForm(data=request.POST, auto_id=f"decision-{amendment.pk}-%s")
    done = post_form(request, form, decide, _("Decision recorded."))
    return _done_or_again(request, done, amendment.recommendation, decision=(amendment.pk, form))


@require_POST
@require_rule(rules.can_run_recommendation, object_from=_recommendation, login=True)
def open_vote(request, recommendation, pk):
    form = forms.OpenVoteForm(data=request.POST, panel=recommendation.panel, recommendation=recommendation)
    done = post_form(
        request, form,
        lambda data: services.open_vote(
            actor=request.user, recommendation=recommendation, session=data["session"]
        ),
        _("The vote is open."),
    )  # fmt: skip
    return _done_or_again(request, done, recommendation, open_vote_form=form)


@require_rule(rules.can_run_recommendation, object_from=_recommendation, login=True)
def close_vote(request, recommendation, pk):
    """Closing a vote publishes its result at once and for good: GET (or a POST without the confirmation)
    shows what will happen, with the turnout so far, and asks to confirm; the confirmed POST closes it."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        attempt(
            request,
            lambda: services.close_vote(actor=request.user, recommendation=recommendation),
            lambda closed: _("The vote is closed: no ballot was cast, nothing was decided. The vote can be "
                             "opened again.") if closed.status == Recommendation.Status.NO_BALLOT
            else _("The vote is closed and the result published."),
        )  # fmt: skip
        return _back_to(recommendation)
    if not rules.can_close_vote(request.user, recommendation):
        messages.error(request, _("This vote is not open."))
        return _back_to(recommendation)
    return render(
        request,
        "deliberation/close_vote.html",
        {
            "recommendation": recommendation,
            "panel": recommendation.panel,
            "turnout": selectors.open_vote_turnout(recommendation),
        },
    )


# --------------------------------------------------------------------------------------------------
# Organisers
# --------------------------------------------------------------------------------------------------


@require_rule(rules.can_organise, login=True)
def panel_create(request):
    form = forms.PanelForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        panel = services.create_panel(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Panel created. Set its quotas and open it to volunteers."))
        return redirect("deliberation:manage", pk=panel.pk)
    return render(request, "deliberation/panel_form.html", {"form": form})


def _quota_lines(panel) -> str:
    return "\n".join(f"{q.category}, {q.value}, {q.min}, {q.max}" for q in panel.quotas.all())


@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def manage(request, panel, pk):
    return _manage_page(request, panel)


def _manage_page(request, panel, **failed):
    """The management page (member e-mails, pool, quotas): shown only by views whose rule is
    `can_manage_panel`. `failed` holds the form just sent that failed, as sent, under its name."""
    if "assign_form" in failed and not failed["assign_form"].fields["facilitator"].queryset.exists():
        show_form_errors(request, failed.pop("assign_form"))  # nobody left to assign: the form is not shown
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
            "quotas": [
                {
                    "quota": q,
                    "category_label": category_label(q.category).capitalize(),
                    "value_label": value_label(q.category, q.value),
                }
                for q in panel.quotas.all()
            ],  # fmt: skip
            "reserve_list": selectors.reserve_list(panel),
            "can_see_identity": rules.can_see_member_identity(request.user, panel),
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


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def set_status(request, panel, pk):
    if request.POST.get("status") in Panel.Status.values:
        attempt(
            request,
            lambda: services.set_panel_status(actor=request.user, panel=panel, status=request.POST["status"]),
            _("Status updated."),
        )
    return _to_manage(panel)


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def assign_facilitator(request, panel, pk):
    form = forms.AssignFacilitatorForm(data=request.POST, panel=panel)
    if post_form(
        request, form,
        lambda data: services.assign_facilitator(actor=request.user, panel=panel, user=data["facilitator"]),
        _("The facilitator now runs this panel."),
    ):  # fmt: skip
        return _to_manage(panel)
    return _manage_page(request, panel, assign_form=form)


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def unassign_facilitator(request, panel, pk, user_pk):
    person = get_object_or_404(User, pk=user_pk)
    attempt(
        request,
        lambda: services.unassign_facilitator(actor=request.user, panel=panel, user=person),
        _("%(person)s no longer runs this panel.") % {"person": person.email},
    )
    return _to_manage(panel)


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def link_consultation(request, panel, pk):
    form = forms.ConsultationLinkForm(data=request.POST)
    if post_form(
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


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True, max_upload_mb=_upload_limit_mb)
def import_volunteers(request, panel, pk):
    """A CSV of volunteers. What is refused (the file, or some of its lines) comes back in the page next to
    the file field (a summary above the form, the refused lines in a table: line, column, value, problem),
    with the form ready for a corrected file; the lines imported stay imported. Its rule is decided, and
    the upload's declared size checked, before the upload is read (accounts/permissions.py)."""
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


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def save_quotas(request, panel, pk):
    """Quotas typed in the textarea: refused lines, or the service's refusal, come back under the field
    with the text as typed (the management page shown again, not emptied by a redirect)."""
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
        if not form.errors and post_form(
            request, form,
            lambda _data: services.replace_quotas(actor=request.user, panel=panel, quotas=quotas),
            _("Quotas saved."),
        ):  # fmt: skip
            return _to_manage(panel)
    return _manage_page(request, panel, quota_form=form)


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def propose_quotas(request, panel, pk):
    attempt(
        request,
        lambda: services.propose_quotas(actor=request.user, panel=panel),
        _("Quotas proposed from the French population shares. Review and edit them."),
    )
    return _to_manage(panel)


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def run_selection(request, panel, pk):
    form = forms.SelectionForm(data=request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.start_selection(actor=request.user, panel=panel, seed=form.cleaned_data["seed"]),
            _("The selection has started."),
        )
    return _to_manage(panel)


@require_POST
@require_rule(rules.can_manage_selection, object_from=_selection, login=True)
def abandon_selection(request, selection, pk):
    attempt(
        request,
        lambda: services.abandon_selection(actor=request.user, selection=selection),
        _("The draw is abandoned: nobody was seated. You can run the selection again."),
    )
    return _to_manage(selection.panel)


@require_rule(rules.can_run_member_panel, object_from=_member, login=True)
def replace_member(request, member, pk):
    """Giving a member's seat to a reserve cannot be undone: GET shows who leaves, who is next on the reserve
    list and asks for the reason (required, recorded with the replacement); the POST does it. Refused, the
    page comes back with the reason as typed."""
    member = (  # with what the page shows
        PanelMember.objects.select_related("panel", "volunteer__user", "selection").get(pk=member.pk)
    )
    form = forms.ReplaceMemberForm(data=request.POST if request.method == "POST" else None)
    # A refusal of the service comes as messages (the sortition core's own explanation marked as English,
    # `_error`), above the form kept as typed.
    if request.method == "POST" and form.is_valid() and attempt(
        request,
        lambda: services.replace_member(
            actor=request.user, member=member, reason=form.cleaned_data["reason"]
        ),
        lambda newcomer: _("%(name)s takes the seat.") % {"name": newcomer.volunteer.team_name},
    ):  # fmt: skip
        return redirect(_after_replacement(request, member.panel))
    return render(
        request,
        "deliberation/replace_member.html",
        {
            "member": member,
            "panel": member.panel,
            "form": form,
            "allowed": rules.can_replace_member(request.user, member),
            "reserve_list": selectors.reserve_list(member.panel),
            "back": _after_replacement(request, member.panel),
        },
    )


def _after_replacement(request, panel) -> str:
    """Back to the management page for organisers, to the facilitation page for the facilitators."""
    if rules.can_organise(request.user):
        return reverse("deliberation:manage", args=[panel.pk])
    return reverse("deliberation:facilitate", args=[panel.pk])


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
            "definitions": selectors.answer_status_definitions(),
        },
    )
