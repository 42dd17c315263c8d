"""Public tracking: organisers mark a decision-maker's promised milestones as done, with their date."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from deliberation import services
from tests.conftest import with_totp

from .conftest import adopt


def _answer_with_milestones(organiser, recommendation):
    adopt(recommendation, days_ago=30)
    return services.record_response(
        actor=organiser,
        recommendation=recommendation,
        decision_maker="Ministre de la Santé",
        body="Ministère de la Santé",
        status="adopted",
        justification="Le registre de refus sera ouvert.",
        answered_on=timezone.localdate() - timedelta(days=20),
        milestones=[("Décret publié", timezone.localdate()), ("Registre ouvert", None)],
    )


def test_organiser_marks_a_milestone_done_and_everyone_sees_the_date(client, organiser, recommendation):
    response = _answer_with_milestones(organiser, recommendation)
    decree = response.milestones.get(title="Décret publié")
    page = reverse("deliberation:recommendation", args=[recommendation.pk])
    client.force_login(with_totp(organiser))
    before = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mark as done" in before and "done on" not in before
    done_on = timezone.localdate() - timedelta(days=2)
    result = client.post(
        reverse("deliberation:complete_milestone", args=[decree.pk]),
        {"done_on": done_on.isoformat()},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The milestone is marked as done." in result.content.decode()
    decree.refresh_from_db()
    assert decree.done_on == done_on
    assert AuditEvent.objects.filter(action="recommendation.milestone_done").count() == 1
    client.logout()
    public = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "done on" in public and "Mark as done" not in public


def test_bad_dates_and_other_people_are_refused(client, organiser, citizen, recommendation):
    response = _answer_with_milestones(organiser, recommendation)
    milestone = response.milestones.get(title="Registre ouvert")
    url = reverse("deliberation:complete_milestone", args=[milestone.pk])
    client.force_login(citizen)
    assert client.post(url, {"done_on": timezone.localdate().isoformat()}).status_code == 403
    client.force_login(with_totp(organiser))
    for done_on, message in (
        (timezone.localdate() + timedelta(days=1), "future date"),
        (response.answered_on - timedelta(days=1), "before the answer"),
        ("31/12/2026", "valid date"),
    ):
        page = client.post(url, {"done_on": str(done_on)}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200 and message in page.content.decode()
    milestone.refresh_from_db()
    assert milestone.done_on is None
