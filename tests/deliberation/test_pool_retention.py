"""Retention of the volunteer pools (GDPR art. 5-1-e): PACTE_POOL_RETENTION_DAYS after a panel is closed,
the volunteers who never had a seat are deleted with their profile answers; seated members, the public
selection report and the re-run of the draw stay as they were. The privacy notice and the "not drawn"
e-mail say how long, from the setting."""

import importlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from deliberation import gdpr, services, tasks
from deliberation.models import Panel, PanelMember, Selection, Volunteer

DAYS = settings.PACTE_POOL_RETENTION_DAYS


def _close(panel, organiser) -> Panel:
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.DELIBERATING)
    return services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.CLOSED)


def _closed_days_ago(panel, days: int) -> None:
    """Move the closing back in time (the closing itself is exercised through the service)."""
    Panel.objects.filter(pk=panel.pk).update(closed_at=timezone.now() - timedelta(days=days))


def _report(client, panel, language: str) -> str:
    """The public selection report as a reader sees it (the page's main content)."""
    client.cookies["django_language"] = language
    response = client.get(
        reverse("deliberation:selection_report", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<main id="content"') : html.index("</main>")]


def _purges(panel) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action="panel.pool_purged", object_type="deliberation.panel", object_id=str(panel.pk)
        )
    )


def test_a_closed_panel_past_the_retention_time_keeps_only_those_who_had_a_seat(
    client, drawn, organiser, facilitator, django_capture_on_commit_callbacks
):
    selection = drawn.selections.get(status=Selection.Status.DONE)
    # A member withdraws and the first fitting reserve takes the seat: both had a seat, both stay.
    leaving = PanelMember.objects.filter(panel=drawn).first()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = services.replace_member(actor=facilitator, member=leaving)
    had_seat = set(PanelMember.objects.filter(panel=drawn).values_list("volunteer_id", flat=True))
    assert len(had_seat) == 5
    never_seated = list(Volunteer.objects.filter(panel=drawn).exclude(pk__in=had_seat).select_related("user"))
    assert len(never_seated) == 5
    seated_strata = {v.pk: v.strata for v in Volunteer.objects.filter(pk__in=had_seat)}
    report_before = {language: _report(client, drawn, language) for language in ("fr", "en")}

    closed = _close(drawn, organiser)
    purged = services.purge_expired_pools(now=closed.closed_at + timedelta(days=DAYS))

    assert [(p.panel_id, p.deleted) for p in purged] == [(drawn.pk, 5)]
    assert set(Volunteer.objects.filter(panel=drawn).values_list("pk", flat=True)) == had_seat
    assert {v.pk: v.strata for v in Volunteer.objects.filter(pk__in=had_seat)} == seated_strata
    assert PanelMember.objects.filter(panel=drawn).count() == 5
    assert PanelMember.objects.get(pk=newcomer.pk).status == PanelMember.Status.ACTIVE
    # Who was never seated finds nothing left about this panel in their data; a member still does.
    for person in never_seated:
        assert gdpr.export(person.user)["volunteerings"] == []
    seated_user = newcomer.volunteer.user
    assert [v["panel"] for v in gdpr.export(seated_user)["volunteerings"]] == [drawn.title]
    # The public record is unchanged: same report, and the draw re-run from its seed gives the same panel.
    for language, before in report_before.items():
        assert _report(client, drawn, language) == before
    assert "graine-publique" in report_before["fr"]
    assert sorted(services.redraw(selection)) == sorted(selection.drawn)
    out = StringIO()
    call_command("redraw_selection", str(selection.pk), stdout=out)
    assert "Same panel as the recorded draw." in out.getvalue()
    (event,) = _purges(drawn)
    assert event.details["deleted"] == 5 and event.details["retention_days"] == DAYS


def test_nothing_is_purged_while_the_panel_works_or_before_the_retention_time(drawn, organiser):
    pool = Volunteer.objects.filter(panel=drawn).count()
    far_future = timezone.now() + timedelta(days=10 * DAYS + 10)
    assert services.purge_expired_pools(now=far_future) == []  # drawn, not closed

    closed = _close(drawn, organiser)
    closed_at = closed.closed_at
    assert services.purge_expired_pools(now=closed_at + timedelta(days=DAYS) - timedelta(minutes=1)) == []
    # Closing an already closed panel does not restart the clock.
    services.set_panel_status(actor=organiser, panel=closed, status=Panel.Status.CLOSED)
    assert Panel.objects.get(pk=drawn.pk).closed_at == closed_at
    # Reopened, it is no longer closed: its pool stays, however long ago it was first closed.
    services.set_panel_status(actor=organiser, panel=closed, status=Panel.Status.DELIBERATING)
    assert Panel.objects.get(pk=drawn.pk).closed_at is None
    assert services.purge_expired_pools(now=far_future) == []
    assert Volunteer.objects.filter(panel=drawn).count() == pool
    assert _purges(drawn) == []


def test_the_command_dry_run_changes_nothing_and_a_second_run_deletes_nothing_more(drawn, organiser):
    _close(drawn, organiser)
    _closed_days_ago(drawn, DAYS + 1)
    recent = services.create_panel(actor=organiser, title="Panel fermé hier", size=4)
    Volunteer.objects.create(panel=recent, external_id="X1", strata={"gender": "male"}, source="import")
    _close(recent, organiser)
    _closed_days_ago(recent, DAYS - 1)
    pool = Volunteer.objects.count()

    out = StringIO()
    call_command("purge_volunteer_pools", "--dry-run", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert f"Panel #{drawn.pk} “{drawn.title}”" in text
    assert "6 volunteer(s) without a seat would be deleted" in text
    assert "Panel fermé hier" not in text
    assert "nothing deleted" in text
    assert Volunteer.objects.count() == pool and _purges(drawn) == []

    out, progress = StringIO(), StringIO()
    call_command("purge_volunteer_pools", stdout=out, stderr=progress)
    assert "6 volunteer(s) without a seat deleted" in out.getvalue()
    assert "6 volunteer(s) deleted in 1 panel(s)." in out.getvalue()
    assert "Purging pools" in progress.getvalue() and "1/1" in progress.getvalue()
    assert Volunteer.objects.filter(panel=drawn).count() == 4
    assert Volunteer.objects.filter(panel=recent).count() == 1

    out = StringIO()
    call_command("purge_volunteer_pools", stdout=out, stderr=StringIO())
    assert "0 volunteer(s) deleted in 0 panel(s)." in out.getvalue()
    assert Volunteer.objects.count() == pool - 6
    assert len(_purges(drawn)) == 1 and _purges(recent) == []


def test_the_daily_task_purges_what_the_service_does(drawn, organiser, eager_celery):
    schedule = settings.CELERY_BEAT_SCHEDULE["purge-volunteer-pools"]
    assert schedule["task"] == tasks.purge_volunteer_pools.name
    _close(drawn, organiser)
    _closed_days_ago(drawn, DAYS)
    assert tasks.purge_volunteer_pools.delay().get() == 6
    assert tasks.purge_volunteer_pools.delay().get() == 0
    assert Volunteer.objects.filter(panel=drawn).count() == 4
    assert PanelMember.objects.filter(panel=drawn).count() == 4


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "45\u00a0jours après la clôture du panel, celles de chaque volontaire qui n’a pas eu de"),
        ("en", "45 days after the panel is closed, those of every volunteer who did not get a seat"),
    ],
)
def test_the_privacy_notice_states_the_retention_time_from_the_setting(
    client, db, settings, language, sentence
):
    settings.PACTE_POOL_RETENTION_DAYS = 45
    client.cookies["django_language"] = language
    html = client.get(reverse("pages:privacy"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    paragraph = re.search(r'<p id="pool-retention">(.*?)</p>', html, re.S).group(1)
    assert sentence in paragraph
    assert "180" not in paragraph


def test_who_is_not_drawn_is_told_how_long_their_details_are_kept(
    client, pool_panel, organiser, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.PACTE_POOL_RETENTION_DAYS = 90
    french = Volunteer.objects.filter(panel=pool_panel).first()
    Volunteer.objects.filter(pk=french.pk).update(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_selection(actor=organiser, panel=pool_panel, seed="graine-publique")
    seated = set(
        PanelMember.objects.filter(panel=pool_panel).values_list("volunteer__user__email", flat=True)
    )
    not_drawn = {m.to[0]: m.body for m in mail.outbox if m.to[0] not in seated}
    assert len(not_drawn) == 6
    for address, body in not_drawn.items():
        if address == french.user.email:
            assert (
                "Les informations que vous avez données en vous portant volontaire pour ce panel (les "
                "réponses de profil copiées alors) sont supprimées 90\u00a0jours après la clôture du panel"
                in body
            )
        else:
            assert (
                "The details you gave when volunteering for this panel (the profile answers copied then) are "
                "deleted 90 days after the panel is closed, unless you take a seat on it meanwhile." in body
            )


def test_panels_closed_before_the_closing_date_was_recorded_get_one(drawn, organiser, db):
    """The migration dates panels already closed: from their last closing in the audit log, else now."""
    migration = importlib.import_module("deliberation.migrations.0007_panel_closed_at")
    closed = _close(drawn, organiser)
    logged = AuditEvent.objects.filter(action="panel.status", object_id=str(drawn.pk)).latest("id")
    unlogged = Panel.objects.create(title="Fermé sans journal", status=Panel.Status.CLOSED)
    Panel.objects.filter(pk=closed.pk).update(closed_at=None)
    before = timezone.now()
    migration.date_closed_panels(apps, None)
    assert Panel.objects.get(pk=drawn.pk).closed_at == logged.created_at
    assert Panel.objects.get(pk=unlogged.pk).closed_at >= before
