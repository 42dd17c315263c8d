from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditEvent
from tests.conftest import with_totp


def test_facilitator_without_mfa_is_sent_to_totp_setup(client, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The set-up page is reachable (allauth first asks to confirm the password).
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


def test_facilitator_with_mfa_is_let_through(client, facilitator):
    with_totp(facilitator)
    client.force_login(facilitator)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_login_of_facilitator_with_totp_asks_for_the_code(client, facilitator, password):
    with_totp(facilitator)
    response = client.post(reverse("account_login"), {"login": facilitator.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_citizen_is_not_asked_for_mfa(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_citizen_cannot_manage_roles(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:roles")).status_code == 403
    assert client.get(reverse("accounts:audit_log")).status_code == 403


def test_organiser_grants_a_role_and_it_is_audited(client, organiser, citizen):
    with_totp(organiser)
    client.force_login(organiser)
    response = client.post(
        reverse("accounts:roles"), {"email": citizen.email, "role": "facilitator", "action": "grant"}
    )
    assert response.status_code == 302
    assert citizen.groups.filter(name="facilitator").exists()
    event = AuditEvent.objects.get(action="role.granted")
    assert event.actor_id == organiser.pk and event.object_id == str(citizen.pk)
    assert event.details == {"role": "facilitator"}


def test_unknown_email_gives_a_form_error(client, organiser):
    with_totp(organiser)
    client.force_login(organiser)
    response = client.post(
        reverse("accounts:roles"), {"email": "nobody@example.org", "role": "moderator", "action": "grant"}
    )
    assert response.status_code == 200
    assert "fr-input-group--error" in response.content.decode()
    assert not Group.objects.filter(name="moderator", user__isnull=False).exists()
