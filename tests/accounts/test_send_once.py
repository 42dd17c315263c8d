"""Each e-mail notice goes out once although Celery delivers its task at least once: a second delivery
(the worker died after sending, before acknowledging) or a second run of the fan-out sends nothing more;
a send the mail server refused is sent by the retry."""

import smtplib
import threading

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection

from accounts.models import SentNotice
from accounts.notices import send_once


def _message(to="citoyenne@example.org") -> EmailMessage:
    return EmailMessage("Votre panel", "Bonjour", to=[to])


@pytest.mark.django_db
def test_the_same_notice_is_sent_once_and_another_one_is_sent():
    assert send_once("panel.seat:member:1", _message()) is True
    assert send_once("panel.seat:member:1", _message()) is False
    assert send_once("panel.seat:member:2", _message("autre@example.org")) is True
    assert [m.to for m in mail.outbox] == [["citoyenne@example.org"], ["autre@example.org"]]


@pytest.mark.django_db
def test_a_notice_the_mail_server_refused_is_sent_by_the_retry(monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            send_once("panel.seat:member:1", _message())
    assert not SentNotice.objects.exists() and mail.outbox == []
    assert send_once("panel.seat:member:1", _message()) is True
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_the_same_time_send_one_email(monkeypatch):
    """Two workers run the same send task at once (PostgreSQL): the second waits on the first's claim."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    second_started = threading.Event()
    real_send = EmailMessage.send

    def slow_send(self, fail_silently=False):
        second_started.wait(10)  # the other delivery is under way while this one has claimed the notice
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", slow_send)
    results = []

    def deliver(signal: threading.Event | None):
        try:
            if signal:
                signal.set()
            results.append(send_once("panel.answer:7:member:3", _message()))
        finally:
            connection.close()

    first = threading.Thread(target=deliver, args=(None,))
    first.start()
    second = threading.Thread(target=deliver, args=(second_started,))
    second.start()
    first.join(30)
    second.join(30)
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1 and SentNotice.objects.count() == 1
