"""Permission first (docs/security.md): the organisers' volunteer import refuses whoever may not use it
before its upload is read, and never shows them the management page; bodies larger than a view accepts
are refused from their declared size; check-in codes work only around the session, a few tries at a time."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.models import Attendance, Panel, Volunteer
from tests.conftest import with_totp
from tests.factories import UserFactory

from .conftest import messages_of, seat


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


def post_unread(client, url, length: int):
    """A multipart POST declaring `length` bytes, whose body must not be read."""
    return client.generic(
        "POST", url, b"", content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(length), **{"wsgi.input": UnreadableBody()},
    )  # fmt: skip


@pytest.fixture
def pool_member(panel, organiser):
    """A volunteer in the pool whose e-mail the management page lists."""
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    user = UserFactory(roles=["citizen"], email="adresse.privee@example.org")
    services.volunteer(user=user, panel=panel, consent=True, language="en")
    return user


@pytest.mark.parametrize("who", ["citizen", "outsider_facilitator", "facilitator"])
def test_import_without_a_file_never_shows_the_management_page(client, panel, pool_member, who, facilitator):
    people = {
        "citizen": UserFactory(roles=["citizen"]),
        "outsider_facilitator": with_totp(UserFactory(roles=["citizen", "facilitator"])),
        "facilitator": with_totp(facilitator),  # runs this panel, does not manage it
    }
    client.force_login(people[who])
    response = client.post(reverse("deliberation:import_volunteers", args=[panel.pk]))
    assert response.status_code == 403
    assert pool_member.email not in response.content.decode()


def test_a_refused_upload_is_not_read(client, panel, citizen):
    client.force_login(citizen)
    url = reverse("deliberation:import_volunteers", args=[panel.pk])
    assert post_unread(client, url, 300 * 1024 * 1024).status_code == 403


@override_settings(PACTE_IMPORT_PAGE_MAX_MB=1)
def test_an_upload_larger_than_the_page_takes_is_refused_unread(client, panel, organiser):
    client.force_login(with_totp(organiser))
    url = reverse("deliberation:import_volunteers", args=[panel.pk])
    response = post_unread(client, url, 300 * 1024 * 1024)
    assert response.status_code == 413
    assert "300" in response.content.decode()  # the page says how large it was, and the limit
    assert not Volunteer.objects.filter(panel=panel).exists()


def test_a_form_body_larger_than_any_form_is_refused_unread(client, panel, pool_member):
    client.force_login(pool_member)
    url = reverse("deliberation:withdraw", args=[panel.pk])
    assert post_unread(client, url, 50 * 1024 * 1024).status_code == 413
    assert Volunteer.objects.filter(user=pool_member).exists()


def test_the_organiser_still_imports(client, panel, organiser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(with_totp(organiser))
    upload = SimpleUploadedFile("pool.csv", b"id,gender\nv1,female\n", content_type="text/csv")
    response = client.post(reverse("deliberation:import_volunteers", args=[panel.pk]), {"file": upload})
    assert response.status_code == 302
    assert Volunteer.objects.filter(panel=panel, external_id="v1").exists()


def test_a_draft_panel_volunteer_page_is_a_404_without_its_title(client, panel, citizen):
    client.force_login(citizen)
    response = client.get(reverse("deliberation:volunteer", args=[panel.pk]))
    assert response.status_code == 404 and panel.title not in response.content.decode()


# --- Check-in codes --------------------------------------------------------------------------------


def test_check_in_code_works_only_around_the_session(panel, session):
    member = seat(panel)
    session.starts_at = timezone.now() + timedelta(days=2)
    session.save()
    with pytest.raises(services.DeliberationError, match="works only from"):
        services.check_in_with_code(user=member.volunteer.user, session=session, code=session.checkin_code)
    session.starts_at = timezone.now() - timedelta(days=2)  # over: test_finished_session_credentials
    session.save()
    with pytest.raises(services.DeliberationError, match="code no longer works"):
        services.check_in_with_code(user=member.volunteer.user, session=session, code=session.checkin_code)
    session.starts_at = timezone.now() + timedelta(minutes=30)  # members arriving early
    session.save()
    services.check_in_with_code(user=member.volunteer.user, session=session, code=session.checkin_code)
    assert Attendance.objects.filter(member=member, session=session).exists()


@override_settings(PACTE_RATE_LIMITS={"checkin_code": {"user": "3/900", "session": "100/900"}})
def test_check_in_code_attempts_are_limited_per_member(client, panel, session):
    member = seat(panel)
    client.force_login(member.volunteer.user)
    url = reverse("deliberation:check_in_code", args=[session.pk])
    wrong = "AAAAAA" if session.checkin_code != "AAAAAA" else "BBBBBB"
    for _ in range(3):
        client.post(url, {"code": wrong})
    # The right code, but one try too many.
    response = client.post(url, {"code": session.checkin_code}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many attempts" in response.content.decode()
    assert not Attendance.objects.filter(member=member).exists()


@override_settings(PACTE_RATE_LIMITS={"checkin_code": {"user": "100/900", "session": "2/900"}})
def test_check_in_code_attempts_are_limited_per_session(client, panel, session):
    url = reverse("deliberation:check_in_code", args=[session.pk])
    members = [seat(panel) for _ in range(3)]
    for member in members:
        client.force_login(member.volunteer.user)
        response = client.post(url, {"code": "AAAAAA"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many attempts" in response.content.decode()
    assert not any("Too many" in m for m in messages_of(response))  # shown under the field, not as a message


def test_the_rule_is_decided_before_the_csrf_check_reads_the_form(panel, citizen):
    """With the CSRF check on, as in production: it reads the form, so the rule must come first."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    url = reverse("deliberation:import_volunteers", args=[panel.pk])
    assert post_unread(client, url, 300 * 1024 * 1024).status_code == 403
