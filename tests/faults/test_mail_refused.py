"""The mail server refusing for a while (issue #22): a notice is retried until the server takes it, and
goes out once. A fake SMTP server of the test's own refuses every connection (421) for a few seconds,
then accepts; a real worker, its waits shortened by settings, sends through it."""

import os
import signal
import socketserver
import subprocess
import sys
import threading
import time

import pytest

from consultation import services
from consultation.models import Proposal
from tests.factories import UserFactory
from tests.helpers import ROOT, make_consultation

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class FakeSmtp(socketserver.ThreadingTCPServer):
    """Just enough SMTP for Django's backend; refuses with 421 until `accept_from` (monotonic time)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, accept_from: float):
        self.accept_from = accept_from
        self.refused = 0
        self.messages: list[bytes] = []
        super().__init__(("127.0.0.1", 0), _SmtpSession)


class _SmtpSession(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: FakeSmtp = self.server
        if time.monotonic() < server.accept_from:
            server.refused += 1
            self._say("421 4.3.2 Service not available, try again later")
            return
        self._say("220 fake ESMTP")
        while line := self.rfile.readline():
            verb = line.strip().split(b" ")[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self._say("250 fake")
            elif verb == b"DATA":
                self._say("354 end with .")
                body = b""
                while (part := self.rfile.readline()) not in (b".\r\n", b""):
                    body += part
                server.messages.append(body)
                self._say("250 2.0.0 queued")
            elif verb == b"QUIT":
                self._say("221 bye")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self._say("250 ok")


def test_a_notice_refused_by_the_mail_server_is_retried_and_sent_once(own_redis, tmp_path):
    from django.db import connection

    from config.celery import app

    smtp = FakeSmtp(accept_from=time.monotonic() + 8)
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    consultation = make_consultation("courriel", moderation="pre")
    author = UserFactory(roles=["citizen"], email="autrice@example.org")
    services.accept_charter(user=author, consultation=consultation)
    proposal = services.submit_proposal(user=author, consultation=consultation, text="Un registre en ligne")
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.VISIBLE)

    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": own_redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.server_address[1]),
        "PACTE_MAIL_RETRY_SECONDS": "1",
        "PACTE_MAIL_RETRY_MAX_SECONDS": "2",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--hostname", f"mail-{time.monotonic_ns()}@%h"],
        cwd=ROOT, env=env, stdout=open(tmp_path / "worker.log", "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
        start_new_session=True,
    )  # fmt: skip
    try:
        with app.connection_for_write(own_redis.url) as broker:
            app.send_task(
                "consultation.send_moderation_notice", args=[proposal.pk, "visible"], connection=broker
            )
        deadline = time.monotonic() + 180
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # a duplicate, if any, would follow within the longest wait
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        smtp.shutdown()

    assert smtp.refused >= 1, "the server never refused: the test proved nothing"
    assert len(smtp.messages) == 1, (tmp_path / "worker.log").read_text()[-3000:]
    assert b"To: autrice@example.org" in smtp.messages[0]
