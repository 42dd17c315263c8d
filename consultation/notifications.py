"""E-mails to citizens about their own contributions, sent by Celery workers (consultation.tasks) in the
language of the page the person wrote on; links use PACTE_SITE_URL, as no request is at hand."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Proposal


def send_moderation_notice(proposal_id: int, status: str) -> bool:
    """Tell the author that moderation gave their proposal `status` (published or hidden). False when
    there is nothing to tell: a later decision changed it again (it sends its own notice), or nobody to
    tell (imported proposal, account closed or erased, e-mails turned off in the account)."""
    proposal = Proposal.objects.select_related("author", "consultation").filter(pk=proposal_id).first()
    if proposal is None or proposal.status != status or status == Proposal.Status.PENDING:
        return False
    author = proposal.author
    if author is None or not author.is_active or not author.email or not author.email_notices:
        return False
    site = settings.PACTE_SITE_URL
    with translation.override(proposal.language or settings.LANGUAGE_CODE):
        context = {
            "proposal": proposal,
            "consultation": proposal.consultation,
            "published": proposal.status == Proposal.Status.VISIBLE,
            "proposal_url": f"{site}{reverse('consultation:proposals', args=[proposal.consultation.slug])}"
            f"#proposal-{proposal.pk}",
            "mine_url": f"{site}{reverse('consultation:mine')}",
            "account_url": f"{site}{reverse('accounts:dashboard')}",
        }
        subject = " ".join(render_to_string("consultation/email/moderation_subject.txt", context).split())
        body = render_to_string("consultation/email/moderation_body.txt", context)
    send_mail(subject, body, None, [author.email])
    return True
