"""The embedded runtime (`make demo`: SQLite, no Redis) takes votes through the same page as production.
Run in a subprocess: the rest of the suite is on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from django.urls import reverse
from accounts.models import User
from consultation import services
from consultation.models import Proposal
from tests.helpers import make_consultation

import datetime as dt
from django.utils import timezone
# A closing time, as the demo's consultation has: SQLite gives the hand-written read a naive datetime.
consultation = make_consultation(closes_at=timezone.now() + dt.timedelta(days=30))
user = User.objects.create_user(email="demo@example.org", password=None)
services.accept_charter(user=user, consultation=consultation)
proposal = services.submit_proposal(user=user, consultation=consultation, text="Un registre de refus")
client = Client()
client.force_login(user)
url = reverse("consultation:vote", args=[consultation.slug, proposal.pk])
answers = [
    client.post(url, {"value": value}, HTTP_ACCEPT="application/json").json()
    for value in ("agree", "disagree", "disagree", "pass")
]
page = client.post(url, {"value": "agree"}, follow=True)  # the page's own form, without JavaScript
proposal = Proposal.objects.get(pk=proposal.pk)
counts = [proposal.agree_count, proposal.disagree_count, proposal.pass_count]
print(json.dumps({"answers": answers, "counts": counts, "page": page.status_code}))
"""


@pytest.mark.slow  # another Python process on a file database
def test_votes_work_on_the_embedded_database(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", PACTE_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert [a["vote"] for a in data["answers"]] == ["agree", "disagree", "disagree", "pass"]
    assert [a["changed"] for a in data["answers"]] == [False, True, False, True]
    assert data["page"] == 200
    assert data["counts"] == [1, 0, 0]


CONCURRENT = """
import json, sqlite3, threading
from collections import Counter
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.db import connections
from django.test import Client
from django.urls import reverse
from accounts.models import User
from consultation import services
from consultation.models import Proposal
from tests.consultation.conftest import make_consultation

consultation = make_consultation()
user = User.objects.create_user(email="demo@example.org", password=None)
services.accept_charter(user=user, consultation=consultation)
proposals = [
    services.submit_proposal(user=user, consultation=consultation, text=f"Proposition {n} pour le registre")
    for n in range(10)
]
urls = [reverse("consultation:vote", args=[consultation.slug, p.pk]) for p in proposals]
browsers = []
for _ in range(50):  # one account, fifty tabs
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    browsers.append(browser)
connections.close_all()
start, statuses = threading.Barrier(50), []

def vote(n):
    start.wait()
    value = ("agree", "disagree", "pass")[n % 3]
    answer = browsers[n].post(urls[n % 10], {"value": value}, HTTP_ACCEPT="application/json")
    statuses.append(answer.status_code)
    connections.close_all()

threads = [threading.Thread(target=vote, args=(n,)) for n in range(50)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
counted = [
    p.agree_count + p.disagree_count + p.pass_count
    for p in Proposal.objects.filter(pk__in=[p.pk for p in proposals])
]

# Another process holds the writer lock longer than PACTE_SQLITE_TIMEOUT (1 s from now on): a clean 503.
connections.close_all()
connections["default"].settings_dict["OPTIONS"]["timeout"] = 1
holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
holder.execute("BEGIN IMMEDIATE")
script = browsers[0].post(urls[0], {"value": "agree"}, HTTP_ACCEPT="application/json")
person = browsers[0].post(urls[0], {"value": "agree"})
holder.execute("ROLLBACK")
after = browsers[0].post(urls[0], {"value": "agree"}, HTTP_ACCEPT="application/json")
print(json.dumps({
    "statuses": dict(Counter(statuses)), "counted": counted,
    "busy": [script.status_code, script.get("Retry-After"), script.json(), person.status_code,
             person.get("Retry-After"), person.content.decode()],
    "after": after.status_code,
}))
"""


@pytest.mark.slow  # another Python process on a file database
def test_concurrent_votes_of_one_account_all_count_and_a_long_lock_is_a_clean_503(tmp_path):
    """The review: 50 concurrent votes from one account on the embedded database gave 21 errors 500
    "database is locked" (a transaction begun as a reader cannot become the writer while another one
    writes). Transactions now take the writer lock as they begin, waiting for it; a lock held longer than
    PACTE_SQLITE_TIMEOUT answers 503 with Retry-After."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings", PACTE_VAR_DIR=str(tmp_path), PACTE_SQLITE_TIMEOUT="30"
    )
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["statuses"] == {"200": 50}
    assert data["counted"] == [1] * 10  # one vote per proposal: the last one of this account
    script_status, retry_after, body, page_status, page_retry_after, page = data["busy"]
    assert (script_status, retry_after) == (503, "5")
    assert body == {"detail": "Le site est très sollicité\u00a0: veuillez réessayer dans quelques secondes."}
    assert (page_status, page_retry_after) == (503, "5")
    assert "Veuillez revenir en arrière et réessayer dans quelques secondes." in page
    assert data["after"] == 200
