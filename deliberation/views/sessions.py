"""Pages of the sessions: the member space and check-in by code, documents, scheduling, the facilitators'
console (agenda, attendance, minutes)."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require_rule
from accounts.refusals import attempt, post_form, show_form_errors, show_refusal
from consultation.ratelimit import is_rate_limited

from .. import forms, presenters, rules, selectors, services
from ..models import AgendaItem, PanelMember
from ._common import _document, _panel, _session, _upload_limit_mb
from .panels import _facilitate_page


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
        # A code no longer live checks no one in (`services.check_in_with_code`): no form for it.
        s.over = not rules.checkin_code_works(s)
        s.code_note = presenters.checkin_code_note(rules.session_phase(s), team=False)
        s.code_form = forms.CheckInCodeForm(auto_id=f"code-{s.pk}-%s")
        if failed_code and failed_code[0] == s.pk and seat and s.pk not in attended and not s.over:
            s.code_form, failed_code = failed_code[1], None
    if failed_code:  # the form is not offered any more (checked in meanwhile): its errors as messages
        show_form_errors(request, failed_code[1])
    recommendations = presenters.public_recommendations(
        panel.recommendations.select_related("vote_session").prefetch_related(
            "amendments", "responses__milestones"
        )
    )
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


@require_rule(rules.can_run_session, object_from=_session, login=True)
def console(request, session, pk):
    return _console_page(request, session)


def _console_page(request, session, **failed):
    """The session console; `failed` holds the form just sent that failed, as sent, under its name
    (`edit_item` = (item id, its form) for the forms repeated per agenda item)."""
    items = list(session.agenda.all())
    phase = rules.session_phase(session)
    over = phase == rules.SessionPhase.FINISHED
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
    can_add = rules.can_add_to_agenda(request.user, session)
    if "agenda_form" in failed and not can_add:  # not offered once the session is over: as messages
        show_form_errors(request, failed.pop("agenda_form"))
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
            # Recorded after its day: the console says why *Next item* and the code are not offered.
            "to_record": phase == rules.SessionPhase.TO_RECORD,
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
            "can_rearrange_agenda": rules.can_rearrange_agenda(request.user, session),
            "can_move_through_agenda": rules.can_move_through_agenda(request.user, session),
            "can_end_session": rules.can_end_session(request.user, session),
            "can_reopen_session": rules.can_reopen_session(request.user, session),
            "can_record_attendance": rules.can_record_attendance(request.user, session),
            # Reopened after its day: the callout says so rather than "not run from this console".
            "reopened": rules.reopened_after_its_day(session),
            "can_add_to_agenda": can_add,
            # The code is a credential of the session: not in a finished session's page at all.
            "can_see_checkin_code": rules.can_see_checkin_code(request.user, session),
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
    attempt(
        request,
        lambda: services.move_agenda(
            actor=request.user, session=session, forward=request.POST.get("direction") != "previous"
        ),
        None,
    )
    return _to_console(session)


@require_POST
@require_rule(rules.can_run_session, object_from=_session, login=True)
def end_session(request, session, pk):
    attempt(
        request,
        lambda: services.end_session(actor=request.user, session=session),
        _("The session is ended: its agenda stays as it was held."),
    )
    return _to_console(session)


@require_rule(rules.can_run_session, object_from=_session, login=True)
def reopen_session(request, session, pk):
    """Reopening a finished session (ended by mistake, or to record what was forgotten) is confirmed: GET
    (or a POST without the confirmation) says what it gives back and that the votes counted at the
    session stay as counted; the confirmed POST reopens it. Refused: the console, with the reason."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        attempt(
            request,
            lambda: services.reopen_session(actor=request.user, session=session),
            lambda reopened: (
                _("The session is reopened: it is live again until you end it.")
                if rules.session_phase(reopened) == rules.SessionPhase.LIVE
                else _("The session is reopened: record what was missing, then end it again.")
            ),
        )
        return _to_console(session)
    refusal = services.reopen_refusal(session)
    if refusal:
        messages.error(request, refusal)
        return _to_console(session)
    return render(
        request,
        "deliberation/reopen_session.html",
        {
            "session": session,
            "panel": session.panel,
            "live_again": rules.phase_once_reopened(session) == rules.SessionPhase.LIVE,
            "votes": selectors.votes_held_at(session),
        },
    )


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
