import json

from django.urls import reverse

from accounts import personal_data
from accounts.models import ErasureRecord, User


def test_export_contains_profile_and_consents(client, citizen):
    client.force_login(citizen)
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
    client.force_login(user)
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
    client.force_login(citizen)
    response = client.post(reverse("accounts:delete"), {"contributions": "delete"})
    assert response.status_code == 200
    assert User.objects.get(pk=citizen.pk).is_active
