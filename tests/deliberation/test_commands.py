import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.audit import verify_chain
from consultation import services as consultation_services
from deliberation import notifications, selectors, services
from deliberation.models import Milestone, Panel, Volunteer
from tests.conftest import with_totp

from .conftest import adopt


def run_report(*args) -> dict:
    out = StringIO()
    call_command("adoption_report", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_adoption_report_json(panel, session, facilitator, organiser):
    recs = [
        adopt(
            services.create_recommendation(
                actor=facilitator, panel=panel, session=session, title=f"R{i}", text="t"
            ),
            days_ago=150,
        )
        for i in range(4)
    ]
    for rec, status in zip(recs, ["adopted", "partly_adopted", "rejected"], strict=False):
        services.record_response(
            actor=organiser,
            recommendation=rec,
            decision_maker="Ministre",
            body="Ministère",
            status=status,
            justification="…",
            answered_on=timezone.localdate(rec.decided_at),
        )
    report = run_report("--panel", str(panel.pk))
    assert report["panel"] == panel.pk
    assert report["recommendations"] == 4 and report["answered"] == 3
    assert report["adoption_rate"] == pytest.approx(2 / 3)
    assert report["unanswered_share"] == pytest.approx(1 / 4)
    assert report["median_answer_delay_days"] == 0
    assert [r["id"] for r in report["overdue_recommendations"]] == [recs[3].pk]
    assert run_report("--panel", str(panel.pk), "--overdue-days", "200")["overdue"] == 0
    assert run_report()["recommendations"] == 4  # across panels


def test_adoption_report_unknown_panel(db):
    with pytest.raises(CommandError, match="No panel"):
        call_command("adoption_report", "--panel", "999999", "--json", stdout=StringIO())


def assert_demo_history_in_order(client, panel) -> None:
    """The demo reads as a history: the panel was drawn before its first session (the draw report's
    audit trail too), each recommendation's versions were written before the vote on it opened, and the
    votes closed at the third session; the audit log's chain still verifies."""
    sessions = list(panel.sessions.order_by("starts_at"))
    first, drafting, voting = sessions[0], sessions[1], sessions[2]
    selection = panel.selections.get()
    trail = selectors.selection_audit_trail(selection)
    assert trail and all(step.at < first.starts_at for step in trail)
    assert selection.created_at < selection.finished_at < first.starts_at
    assert all(m.joined_at < first.starts_at for m in panel.members.all())
    page = client.get(reverse("deliberation:selection_report", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        shown = date_format(timezone.localtime(trail[0].at), "DATETIME_FORMAT")
        today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert shown in page.content.decode() and today not in page.content.decode()
    for recommendation in panel.recommendations.all():
        versions = list(recommendation.versions.all())
        assert versions and all(
            drafting.starts_at <= v.created_at < recommendation.voting_opened_at for v in versions
        )
        assert voting.starts_at <= recommendation.voting_opened_at <= recommendation.decided_at
        assert timezone.localdate(recommendation.decided_at) == timezone.localdate(voting.starts_at)
    assert max(len(r.versions.all()) for r in panel.recommendations.all()) == 2  # the accepted amendment
    assert verify_chain().ok


@pytest.mark.slow
def test_load_panel_demo_gives_a_realistic_adoption_rate(client, organiser, facilitator, settings, tmp_path):
    pytest.importorskip("deliberation.sortition")
    settings.MEDIA_ROOT = tmp_path
    data_donation = consultation_services.create_consultation(
        actor=None, slug="data-donation", title_fr="Don de données de santé"
    )
    call_command("load_panel_demo", stdout=StringIO())
    report = run_report()
    assert report["recommendations"] == 11
    assert 0.7 <= report["adoption_rate"] <= 0.9
    assert report["overdue"] >= 1
    # The measures due by today have their decree done but one, late; the others are due after today.
    milestones = Milestone.objects.filter(response__implementation_deadline__isnull=False)
    today = timezone.localdate()
    due = milestones.filter(due_on__lte=today)
    assert due.filter(done_on__isnull=False).count() == due.count() - 1 >= 1
    assert [m.is_late for m in due.filter(done_on__isnull=True)] == [True]
    assert milestones.filter(due_on__gt=today, done_on__isnull=True).count() >= 2
    panel = Panel.objects.get()
    assert panel.consultation == data_donation
    # Each vote's result reads its turnout: the 28 members present at the third session cast their
    # ballots, out of the 30 seated before the first session (not "28 ballots for 0 members seated").
    recommendation = panel.recommendations.first()
    page = client.get(
        reverse("deliberation:recommendation", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "28 ballots cast for 30 members seated on the panel." in page
    assert "28 members were checked in at the session of the vote." in page
    report_page = client.get(
        reverse("deliberation:selection_report", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    # The demo draws as the page does: from a random seed (no guessable phrase), revealed on the report.
    seed = panel.selections.get().seed
    assert report_page.status_code == 200 and seed in report_page.content.decode()
    assert "assises-pacte-2026" not in report_page.content.decode()
    assert "Plus faible probabilité de sélection" in report_page.content.decode()
    assert_demo_history_in_order(client, panel)
    out = StringIO()
    call_command("redraw_selection", str(panel.selections.get().pk), stdout=out)
    assert "Same panel" in out.getvalue()
    # The 210 generated volunteers not drawn are told so, but have notices off: no e-mail fills the console.
    selection = panel.selections.get()
    assert Volunteer.objects.filter(told_not_drawn_in=selection).count() == 240 - 30
    assert notifications.not_drawn_recipients(selection.pk) == []
    # The demo facilitator runs the demo panel (facilitators run only the panels assigned to them).
    client.force_login(with_totp(facilitator))
    assert client.get(reverse("deliberation:facilitate", args=[panel.pk])).status_code == 200
    # Idempotent; a demo database made before assignments gets its facilitator assigned.
    panel.facilitator_assignments.all().delete()
    Panel.objects.filter(pk=panel.pk).update(consultation=None)
    out = StringIO()
    call_command("load_panel_demo", stdout=out)
    assert "already exists" in out.getvalue() and Panel.objects.count() == 1
    assert list(panel.facilitators.all()) == [facilitator]
    panel.refresh_from_db()
    assert panel.consultation == data_donation


@pytest.mark.slow
def test_load_panel_demo_without_the_consultation_leaves_the_panel_unlinked(
    organiser, facilitator, tmp_path, settings
):
    pytest.importorskip("deliberation.sortition")
    settings.MEDIA_ROOT = tmp_path
    call_command("load_panel_demo", stdout=StringIO())
    assert Panel.objects.get().consultation is None
