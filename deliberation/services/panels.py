"""A panel's life: creation, link to its consultation, status, the facilitators who run it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.roles import Role
from accounts.states import transition
from consultation.languages import language_tag
from textsafety.normalise import normalises_text

from .. import rules
from ..models import Panel, PanelFacilitator
from ._common import DeliberationError, _require


@normalises_text
@transaction.atomic
def create_panel(
    *, actor, title: str, description: str = "", topic: str = "", size: int = 30,
    threshold: str = Panel.Threshold.MAJORITY, household_rule: bool = True, consultation=None,
    language: str = "",
) -> Panel:  # fmt: skip
    """``language``: the one its texts are written in (recorded as a tag, ``consultation.languages``;
    empty when not known)."""
    _require(rules.can_organise(actor))
    panel = Panel.objects.create(
        title=title, description=description, topic=topic, size=size, threshold=threshold,
        household_rule=household_rule, consultation=consultation, created_by=actor,
        language=language_tag(language),
    )  # fmt: skip
    details = {"size": size, "threshold": threshold, "consultation": getattr(consultation, "pk", None)}
    record_event(actor=actor, as_role=Role.ORGANISER, action="panel.created", obj=panel, details=details)
    return panel


@transaction.atomic
def link_consultation(*, actor, panel: Panel, consultation) -> Panel:
    """Attach the panel to the consultation it deliberates for (or detach it with None). The panel's
    page links to the consultation and the consultation's page lists its panels."""
    _require(rules.can_organise(actor))
    before = panel.consultation_id
    panel.consultation = consultation
    panel.save(update_fields=["consultation"])
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="panel.consultation_linked", obj=panel,
        details={"from": before, "to": consultation.pk if consultation else None},
    )  # fmt: skip
    return panel


@transaction.atomic
def set_panel_status(*, actor, panel: Panel, status: str) -> Panel:
    """Move the panel along. Not while a draw runs (the draw sets the status when it ends). Once its draw
    is committed it never goes back to preparation or recruiting: a committed draw is final (no second
    draw), seats are filled from the reserve list."""
    _require(rules.can_organise(actor))
    locked = Panel.objects.select_for_update().get(pk=panel.pk)
    status = Panel.Status(status)
    if rules.draw_running(panel):
        raise DeliberationError(
            _("A draw is running: the panel's status changes when it ends (to “Panel drawn” when it seats "
              "the panel).")
        )  # fmt: skip
    if status not in rules.settable_statuses(panel) and not rules.draw_is_final(panel):
        raise DeliberationError(
            _("This panel has not been drawn: it becomes “%(status)s” once its draw seats the panel. Run "
              "the draw from the panel's management page.") % {"status": status.label}
        )  # fmt: skip
    if status not in rules.settable_statuses(panel):
        raise DeliberationError(
            _("This panel has been drawn and a committed draw is final: it cannot go back to “%(status)s”. "
              "A seat left empty is filled from the reserve list.") % {"status": status.label}
        )  # fmt: skip
    # The pool's retention time runs from the closing (`purge_expired_pools`); closing again an already
    # closed panel does not restart it, reopening the panel stops it.
    panel.status, closed_at = locked.status, None  # the step starts from the row as locked
    if status == Panel.Status.CLOSED:
        already_closed = locked.status == Panel.Status.CLOSED and locked.closed_at is not None
        closed_at = locked.closed_at if already_closed else timezone.now()
    transition(
        panel, status, actor=actor, as_role=Role.ORGANISER, action="panel.status",
        changes={"closed_at": closed_at},
    )  # fmt: skip
    return panel


@transaction.atomic
def assign_facilitator(*, actor, panel: Panel, user) -> PanelFacilitator:
    """From now on `user` runs this panel with the organisers (see `rules.can_run_panel`)."""
    _require(rules.can_organise(actor))
    if not rules.can_be_assigned(user):
        raise DeliberationError(
            _("%(person)s does not have the facilitator role: grant it first.") % {"person": user.email}
        )
    assignment, created = PanelFacilitator.objects.get_or_create(
        panel=panel, user=user, defaults={"assigned_by": actor}
    )
    if not created:
        raise DeliberationError(_("%(person)s already runs this panel.") % {"person": user.email})
    record_event(
        actor=actor,
        as_role=Role.ORGANISER,
        action="panel.facilitator_assigned",
        obj=panel,
        details={"facilitator": user.pk},
    )
    return assignment


@transaction.atomic
def unassign_facilitator(*, actor, panel: Panel, user) -> None:
    """The facilitator no longer runs this panel; what they did on it stays (and in the audit log)."""
    _require(rules.can_organise(actor))
    deleted, _by_model = PanelFacilitator.objects.filter(panel=panel, user=user).delete()
    if not deleted:
        raise DeliberationError(_("%(person)s does not run this panel.") % {"person": user.email})
    record_event(
        actor=actor,
        as_role=Role.ORGANISER,
        action="panel.facilitator_unassigned",
        obj=panel,
        details={"facilitator": user.pk},
    )
