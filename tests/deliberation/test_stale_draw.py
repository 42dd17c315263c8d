"""A draw left "queued" or "running" by a lost worker no longer blocks its panel: after
PACTE_SELECTION_STALE_MINUTES an organiser abandons it (failed, with the reason, audited, nobody seated) and
can draw again. A worker that comes back after that commits nothing."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEvent
from deliberation import services, tasks
from deliberation.models import Panel, PanelMember, Selection
from tests.conftest import with_totp
from tests.deliberation.conftest import messages_of

BUTTON = {"en": "Abandon this draw", "fr": "Abandonner ce tirage"}
TOO_EARLY = {
    "en": "This draw may still be running: it can be abandoned from",
    "fr": "Ce tirage est peut-être encore en cours\u00a0: il pourra être abandonné à partir du",
}
ABANDONED = {
    "en": "The draw is abandoned: nobody was seated. You can run the selection again.",
    "fr": "Le tirage est abandonné\u00a0: personne n’a été désigné. Vous pouvez relancer le tirage.",
}
REASON = {"en": "Abandoned by {who}", "fr": "Abandonné par {who}"}


def _make_stale(selection: Selection, extra_minutes: int = 1) -> None:
    """Move the draw's start back beyond the stale time, as if its worker had been lost that long ago."""
    minutes = settings.PACTE_SELECTION_STALE_MINUTES + extra_minutes
    moved_back = selection.created_at - timedelta(minutes=minutes)
    Selection.objects.filter(pk=selection.pk).update(created_at=moved_back)
    selection.refresh_from_db()


@pytest.fixture
def stuck(pool_panel, organiser):
    """A draw started whose task never ran (its message was lost): queued for ever."""
    return services.start_selection(actor=organiser, panel=pool_panel, seed="graine-perdue")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_recent_draw_cannot_be_abandoned(organiser_client, organiser, stuck, language):
    manage = reverse("deliberation:manage", args=[stuck.panel_id])
    abandon = reverse("deliberation:abandon_selection", args=[stuck.pk])
    html = organiser_client.get(manage, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert abandon not in html and BUTTON[language] not in html
    minutes = settings.PACTE_SELECTION_STALE_MINUTES
    stated = {"en": f"{minutes} minutes after it started, you will be able to abandon it here",
              "fr": f"{minutes} minutes après son lancement, vous pourrez l’abandonner ici"}  # fmt: skip
    assert stated[language] in html

    refused = organiser_client.post(abandon, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert refused.status_code == 200 and len(messages_of(refused)) == 1
    assert messages_of(refused)[0].startswith(TOO_EARLY[language])
    stuck.refresh_from_db()
    assert stuck.status == Selection.Status.QUEUED
    assert not AuditEvent.objects.filter(action="selection.abandoned").exists()
    # One minute short of the stale time: still refused.
    _make_stale(stuck, extra_minutes=-1)
    with translation.override("en"), pytest.raises(services.DeliberationError, match="may still be running"):
        services.abandon_selection(actor=organiser, selection=stuck)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("status", [Selection.Status.QUEUED, Selection.Status.RUNNING])
def test_a_stale_draw_is_abandoned_and_the_panel_can_be_drawn_again(
    organiser_client, organiser, stuck, language, status
):
    Selection.objects.filter(pk=stuck.pk).update(
        status=status, progress={"code": "library", "text": "Finding the lottery", "current": 3, "total": 9}
    )
    _make_stale(stuck)
    manage = reverse("deliberation:manage", args=[stuck.panel_id])
    abandon = reverse("deliberation:abandon_selection", args=[stuck.pk])
    html = organiser_client.get(manage, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert abandon in html and BUTTON[language] in html

    done = organiser_client.post(abandon, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert messages_of(done) == [ABANDONED[language]]
    stuck.refresh_from_db()
    assert stuck.status == Selection.Status.FAILED and stuck.finished_at is not None
    [reason] = stuck.reasons
    assert reason["code"] == "abandoned" and reason["person"] == organiser.pseudonym
    html = done.content.decode()
    assert REASON[language].format(who=organiser.pseudonym) in html and abandon not in html
    assert reverse("deliberation:run_selection", args=[stuck.panel_id]) in html  # the draw form is back
    event = AuditEvent.objects.get(action="selection.abandoned", object_id=str(stuck.pk))
    assert event.actor_id == organiser.pk and event.details["status"] == status
    assert not PanelMember.objects.exists()
    panel = Panel.objects.get(pk=stuck.panel_id)
    assert panel.status == Panel.Status.RECRUITING
    # Abandoned once: a second click is refused with a message, and a new draw can start.
    again = organiser_client.post(abandon, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert messages_of(again) == ["This draw has already ended: there is nothing to abandon."]
    assert services.start_selection(actor=organiser, panel=panel).status == Selection.Status.QUEUED


def test_only_organisers_abandon(client, facilitator, stuck):
    _make_stale(stuck)
    client.force_login(with_totp(facilitator))
    assert client.post(reverse("deliberation:abandon_selection", args=[stuck.pk])).status_code == 403
    stuck.refresh_from_db()
    assert stuck.status == Selection.Status.QUEUED


def test_a_worker_that_comes_back_after_the_abandon_seats_nobody(organiser, stuck, monkeypatch):
    """The worker was only slow: it reports progress and returns a panel after the organiser abandoned
    the draw. Neither brings the draw back to life nor seats anyone."""
    sortition = services.load_sortition()
    real_select = sortition.select

    def select_abandoned_meanwhile(*args, **kwargs):
        _make_stale(stuck)
        services.abandon_selection(actor=organiser, selection=stuck)
        kwargs["progress"](
            sortition.ProgressEvent("maximin_optimization", 1, 2, "Still working", library=True)
        )
        return real_select(*args, **kwargs)

    monkeypatch.setattr(sortition, "select", select_abandoned_meanwhile)
    assert tasks.run_selection(stuck.pk) == Selection.Status.FAILED
    stuck.refresh_from_db()
    assert stuck.status == Selection.Status.FAILED and stuck.failure_text.startswith("Abandoned by")
    assert stuck.drawn == [] and stuck.probabilities == {}
    assert not PanelMember.objects.exists()
    assert Panel.objects.get(pk=stuck.panel_id).status == Panel.Status.RECRUITING
    assert AuditEvent.objects.filter(action="selection.late_result_refused", object_id=str(stuck.pk)).exists()
    assert not AuditEvent.objects.filter(action="selection.drawn").exists()


def test_a_redelivered_task_for_an_abandoned_draw_does_nothing(organiser, stuck):
    _make_stale(stuck)
    services.abandon_selection(actor=organiser, selection=stuck)
    assert tasks.run_selection(stuck.pk) == Selection.Status.FAILED
    stuck.refresh_from_db()
    assert stuck.failure_text.startswith("Abandoned by") and not PanelMember.objects.exists()


def test_a_late_failure_keeps_the_abandon_reason(organiser, stuck):
    _make_stale(stuck)
    services.abandon_selection(actor=organiser, selection=stuck)
    services.set_selection_progress(selection_id=stuck.pk, progress={"code": "loading"})
    late = [{"code": "library", "kind": "infeasible", "text": "Quotas infeasible"}]
    services.record_selection_failure(selection_id=stuck.pk, reasons=late)
    stuck.refresh_from_db()
    assert stuck.status == Selection.Status.FAILED and [r["code"] for r in stuck.reasons] == ["abandoned"]


def test_a_draw_that_runs_past_the_stale_time_is_stopped_on_the_worker(stuck, monkeypatch):
    """Celery stops the task when an organiser could abandon the draw (the soft limit raises inside the
    solver's progress callback): the draw ends as failed, saying why, and nobody is seated."""
    from celery.exceptions import SoftTimeLimitExceeded

    assert tasks.run_selection.soft_time_limit == settings.PACTE_SELECTION_STALE_MINUTES * 60
    assert tasks.run_selection.time_limit > tasks.run_selection.soft_time_limit
    sortition = services.load_sortition()

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(sortition, "select", too_slow)
    with translation.override("en"):
        assert tasks.run_selection(stuck.pk) == Selection.Status.FAILED
    stuck.refresh_from_db()
    assert stuck.status == Selection.Status.FAILED
    assert stuck.reasons == [{"code": "time_limit", "minutes": settings.PACTE_SELECTION_STALE_MINUTES}]
    assert f"no result within {settings.PACTE_SELECTION_STALE_MINUTES} minutes" in stuck.failure_text
    assert not PanelMember.objects.exists()
    assert Panel.objects.get(pk=stuck.panel_id).status == Panel.Status.RECRUITING


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_panel_status_does_not_move_while_a_draw_runs(organiser_client, organiser, stuck, language):
    """The draw sets "Panel drawn" when it seats the panel: a status chosen meanwhile would be overwritten
    (or reopen recruiting under a running lottery). The page offers no other status and refuses one."""
    panel = Panel.objects.get(pk=stuck.panel_id)
    manage = reverse("deliberation:manage", args=[panel.pk])
    html = organiser_client.get(manage, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<option value="{Panel.Status.CLOSED}"' not in html
    refused = organiser_client.post(
        reverse("deliberation:set_status", args=[panel.pk]), {"status": Panel.Status.CLOSED},
        HTTP_ACCEPT_LANGUAGE=language, follow=True,
    )  # fmt: skip
    running = {"en": "A draw is running: the panel's status changes when it ends",
               "fr": "Un tirage est en cours\u00a0: le statut du panel changera à sa fin"}  # fmt: skip
    assert refused.status_code == 200 and messages_of(refused)[0].startswith(running[language])
    assert Panel.objects.get(pk=panel.pk).status == Panel.Status.RECRUITING
    # Once the stuck draw is abandoned, the organiser moves the panel again.
    _make_stale(stuck)
    services.abandon_selection(actor=organiser, selection=stuck)
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.CLOSED)
    assert Panel.objects.get(pk=panel.pk).status == Panel.Status.CLOSED
