"""Reports by citizens and moderators' decisions on proposals."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import outbox
from accounts.audit import record_event
from textsafety.normalise import normalises_text

from .. import rules
from ..models import Proposal, Report
from .base import Conflict, ConsultationError, NotAllowed


@normalises_text
@transaction.atomic
def report_proposal(*, user, proposal: Proposal, reason: str) -> Report:
    if not rules.can_report(user, proposal):
        raise NotAllowed(_("Only published proposals can be reported, by people who are signed in."))
    reason = (reason or "").strip()
    if not reason:
        raise ConsultationError(_("Please say why this proposal should be hidden."))
    if len(reason) > 300:
        raise ConsultationError(_("The reason can have at most 300 characters."), field="reason")
    report, created = Report.objects.get_or_create(
        proposal=proposal, reporter=user, defaults={"reason": reason}
    )
    if not created:
        raise Conflict(_("You have already reported this proposal; moderators will look at it."))
    record_event(actor=user, action="proposal.reported", obj=proposal, details={"report": report.pk})
    return report


@normalises_text
@transaction.atomic
def moderate(*, actor, proposal: Proposal, decision: str, reason: str = "") -> Proposal:
    """`decision` is "approve" (publish, dismiss reports) or "hide" (with a public reason)."""
    if not rules.can_moderate(actor):
        raise NotAllowed(_("Only moderators can moderate proposals."))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    before = proposal.status
    reason = (reason or "").strip()
    if decision == "hide":
        if not reason:
            raise ConsultationError(_("Hiding a proposal needs a public reason."), field="reason")
        if len(reason) > 300:
            raise ConsultationError(_("The reason can have at most 300 characters."), field="reason")
        proposal.status, proposal.hide_reason = Proposal.Status.HIDDEN, reason
    elif decision == "approve":
        proposal.status, proposal.hide_reason = Proposal.Status.VISIBLE, ""
    else:
        raise ConsultationError(_("Unknown moderation decision."), field="decision")
    proposal.moderated_at = timezone.now()
    proposal.save(update_fields=["status", "hide_reason", "moderated_at"])
    proposal.reports.filter(resolved_at__isnull=True).update(resolved_at=proposal.moderated_at)
    record_event(
        actor=actor, action=f"proposal.{decision}", obj=proposal, details={"reason": proposal.hide_reason}
    )
    if proposal.author_id and proposal.status != before:  # published, hidden, or published again
        from ..tasks import send_moderation_notice

        decided = proposal.status
        outbox.enqueue(send_moderation_notice, proposal.pk, decided)
    return proposal
