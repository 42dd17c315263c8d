"""The panel's sessions: scheduling, the agenda run from the console, documents, attendance, minutes."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.roles import Role
from textsafety.normalise import normalises_text

from .. import rules, selectors
from ..models import AgendaItem, Attendance, BallotReceipt, Document, Panel, PanelMember, Session
from ._common import DeliberationError, _record_by_panel_team, _require, _tell_panel


def where_refusal(place: str, video_link: str) -> DeliberationError | None:
    """A session takes place somewhere: a place, a video link, or both. The refusal when neither is given
    (`field` "where": the form's fieldset of the two), checked by the form too, with its other fields."""
    if not place and not video_link:
        return DeliberationError(_("Give a place or a video link."), field="where")
    return None


@normalises_text
@transaction.atomic
def schedule_session(
    *, actor, panel: Panel, title: str, starts_at, place: str = "", video_link: str = ""
) -> Session:
    _require(rules.can_run_panel(actor, panel))
    if refusal := where_refusal(place, video_link):
        raise refusal
    session = Session.objects.create(
        panel=panel, title=title, starts_at=starts_at, place=place, video_link=video_link
    )
    _record_by_panel_team(
        actor=actor,
        action="session.scheduled",
        obj=session,
        details={"panel": panel.pk},
    )
    _tell_panel("session", session.pk)
    return session


def _refuse_once_over(session: Session, message: str | None = None) -> None:
    """A finished session's agenda is the record of what was held: no reordering, removing, adding, nor
    moving through it (`rules.session_phase`, `rules.can_rearrange_agenda`, `rules.can_add_to_agenda`)."""
    if rules.session_is_over(session):
        raise DeliberationError(
            message
            or _("This session is over: its agenda stays as it was held and can no longer be rearranged."),
            status=409,
        )


@normalises_text
@transaction.atomic
def add_agenda_item(*, actor, session: Session, title: str, kind: str, duration_minutes: int) -> AgendaItem:
    _require(rules.can_run_panel(actor, session.panel))
    _refuse_once_over(
        session, _("This session is over: its agenda stays as it was held and no item can be added to it.")
    )
    last = session.agenda.aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem.objects.create(
        session=session,
        order=last + 1,
        title=title,
        kind=AgendaItem.Kind(kind),
        duration_minutes=duration_minutes,
    )
    _record_by_panel_team(actor=actor, action="session.agenda_item_added", obj=item)
    return item


def _locked_item(session: Session, item: AgendaItem) -> AgendaItem:
    item = AgendaItem.objects.select_for_update().filter(pk=item.pk, session_id=session.pk).first()
    if item is None:
        raise DeliberationError(_("This agenda item is no longer on the agenda (it may have been removed)."))
    return item


@normalises_text
@transaction.atomic
def edit_agenda_item(
    *, actor, session: Session, item: AgendaItem, title: str, kind: str, duration_minutes: int
) -> AgendaItem:
    """Correct an item's title, kind or duration (also of the running item: its countdown follows)."""
    _require(rules.can_edit_agenda(actor, session))
    item = _locked_item(session, item)
    before = {"title": item.title, "kind": item.kind, "duration_minutes": item.duration_minutes}
    item.title, item.kind, item.duration_minutes = title.strip(), AgendaItem.Kind(kind), duration_minutes
    if not item.title:
        raise DeliberationError(_("An agenda item needs a title."))
    item.save(update_fields=["title", "kind", "duration_minutes"])
    after = {"title": item.title, "kind": item.kind, "duration_minutes": item.duration_minutes}
    _record_by_panel_team(
        actor=actor, action="session.agenda_item_edited", obj=session,
        details={"item": item.pk, "before": before, "after": after},
    )  # fmt: skip
    return item


@transaction.atomic
def move_agenda_item(*, actor, session: Session, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap the item with the one before it (`up`) or after it. The ranks are unique per session: the
    two rows swap through a free rank (0, never used: ranks start at 1)."""
    _require(rules.can_edit_agenda(actor, session))
    _refuse_once_over(session)
    items = list(session.agenda.select_for_update().order_by("order", "id"))
    item = next((i for i in items if i.pk == item.pk), None)
    if item is None:
        raise DeliberationError(_("This agenda item is no longer on the agenda (it may have been removed)."))
    index = items.index(item)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(items):
        raise DeliberationError(
            _("This item is already the first of the agenda.") if up
            else _("This item is already the last of the agenda.")
        )  # fmt: skip
    other = items[other_index]
    mine, theirs = item.order, other.order
    AgendaItem.objects.filter(pk=item.pk).update(order=0)
    AgendaItem.objects.filter(pk=other.pk).update(order=mine)
    AgendaItem.objects.filter(pk=item.pk).update(order=theirs)
    item.order = theirs
    _record_by_panel_team(
        actor=actor, action="session.agenda_item_moved", obj=session,
        details={"item": item.pk, "up": up, "from": mine, "to": theirs},
    )  # fmt: skip
    return item


@transaction.atomic
def remove_agenda_item(*, actor, session: Session, item: AgendaItem) -> None:
    """Take an item off the agenda (a duplicate, an item dropped). Not the running one: move to the next
    item first. The audit event keeps what the item was."""
    _require(rules.can_edit_agenda(actor, session))
    _refuse_once_over(session)
    item = _locked_item(session, item)
    if item.started_at and not item.ended_at:
        raise DeliberationError(
            _("“%(title)s” is running: move to another item before removing it.") % {"title": item.title}
        )
    details = {"item": item.pk, "title": item.title, "kind": item.kind, "order": item.order,
               "duration_minutes": item.duration_minutes,
               "started_at": item.started_at.isoformat() if item.started_at else None}  # fmt: skip
    item.delete()
    _record_by_panel_team(actor=actor, action="session.agenda_item_removed", obj=session, details=details)


@transaction.atomic
def move_agenda(*, actor, session: Session, forward: bool) -> AgendaItem | None:
    """End the current item and start the next (or go back to the previous one). Returns the item now
    running, or None when the agenda is finished."""
    _require(rules.can_run_panel(actor, session.panel))
    _refuse_once_over(session)
    if not rules.checkin_code_works(session):  # recorded after its day: nothing to time
        raise DeliberationError(
            _("This session took place on %(date)s: its items are recorded, not run one after the other. "
              "Add the items that were held, check in the members who came and write the minutes.")
            % {"date": date_format(timezone.localtime(session.starts_at), "DATE_FORMAT")},
            status=409,
        )  # fmt: skip
    items = list(session.agenda.select_for_update().order_by("order"))
    now = timezone.now()
    current = selectors.current_agenda_item(items)
    if current is None:
        started = [item for item in items if item.started_at]
        index = (len(started) if forward else len(started) - 1) if started else (0 if forward else -1)
    else:
        index = items.index(current) + (1 if forward else -1)
        current.ended_at = now
        if not forward:  # going back un-starts the item we leave, so the console shows it as upcoming
            current.started_at = current.ended_at = None
        current.save(update_fields=["started_at", "ended_at"])
    if not 0 <= index < len(items):
        _record_by_panel_team(
            actor=actor,
            action="session.agenda_moved",
            obj=session,
            details={"item": None},
        )
        return None
    target = items[index]
    target.started_at, target.ended_at = now, None
    target.save(update_fields=["started_at", "ended_at"])
    _record_by_panel_team(
        actor=actor,
        action="session.agenda_moved",
        obj=session,
        details={"item": target.pk},
    )
    return target


@transaction.atomic
def end_session(*, actor, session: Session) -> Session:
    """The facilitator ends the session (`rules.can_end_session`): its agenda becomes the record of what
    was held and its check-in code stops working. A running item ends with it."""
    _require(rules.can_run_panel(actor, session.panel))
    session = Session.objects.select_for_update().get(pk=session.pk)
    now = timezone.now()
    _refuse_once_over(session, _("This session is already over."))
    if not rules.can_end_session(actor, session, now):
        raise DeliberationError(
            _("This session has not begun yet: it can be ended once its start time has passed."), status=409
        )
    session.agenda.filter(started_at__isnull=False, ended_at__isnull=True).update(ended_at=now)
    session.ended_at = now
    session.save(update_fields=["ended_at"])
    _record_by_panel_team(actor=actor, action="session.ended", obj=session)
    return session


def reopen_refusal(session: Session, now=None) -> str | None:
    """Why the panel's team cannot reopen the session now (the session's side of
    `rules.can_reopen_session`), for the service's refusal and the confirmation page; None when it can."""
    if not rules.session_is_over(session, now):
        return _("This session is not over: there is nothing to reopen.")
    if session.panel.status == Panel.Status.CLOSED:
        return _(
            "This panel is closed: the record of its sessions is final and none of them can be reopened."
        )
    return None


@transaction.atomic
def reopen_session(*, actor, session: Session) -> Session:
    """The facilitator reopens a finished session (`rules.can_reopen_session`), ended by mistake or to
    record what was forgotten: its phase is again the one its day gives (`rules.session_phase`: live on
    its day, else to record) until it is ended again. Votes counted at it stay as counted: reopening
    touches no recommendation. Audited with when it had been ended."""
    _require(rules.can_run_panel(actor, session.panel))
    session = Session.objects.select_for_update().select_related("panel").get(pk=session.pk)
    now = timezone.now()
    refusal = reopen_refusal(session, now)
    if refusal:
        raise DeliberationError(refusal, status=409)
    _require(rules.can_reopen_session(actor, session, now))
    ended_at = session.ended_at
    session.ended_at, session.reopened_at = None, now
    session.save(update_fields=["ended_at", "reopened_at"])
    _record_by_panel_team(
        actor=actor, action="session.reopened", obj=session,
        details={"ended_at": ended_at.isoformat() if ended_at else None,
                 "phase": rules.session_phase(session, now).value},
    )  # fmt: skip
    return session


@normalises_text
@transaction.atomic
def upload_document(
    *, actor, panel: Panel, title: str, file, description: str = "", session=None
) -> Document:
    _require(rules.can_run_panel(actor, panel))
    document = Document.objects.create(
        panel=panel, session=session, title=title, description=description, file=file, uploaded_by=actor
    )
    _record_by_panel_team(actor=actor, action="panel.document_added", obj=document)
    return document


def _refuse_attendance_once_over(session: Session) -> None:
    """A finished session's attendance is its record, as its agenda is (`rules.attendance_open`)."""
    if not rules.attendance_open(session):
        raise DeliberationError(
            _("This session is over: who came is its record and can no longer change. Reopen the session to "
              "correct its attendance."),
            status=409,
        )  # fmt: skip


def _check_in(session: Session, member: PanelMember, method: str) -> Attendance:
    if member.panel_id != session.panel_id or member.status != PanelMember.Status.ACTIVE:
        raise DeliberationError(_("This person is not an active member of the panel."))
    attendance, _created = Attendance.objects.get_or_create(
        session=session, member=member, defaults={"method": method}
    )
    return attendance


@transaction.atomic
def check_in(*, actor, session: Session, member: PanelMember) -> Attendance:
    _require(rules.can_run_panel(actor, session.panel))
    session = Session.objects.select_for_update().get(pk=session.pk)
    _refuse_attendance_once_over(session)
    attendance = _check_in(session, member, Attendance.Method.FACILITATOR)
    _record_by_panel_team(
        actor=actor,
        action="session.check_in",
        obj=session,
        details={"member": member.pk},
    )
    return attendance


@transaction.atomic
def undo_check_in(*, actor, session: Session, member: PanelMember) -> None:
    """A check-in made by mistake (the wrong person's line, a member who left at once) is taken back,
    audited. Not once the member has voted at this session: their ballot stays, so does their presence."""
    _require(rules.can_run_panel(actor, session.panel))
    session = Session.objects.select_for_update().get(pk=session.pk)
    _refuse_attendance_once_over(session)
    attendance = Attendance.objects.select_for_update().filter(session=session, member=member).first()
    if attendance is None:
        raise DeliberationError(_("This member is not checked in at this session."))
    if BallotReceipt.objects.filter(member=member, recommendation__vote_session=session).exists():
        raise DeliberationError(
            _("This member has already voted at this session: their check-in stays, as their ballot does.")
        )
    method = attendance.method
    attendance.delete()
    _record_by_panel_team(
        actor=actor, action="session.check_in_undone", obj=session,
        details={"member": member.pk, "method": method},
    )  # fmt: skip


@transaction.atomic
def check_in_with_code(*, user, session: Session, code: str) -> Attendance:
    seat = rules.active_seat(user, session.panel)
    if seat is None:
        raise PermissionDenied
    if not rules.checkin_code_works(session):
        # The code is a credential of the session held live (`rules.checkin_code_works`): once it is over
        # it checks no one in, even inside the window below (a session late in the evening). A session to
        # record is not over: its day passed (`rules.session_phase`).
        raise DeliberationError(
            _("This session is over: its check-in code no longer works. Ask the facilitator to record your "
              "presence.") if rules.session_is_over(session)
            else _("This session's day is past: its check-in code no longer works. Ask the facilitator to "
                   "record your presence."),
            status=409,
        )  # fmt: skip
    if not rules.checkin_open(session):
        opens, closes = rules.checkin_window(session)
        raise DeliberationError(
            _("The check-in code works only from %(opens)s to %(closes)s. Ask the facilitator to check you "
              "in.")
            % {"opens": date_format(timezone.localtime(opens), "DATETIME_FORMAT"),
               "closes": date_format(timezone.localtime(closes), "DATETIME_FORMAT")}
        )  # fmt: skip
    if not secrets.compare_digest(code.strip().upper(), session.checkin_code):
        raise DeliberationError(_("This code is not the code of this session."))
    attendance = _check_in(session, seat, Attendance.Method.CODE)
    # The member is the actor: the event names their pseudonym and the session, not their seat, which the
    # log (append-only) would tie to the pseudonym for good, also after their account is erased.
    record_event(actor=user, as_role=Role.CITIZEN, action="session.check_in", obj=session)
    return attendance


@normalises_text
@transaction.atomic
def save_minutes(*, actor, session: Session, minutes: str) -> Session:
    _require(rules.can_run_panel(actor, session.panel))
    session.minutes = minutes
    session.save(update_fields=["minutes"])
    _record_by_panel_team(actor=actor, action="session.minutes_saved", obj=session)
    return session
