"""A superuser reads a session's end and check-in code, and a volunteer's answers, in the admin, but
cannot change them there: only the services, which check the rules and audit, do."""

from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.models import Session, Volunteer
from tests.conftest import with_totp
from tests.factories import UserFactory

from .conftest import seat


def test_the_admin_shows_a_session_but_does_not_change_its_end_nor_its_code(client, panel, facilitator):
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="Séance", starts_at=timezone.now(), place="Lyon"
    )
    code = session.checkin_code
    client.force_login(with_totp(UserFactory(is_staff=True, is_superuser=True)))
    address = reverse("admin:deliberation_session_change", args=[session.pk])
    page = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and code in page.content.decode()
    assert 'name="checkin_code"' not in page.content.decode()
    sent = {"panel": panel.pk, "title": "Séance", "starts_at_0": "2026-01-01", "starts_at_1": "10:00",
            "place": "Lyon", "checkin_code": "AAAAAA", "ended_at_0": "2026-01-01",
            "ended_at_1": "11:00"}  # fmt: skip
    assert client.post(address, sent).status_code == 403
    session.refresh_from_db()
    assert (session.checkin_code, session.ended_at) == (code, None)
    assert (
        client.post(
            reverse("admin:deliberation_session_delete", args=[session.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Session.objects.filter(pk=session.pk).exists()


def test_the_admin_does_not_change_a_volunteers_answers(client, panel):
    member = seat(panel)
    Volunteer.objects.filter(pk=member.volunteer_id).update(strata={"gender": "female"})
    client.force_login(with_totp(UserFactory(is_staff=True, is_superuser=True)))
    address = reverse("admin:deliberation_volunteer_change", args=[member.volunteer_id])
    assert client.get(address).status_code == 200
    assert (
        client.post(
            address, {"panel": panel.pk, "strata": '{"gender": "male"}', "source": "account"}
        ).status_code
        == 403
    )
    assert Volunteer.objects.get(pk=member.volunteer_id).strata == {"gender": "female"}
    assert client.get(reverse("admin:deliberation_volunteer_add")).status_code == 403
