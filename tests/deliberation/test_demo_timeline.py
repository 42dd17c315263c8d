"""`make demo` tells one story in order, counted back from the day it is loaded: the consultation opened
first, then the panel was recruited from volunteers, drawn, met three times and voted; its work over, it
is closed; then the decision-makers answered, some measures done, one late, some still due. Loaded any
day, it reads the same (accounts/demo_clock.py)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.demo_clock import DEMO_TIMELINE
from consultation.models import Consultation, OpenDataExport, Proposal, Vote
from deliberation.models import Milestone, Panel
from tests.deliberation.test_commands import assert_demo_history_in_order


@pytest.mark.slow
def test_the_demo_story_reads_in_order_from_the_consultation_to_the_answers(
    client, organiser, facilitator, settings, tmp_path, eager_celery, django_capture_on_commit_callbacks
):
    pytest.importorskip("deliberation.sortition")
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):  # the archive is built in this process
        call_command("load_consultation", "data-donation", "--demo-contributions", stdout=StringIO())
    call_command("load_panel_demo", stdout=StringIO())
    today = timezone.localdate()
    consultation = Consultation.objects.get(slug="data-donation")
    opened = consultation.phase_changes.get(to_phase="open").created_at
    assert timezone.localdate(opened) == today - timedelta(days=DEMO_TIMELINE["consultation_opens"])
    assert consultation.starts_on == timezone.localdate(opened)
    assert consultation.phase == Consultation.Phase.OPEN and consultation.closes_at > timezone.now()
    # Every contribution between the opening and now.
    assert not Proposal.objects.filter(consultation=consultation, created_at__lt=opened).exists()
    assert not Vote.objects.filter(proposal__consultation=consultation, created_at__lt=opened).exists()

    panel = Panel.objects.get()
    sessions = list(panel.sessions.order_by("starts_at"))
    recommendations = list(panel.recommendations.all())
    votes_closed = max(r.decided_at for r in recommendations)
    assert opened < panel.created_at < panel.selections.get().finished_at < sessions[0].starts_at
    assert sessions[-1].starts_at <= votes_closed < panel.closed_at
    # Its work over, the panel is closed, not "deliberating" with every vote closed.
    assert panel.status == Panel.Status.CLOSED
    page = client.get(reverse("deliberation:panel_detail", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Statut\u00a0: Clos" in page.content.decode()
    answers = [a for r in recommendations for a in r.responses.all()]
    assert answers and all(votes_closed.date() < a.answered_on <= today for a in answers)
    milestones = Milestone.objects.filter(response__recommendation__panel=panel)
    assert milestones.filter(done_on__isnull=False).exists()  # done
    assert sum(m.is_late for m in milestones) == 1  # one late
    assert milestones.filter(due_on__gt=today).exists()  # still to come
    assert_demo_history_in_order(client, panel)
    # The organiser published the open-data archive, as from the open-data page.
    assert consultation.exports.filter(state=OpenDataExport.State.DONE).exists()
