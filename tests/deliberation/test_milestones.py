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


def _change(client, milestone, **data):
    return client.post(
        reverse("deliberation:change_milestone", args=[milestone.pk]),
        data,
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_moved_due_date_stays_visible_with_its_public_reason(client, organiser, recommendation):
    response = _answer_with_milestones(organiser, recommendation)
    decree = response.milestones.get(title="Décret publié")
    promised = decree.due_on
    later = promised + timedelta(days=90)
    client.force_login(with_totp(organiser))
    result = _change(
        client, decree, title="Décret publié au Journal officiel", due_on=later.isoformat(),
        note="Avis du Conseil d'État attendu",
    )  # fmt: skip
    assert "The milestone is changed" in result.content.decode()
    decree.refresh_from_db()
    assert (decree.title, decree.due_on, decree.first_due_on) == (
        "Décret publié au Journal officiel",
        later,
        promised,
    )
    # A second move keeps the date first promised, not the intermediate one.
    _change(
        client, decree, title=decree.title, due_on=(later + timedelta(days=30)).isoformat(), note="Encore"
    )
    decree.refresh_from_db()
    assert decree.first_due_on == promised and decree.change_note == "Encore"
    event = AuditEvent.objects.filter(action="recommendation.milestone_changed").first()
    assert event.details["before"] == {"title": "Décret publié", "due_on": promised.isoformat()}
    client.logout()
    page = client.get(
        reverse("deliberation:recommendation", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page.content.decode()
    assert (
        "Décret publié au Journal officiel" in text
        and "First promised for" in text
        and "Changed: Encore" in text
    )
    assert "Change the milestone" not in text  # the form is for organisers only


def test_changes_without_a_reason_or_to_a_done_milestone_are_refused(
    client, organiser, citizen, recommendation
):
    response = _answer_with_milestones(organiser, recommendation)
    decree = response.milestones.get(title="Décret publié")
    url = reverse("deliberation:change_milestone", args=[decree.pk])
    client.force_login(citizen)
    assert client.post(url, {"title": "x", "note": "y"}).status_code == 403
    client.force_login(with_totp(organiser))
    for data, message in (
        ({"title": "Autre", "due_on": decree.due_on.isoformat(), "note": "  "}, "Say publicly why"),
        ({"title": "Décret publié", "due_on": decree.due_on.isoformat(), "note": "rien"}, "Nothing changed"),
        (
            {
                "title": "Décret publié",
                "due_on": (response.answered_on - timedelta(days=1)).isoformat(),
                "note": "x",
            },
            "before the answer",
        ),
        ({"title": "Décret publié", "due_on": "demain", "note": "x"}, "valid date"),
    ):
        page = _change(client, decree, **data)
        assert page.status_code == 200 and message in page.content.decode(), message
    services.complete_milestone(actor=organiser, milestone=decree, done_on=timezone.localdate())
    page = _change(client, decree, title="Autre titre", note="correction")
    assert "cannot be changed" in page.content.decode()
    decree.refresh_from_db()
    assert decree.title == "Décret publié" and decree.first_due_on is None and decree.change_note == ""


def test_a_milestone_past_its_due_date_and_not_done_shows_as_late(client, organiser, recommendation):
    response = _answer_with_milestones(organiser, recommendation)
    decree = response.milestones.get(title="Décret publié")
    page = reverse("deliberation:recommendation", args=[recommendation.pk])
    assert "Late" not in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()  # due today
    decree.due_on = timezone.localdate() - timedelta(days=1)
    decree.save()
    assert "Late" in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    services.complete_milestone(actor=organiser, milestone=decree, done_on=timezone.localdate())
    assert "Late" not in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
