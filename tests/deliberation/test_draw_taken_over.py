"""A draw whose worker is lost after it published the lottery, and that another worker takes over (the task
is acknowledged late, so it is delivered again): the lottery is published once, with one audit event and
its first date; if the lottery found again differs (the pool changed meanwhile), the draw ends as failed
with the reason, nothing seated, and the published lottery is left as it was. The same with real workers
killed by SIGKILL: tests/faults/test_worker_killed_mid_task.py."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from deliberation import services, tasks
from deliberation.models import PanelMember, Selection


class WorkerLost(Exception):
    """Stands for the SIGKILL: the task stops between the lottery's publication and the seating."""


@pytest.fixture
def published_then_lost(pool_panel, organiser, monkeypatch):
    """A draw whose first run published its lottery and was lost before seating anyone."""
    selection = services.start_selection(actor=organiser, panel=pool_panel, seed="graine-reprise")

    def lost(**_kwargs):
        raise WorkerLost

    with monkeypatch.context() as patch:
        patch.setattr(services, "record_selection_result", lost)
        with pytest.raises(WorkerLost):
            tasks.run_selection(selection.pk)
    selection.refresh_from_db()
    assert selection.status == Selection.Status.RUNNING and selection.lottery_sha256
    assert not PanelMember.objects.exists()
    return selection


def _published_events(selection):
    return AuditEvent.objects.filter(action="selection.lottery_published", object_id=str(selection.pk))


def test_a_draw_taken_over_publishes_its_lottery_once(published_then_lost):
    selection = published_then_lost
    first_sha, first_date = selection.lottery_sha256, selection.lottery_published_at

    assert tasks.run_selection(selection.pk) == Selection.Status.DONE

    selection.refresh_from_db()
    assert PanelMember.objects.filter(selection=selection).count() == 4
    assert (selection.lottery_sha256, selection.lottery_published_at) == (first_sha, first_date)
    assert _published_events(selection).count() == 1
    assert AuditEvent.objects.filter(action="selection.drawn", object_id=str(selection.pk)).count() == 1


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("en", "found another lottery than the one published before the draw"),
        ("fr", "a trouvé une autre loterie que celle publiée avant le tirage"),
    ],
)
def test_a_draw_taken_over_that_finds_another_lottery_fails_and_keeps_the_published_one(
    published_then_lost, organiser_client, language, reason
):
    selection = published_then_lost
    # As if the pool had changed while no worker held the draw: the lottery found again is another one.
    other_sha = "0" * 64
    Selection.objects.filter(pk=selection.pk).update(lottery_sha256=other_sha)

    assert tasks.run_selection(selection.pk) == Selection.Status.FAILED

    selection.refresh_from_db()
    assert selection.reasons == [{"code": "lottery_changed"}]
    assert selection.lottery_sha256 == other_sha  # the commitment is not replaced
    assert _published_events(selection).count() == 1
    assert not PanelMember.objects.exists()
    assert not AuditEvent.objects.filter(action="selection.late_result_refused").exists()
    page = organiser_client.get(
        reverse("deliberation:manage", args=[selection.panel_id]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert reason in page
