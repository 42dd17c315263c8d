"""Redis stopped while citizens answer, propose and vote (issue #22).

Requests that need only the database succeed: the cache degrades (config.cache.FailSoftRedisCache), the
rate limits allow, and the background work they need waits in the outbox (accounts.outbox) until Redis is
back, when the periodic sweep sends it. The site runs in another process, configured as in production
(Redis as cache and broker, tasks sent to the queue), against the PostgreSQL test database."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DURING_THE_OUTAGE = r"""
import json, django
django.setup()
from django.test import Client
from django.urls import reverse
from accounts.models import OutboxTask
from consultation import services
from consultation.models import Answer, Proposal, Vote
from tests.factories import UserFactory
from tests.helpers import make_consultation

consultation = make_consultation(slug="panne-redis", moderation="pre")
single, open_question = consultation.questions.order_by("pk")
citizen = UserFactory(roles=["citizen"])
moderator = UserFactory(roles=["citizen", "moderator"])
author = UserFactory(roles=["citizen"])
services.accept_charter(user=author, consultation=consultation)
earlier = services.submit_proposal(user=author, consultation=consultation, text="Un registre en ligne")
services.moderate(actor=moderator, proposal=earlier, decision="approve")
OutboxTask.objects.all().delete()  # what the setting up queued (sent or not) is not the point

client = Client()
client.force_login(citizen)  # the session is written to the database too (cached_db)
codes = {}
codes["charter"] = client.post(reverse("consultation:accept_charter", args=[consultation.slug]),
                               {"accept": "on"}).status_code
codes["answer"] = client.post(reverse("consultation:answer", args=[consultation.slug]),
                              {f"q{single.pk}": single.choices.first().pk,
                               f"q{open_question.pk}": "Je veux pouvoir refuser en ligne."}).status_code
address = reverse("consultation:propose", args=[consultation.slug])
client.post(address, {"text": "Informer chaque patient par courrier"})
codes["propose"] = client.post(address, {"text": "Informer chaque patient par courrier",
                                         "step": "confirm"}).status_code
codes["vote"] = client.post(reverse("consultation:vote", args=[consultation.slug, earlier.pk]),
                            {"value": "agree"}, HTTP_ACCEPT="application/json").status_code
proposal = Proposal.objects.get(text="Informer chaque patient par courrier")
staff = Client()
staff.force_login(moderator)
prefix = f"p{proposal.pk}"
codes["moderate"] = staff.post(reverse("consultation:moderate", args=[proposal.pk]),
                               {f"{prefix}-decision": "approve", f"{prefix}-reason": ""}).status_code
print(json.dumps({
    "codes": codes,
    "answers": Answer.objects.filter(user=citizen).count(),
    "proposal_status": Proposal.objects.get(pk=proposal.pk).status,
    "votes": Vote.objects.filter(proposal=earlier).count(),
    "pending": list(OutboxTask.objects.values_list("task", flat=True)),
}))
"""

ONCE_REDIS_IS_BACK = r"""
import json, django
django.setup()
from accounts.models import OutboxTask
from accounts.outbox import flush
from datetime import timedelta
sent, pending = flush(older_than=timedelta(0))
print(json.dumps({"sent": sent, "pending": pending, "left": OutboxTask.objects.count()}))
"""


def _run(script: str, redis_url: str) -> dict:
    from django.db import connection

    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_citizens_keep_contributing_while_redis_is_down_and_the_work_is_sent_when_it_is_back(own_redis):
    own_redis.stop()

    during = _run(DURING_THE_OUTAGE, own_redis.url)

    assert all(code < 400 for code in during["codes"].values()), during["codes"]
    assert during["answers"] == 2 and during["votes"] == 1
    assert during["proposal_status"] == "visible"
    # The author's "published" notice could not reach the queue: it waits, it is not lost.
    assert during["pending"] == ["consultation.send_moderation_notice"]

    own_redis.start()
    after = _run(ONCE_REDIS_IS_BACK, own_redis.url)

    assert after == {"sent": 1, "pending": 0, "left": 0}
    assert own_redis.command("LLEN", "celery").startswith(b":1")  # the task is in the queue now


WHILE_REDIS_HANGS = r"""
import json, django
django.setup()
from accounts import outbox
from accounts.models import OutboxTask
from consultation.tasks import send_moderation_notice

OutboxTask.objects.all().delete()
outbox.enqueue(send_moderation_notice, 0, "visible")  # as the moderation page does once it has committed
print(json.dumps({"pending": list(OutboxTask.objects.values_list("task", flat=True))}))
"""


def test_a_task_sent_while_redis_hangs_waits_in_the_outbox_and_goes_once_redis_answers(own_redis):
    """Redis stopped answering without closing its connections (its process paused; the kernel still
    accepts connections): sending a task gives up (the broker's and the result backend's sockets time out)
    and leaves it in the outbox, instead of holding the request that sent it for ever (before: still
    blocked after 40 s); the task goes to the queue once Redis answers again. What the cache costs a
    request while Redis hangs is config/cache.py's."""
    own_redis.pause()
    try:
        during = _run(WHILE_REDIS_HANGS, own_redis.url)
    finally:
        own_redis.resume()

    assert during == {"pending": ["consultation.send_moderation_notice"]}
    after = _run(ONCE_REDIS_IS_BACK, own_redis.url)
    assert after == {"sent": 1, "pending": 0, "left": 0}
    assert own_redis.command("LLEN", "celery").startswith(b":1")
