"""The embedded runtime (`make demo`: SQLite, no Redis) takes votes through the same page as production.
Run in a subprocess: the rest of the suite is on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

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

consultation = make_consultation()
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
proposal = Proposal.objects.get(pk=proposal.pk)
counts = [proposal.agree_count, proposal.disagree_count, proposal.pass_count]
print(json.dumps({"answers": answers, "counts": counts}))
"""


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
    assert data["counts"] == [0, 0, 1]
