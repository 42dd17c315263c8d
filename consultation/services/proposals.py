"""Citizens' proposals."""

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.audit import record_event
from textsafety.normalise import normalise_input, normalises_text

from ..languages import language_tag
from ..models import Consultation, Proposal
from .base import Conflict, ConsultationError, NotAllowed, participant_key_for
from .charter import _check_can_contribute


def clean_proposal_text(text: str, consultation: Consultation) -> str:
    """The text as it will be stored (surrounding spaces removed; HTML kept as text, escaped on display)."""
    text = normalise_input(text).strip()  # controls and bidirectional overrides removed, NFC
    if not text:
        raise ConsultationError(_("A proposal cannot be empty."))
    if len(text) > consultation.max_proposal_length:
        raise ConsultationError(
            _("A proposal can have at most %(max)s characters (yours has %(n)s).")
            % {
                "max": number_format(consultation.max_proposal_length, force_grouping=True),
                "n": number_format(len(text), force_grouping=True),
            }
        )
    return text


@normalises_text
@transaction.atomic
def submit_proposal(*, user, consultation: Consultation, text: str, language: str = "") -> Proposal:
    _check_can_contribute(user, consultation)
    if not consultation.proposals_allowed:
        raise NotAllowed(_("This consultation does not take proposals."))
    text = clean_proposal_text(text, consultation)
    if Proposal.objects.filter(consultation=consultation, author=user, text=text).exists():
        raise Conflict(_("You have already submitted this proposal."))
    pre = consultation.moderation == Consultation.Moderation.PRE
    proposal = Proposal.objects.create(
        consultation=consultation,
        author=user,
        author_key=participant_key_for(user),
        text=text,
        status=Proposal.Status.PENDING if pre else Proposal.Status.VISIBLE,
        language=language_tag(language),
    )
    record_event(actor=user, action="proposal.submitted", obj=proposal, details={"status": proposal.status})
    return proposal
