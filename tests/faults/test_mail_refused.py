"""The mail server refusing for a while (issue #22): a notice is retried until the server takes it, and
goes out once. A fake SMTP server of the test's own refuses the first three connections (421), then
accepts; a real worker, its waits shortened by settings, sends through it."""

import pytest

from consultation import services
from consultation.models import Proposal
from tests.factories import UserFactory
from tests.faults.conftest import broker_drained, fake_smtp_server, start_worker, stop_worker, wait_for
from tests.helpers import make_consultation

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_notice_refused_by_the_mail_server_is_retried_and_sent_once(own_redis, tmp_path):
    from config.celery import app

    with fake_smtp_server(refuse=3) as smtp:
        consultation = make_consultation("courriel", moderation="pre")
        author = UserFactory(roles=["citizen"], email="autrice@example.org")
        services.accept_charter(user=author, consultation=consultation)
        proposal = services.submit_proposal(
            user=author, consultation=consultation, text="Un registre en ligne"
        )
        Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.VISIBLE)

        log = tmp_path / "worker.log"
        worker = start_worker(
            own_redis.url, log, **smtp.worker_settings, PACTE_MAIL_RETRY_SECONDS="1",
            PACTE_MAIL_RETRY_MAX_SECONDS="2",
        )  # fmt: skip
        try:
            with app.connection_for_write(own_redis.url) as broker:
                app.send_task(
                    "consultation.send_moderation_notice", args=[proposal.pk, "visible"], connection=broker
                )
            wait_for(lambda: smtp.messages, 180, "the notice to be sent", log)
            # A duplicate could only come from a retry still held by the worker or queued (its message
            # unacknowledged or waiting in Redis): once the broker holds nothing, none can follow.
            wait_for(lambda: broker_drained(own_redis), 60, "the worker to acknowledge the notice", log)
        finally:
            stop_worker(worker)

    assert smtp.refused == 3, "the server did not refuse: the test proved nothing"
    assert len(smtp.messages) == 1, log.read_text()[-3000:]
    assert b"To: autrice@example.org" in smtp.messages[0]
