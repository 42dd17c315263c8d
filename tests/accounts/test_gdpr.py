import json
import time
from urllib.parse import urlencode

from allauth.account.internal.flows import login as allauth_login
from django.urls import reverse

from accounts import personal_data
from accounts.models import ErasureRecord, User


def _signed_in_and_confirmed(client, user):
    """`user` signed in and typed their password again a moment ago (allauth's record of it)."""
    client.force_login(user)
    session = client.session
    session[allauth_login.AUTHENTICATION_METHODS_SESSION_KEY] = [
        *session.get(allauth_login.AUTHENTICATION_METHODS_SESSION_KEY, []),
        {"method": "password", "at": time.time(), "reauthenticated": True},
    ]
    session[allauth_login._AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def test_export_contains_profile_and_consents(client, citizen):
    _signed_in_and_confirmed(client, citizen)
    client.post(reverse("accounts:profile"), {"age_band": "35-49", "departement": "29", "gender": ""})
    response = client.post(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == citizen.email
    assert data["profile"]["age_band"] == "35-49"
    assert data["profile"]["region"] == "bretagne"
    assert [c["purpose"] for c in data["consents"]] == ["profile_strata"]
    assert data["consents"][0]["granted"] is True
    assert any(e["action"] == "profile.updated" for e in data["audit_events"])


def test_clearing_the_profile_withdraws_consent(client, citizen):
    client.force_login(citizen)
    client.post(reverse("accounts:profile"), {"education": "bac"})
    client.post(reverse("accounts:profile"), {})
    decisions = list(citizen.consents.values_list("granted", flat=True))
    assert decisions == [True, False]


def _delete(client, user, choice):
    _signed_in_and_confirmed(client, user)
    return client.post(reverse("accounts:delete"), {"contributions": choice, "confirm": "on"})


def test_deletion_erases_identity_and_keeps_contributions_under_pseudonym(client, citizen, monkeypatch):
    calls = []
    monkeypatch.setitem(
        personal_data._entries,
        "test",
        personal_data.Entry(
            "test",
            personal_data.Fate.DELETE,
            personal_data.Fate.KEEP,
            "test",
            handler=lambda u, k: calls.append((u.pk, k)),
        ),
    )
    pseudonym, email = citizen.pseudonym, citizen.email
    response = _delete(client, citizen, "pseudonymise")
    assert response.status_code == 302
    user = User.objects.get(pk=citizen.pk)
    assert user.email != email and user.email.endswith("@invalid")
    assert not user.is_active and not user.has_usable_password()
    assert user.pseudonym == pseudonym
    assert calls == [(citizen.pk, True)]
    record = ErasureRecord.objects.get()
    assert record.choice == "pseudonymise" and record.pseudonym == pseudonym
    assert not User.objects.filter(email=email).exists()
    # The session ended with the account.
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_deletion_with_delete_choice_is_passed_to_every_app(client, citizen, monkeypatch):
    calls = []
    monkeypatch.setitem(
        personal_data._entries,
        "test",
        personal_data.Entry(
            "test",
            personal_data.Fate.DELETE,
            personal_data.Fate.KEEP,
            "test",
            handler=lambda u, k: calls.append(k),
        ),
    )
    _delete(client, citizen, "delete")
    assert calls == [False]
    assert ErasureRecord.objects.get().choice == "delete"


def test_deletion_needs_confirmation(client, citizen):
    _signed_in_and_confirmed(client, citizen)
    response = client.post(reverse("accounts:delete"), {"contributions": "delete"})
    assert response.status_code == 200
    assert User.objects.get(pk=citizen.pk).is_active


def test_downloading_ones_data_asks_for_the_password_again_then_downloads(client, citizen, password):
    """Someone at a browser left signed in cannot take the person's data (issue #16, item 12)."""
    client.force_login(citizen)
    assert client.get(reverse("accounts:export")).status_code == 200  # the page that explains
    response = client.post(reverse("accounts:export"))
    assert response.status_code == 302
    confirm = f"{reverse('account_reauthenticate')}?{urlencode({'next': reverse('accounts:export')})}"
    assert response["Location"] == confirm
    refused = client.post(confirm, {"password": "not my password"})
    assert refused.status_code == 200 and not refused.has_header("Content-Disposition")
    response = client.post(confirm, {"password": password})  # the download asked for goes ahead
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["account"]["email"] == citizen.email


def test_deleting_ones_account_asks_for_the_password_again_then_deletes(client, citizen, password):
    client.force_login(citizen)
    assert client.get(reverse("accounts:delete")).status_code == 200
    response = client.post(reverse("accounts:delete"), {"contributions": "delete", "confirm": "on"})
    confirm = f"{reverse('account_reauthenticate')}?{urlencode({'next': reverse('accounts:delete')})}"
    assert response.status_code == 302 and response["Location"] == confirm
    client.post(confirm, {"password": "not my password"})
    assert User.objects.get(pk=citizen.pk).is_active
    response = client.post(confirm, {"password": password})  # the choice made in the form is kept
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not User.objects.get(pk=citizen.pk).is_active
    assert ErasureRecord.objects.get().choice == "delete"
