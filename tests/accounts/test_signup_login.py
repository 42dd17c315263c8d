import re

from django.core import mail
from django.urls import reverse

from accounts.models import ConsentRecord, User

SIGNUP = {
    "email": "Camille@Example.org",
    "password1": "a long passphrase 2026",
    "password2": "a long passphrase 2026",
    "accept_privacy": "on",
}


def _confirmation_link(message) -> str:
    return re.search(r"https?://testserver(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_signup_verification_then_login(client, db):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email__iexact="camille@example.org")
    assert user.groups.filter(name="citizen").exists()
    consent = ConsentRecord.objects.get(user=user)
    assert consent.purpose == "privacy_notice" and consent.granted

    # Before verification the person cannot sign in: they are told to check their mailbox.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "camille@example.org", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    assert len(mail.outbox) >= 1
    link = _confirmation_link(mail.outbox[-1])
    response = client.post(link)
    assert response.status_code == 302

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "camille@example.org", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    page = client.get(reverse("accounts:dashboard"))
    assert page.status_code == 200
    assert user.pseudonym in page.content.decode()


def test_signup_requires_privacy_acceptance(client, db):
    response = client.post(reverse("account_signup"), {**SIGNUP, "accept_privacy": ""})
    assert response.status_code == 200
    assert not User.objects.exists()
    assert (
        "fr-input-group--error" in response.content.decode()
        or "fr-checkbox-group--error" in response.content.decode()
    )


def test_password_reset_sends_a_link(client, citizen):
    response = client.post(reverse("account_reset_password"), {"email": citizen.email})
    assert response.status_code == 302
    assert any("password/reset/key" in m.body for m in mail.outbox)


def test_pages_are_translated(client, db):
    client.cookies["django_language"] = "en"
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies["django_language"] = "fr"
    french = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Take part" in english
    assert "Participer" in french and "Take part" not in french
    for page in ("pages:accessibility", "pages:legal", "pages:privacy"):
        html = client.get(reverse(page)).content.decode()
        assert '<main id="content"' in html and "<h1>" in html
