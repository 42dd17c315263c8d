"""The digest through the real thing: the beat task and the per-person task go through Redis to a worker
process, which writes the e-mail with the development backend (the console, i.e. the worker's log)."""

import time

import pytest
from django.utils import timezone

from accounts.models import SentNotice
from accounts.notification_preferences import set_preference
from analysis import tasks
from consultation.models import Proposal
from deliberation import services as panel_services
from tests.analysis.conftest import published_report
from tests.analysis.test_contribution_trace import confirmed_link, decided_recommendation, themes_of
from tests.factories import UserFactory


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_digest_once(celery_worker_process):
    from tests.conftest import ROOT

    organiser = UserFactory(roles=["citizen", "organiser"])
    citizen = UserFactory(roles=["citizen"])
    consultation = published_report("resume-worker", 2)
    first = Proposal.objects.filter(consultation=consultation).order_by("id").first()
    Proposal.objects.filter(pk=first.pk).update(author=citizen, author_key=f"u{citizen.pk}")
    recommendation = decided_recommendation(organiser, consultation, "Registre national des refus")
    confirmed_link(themes_of(consultation)["Alimentation"], recommendation, organiser)
    panel_services.record_response(
        actor=organiser, recommendation=recommendation, decision_maker="Ministry of health", body="DGS",
        status="adopted", justification="Opening in 2027.", answered_on=timezone.localdate(),
    )  # fmt: skip
    set_preference(user=citizen, digest="immediate", language="en")

    assert tasks.send_digests.delay().get(timeout=60)["digests"] == 1
    log = ROOT / "var" / "test-celery-worker.log"
    claimed = SentNotice.objects.filter(key__endswith=f":user:{citizen.pk}")
    deadline = time.monotonic() + 60
    while claimed.count() < 2 and time.monotonic() < deadline:  # committed once the e-mail went out
        time.sleep(0.2)
    written = log.read_text(errors="replace")
    assert "Subject: What became of your contributions" in written
    sent = written.split(f"To: {citizen.email}", 1)[-1]
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in sent
    assert "Registre national des refus" in sent and "Opening in 2027." in sent
    assert claimed.count() == 2  # the answer and the synthesis, each once
    # The beat again: nothing is due any more.
    assert tasks.send_digests.delay().get(timeout=60)["digests"] == 0
    assert log.read_text(errors="replace").count(f"To: {citizen.email}") == 1
