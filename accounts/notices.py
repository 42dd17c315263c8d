"""E-mails to a person about what became of their contributions and their volunteering (consultation and
deliberation notices), sent by Celery workers: there is no request, so links start with PACTE_SITE_URL,
and each e-mail is written in the language the person used when they contributed."""

import re
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")

# Celery options of every task that sends notices: retried while the mail server is unreachable or refuses,
# waiting PACTE_MAIL_RETRY_SECONDS, then twice as long each time, at most PACTE_MAIL_RETRY_MAX_SECONDS
# (randomised below that, so that a queue of notices does not hit the server at once when it is back),
# PACTE_MAIL_RETRIES times: with the defaults (1 min, 1 h, 48) about a day. The wait stays below the
# broker's visibility timeout, or a waiting retry would be handed to a second worker.
MAIL_TASK_OPTIONS = {
    "autoretry_for": (OSError, smtplib.SMTPException),
    "retry_backoff": settings.PACTE_MAIL_RETRY_SECONDS,
    "retry_backoff_max": settings.PACTE_MAIL_RETRY_MAX_SECONDS,
    "retry_jitter": True,
    "max_retries": settings.PACTE_MAIL_RETRIES,
}


def site_url(path: str) -> str:
    return f"{settings.PACTE_SITE_URL}{path}"


def wants_notices(user) -> bool:
    """An active account with an address that has not turned the notices off (My account → E-mails)."""
    return user is not None and user.is_active and bool(user.email) and user.email_notices


def wants_notices_q(user_path: str) -> Q:
    """`wants_notices` as a query filter on the user at `user_path` (e.g. "user" from a volunteer), to
    pick thousands of recipients in one query; no user (an imported volunteer) does not match."""
    return Q(**{f"{user_path}__is_active": True, f"{user_path}__email_notices": True}) & ~Q(
        **{f"{user_path}__email": ""}
    )


def notice(user, template: str, context: dict, language: str = "") -> EmailMessage:
    """The e-mail `template`_subject.txt / `template`_body.txt to `user`, in `language` (default: the
    site's); the body ends with where to turn these e-mails off."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {**context, "account_url": site_url(reverse("accounts:dashboard"))}
        # One line; str.split() would also turn French no-break spaces (before « : ; ! ? ») into spaces.
        subject = ASCII_SPACE.sub(" ", render_to_string(f"{template}_subject.txt", context)).strip(" ")
        body = render_to_string(f"{template}_body.txt", context)
        body += "\n" + render_to_string("accounts/email/notice_footer.txt", context)
    return EmailMessage(subject, body, to=[user.email])


def send_once(key: str, message: EmailMessage) -> bool:
    """Send `message` unless the notice `key` went out already; False when it had. The claim and the send
    are one transaction: a send that fails (mail server down) rolls the claim back, so the retry sends; a
    second delivery running at the same time waits on the claimed key, then finds it and sends nothing.
    A mail server that accepts the message and drops the connection before answering can still get it
    twice: the retry cannot know it was delivered."""
    from .models import SentNotice

    with transaction.atomic():
        _, created = SentNotice.objects.get_or_create(key=key)
        if created:
            message.send()
    return created
