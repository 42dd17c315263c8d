"""Notices to authors about their proposals (accounts.notices: language, links, opt-out)."""

from django.urls import reverse

from accounts.notices import notice, send_once, site_url, wants_notices

from .models import Proposal
from .publish import public_text


def send_moderation_notice(proposal_id: int, status: str) -> bool:
    """Tell the author that moderation gave their proposal `status` (published or hidden). False when
    there is nothing to tell: a later decision changed it again (it sends its own notice), or nobody to
    tell (imported proposal, account closed or erased, e-mails turned off in the account)."""
    proposal = Proposal.objects.select_related("author", "consultation").filter(pk=proposal_id).first()
    if proposal is None or proposal.status != status or status == Proposal.Status.PENDING:
        return False
    if not wants_notices(proposal.author):
        return False
    slug = proposal.consultation.slug
    context = {
        "proposal": proposal,
        # The author's own words, through the one exit all the same: an e-mail crosses mail servers.
        "proposal_text": public_text(proposal.text),
        "consultation": proposal.consultation,
        "published": proposal.status == Proposal.Status.VISIBLE,
        "proposal_url": site_url(f"{reverse('consultation:proposals', args=[slug])}#proposal-{proposal.pk}"),
        "mine_url": site_url(reverse("consultation:mine")),
    }
    message = notice(proposal.author, "consultation/email/moderation", context, proposal.language)
    # One notice per decision: a proposal published, hidden and published again is told each time.
    decided_at = proposal.moderated_at.isoformat() if proposal.moderated_at else ""
    return send_once(f"proposal.moderation:{proposal.pk}:{status}:{decided_at}", message)
