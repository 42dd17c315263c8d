"""The account e-mails (django-allauth's: password reset, address confirmation, account changes) name the
platform, Pacte, in their subject, greeting and signature, in French and in English; they named it by the
request's host ("[127.0.0.1:8766] …", "Bonjour, c'est 127.0.0.1:8766 !"). Their links keep the address the
request came to, and work."""

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOST = "127.0.0.1:8766"
WORDS = {
    "fr": {
        "subject": "[Pacte] E-mail de réinitialisation de mot de passe",
        "hello": "Bonjour, c’est Pacte\u00a0!",
        "thanks": "Merci d’utiliser Pacte\u00a0!",
    },
    "en": {
        "subject": "[Pacte] Password Reset Email",
        "hello": "Hello from Pacte!",
        "thanks": "Thank you for using Pacte!",
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_password_reset_email_names_pacte_and_its_link_resets_the_password(
    client, citizen, mailoutbox, language
):
    client.cookies["django_language"] = language
    response = client.post(reverse("account_reset_password"), {"email": citizen.email}, HTTP_HOST=HOST)
    assert response.status_code == 302
    (message,) = mailoutbox
    words = WORDS[language]
    assert message.to == [citizen.email]
    assert message.subject == words["subject"]
    assert message.body.startswith(words["hello"])
    assert words["thanks"] in message.body
    assert f"[{HOST}]" not in message.subject and f"c’est {HOST}" not in message.body
    assert f"Hello from {HOST}" not in message.body and f"using {HOST}" not in message.body

    # The link: on the host the request came to, and it lets the citizen choose a new password.
    link = re.search(r"https?://\S+", message.body).group(0)
    assert link.startswith(f"http://{HOST}/accounts/password/reset/key/")
    path = link.removeprefix(f"http://{HOST}")
    form_page = client.get(path, follow=True, HTTP_HOST=HOST)
    assert form_page.status_code == 200
    new_password = "une autre phrase de passe solide"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
        HTTP_HOST=HOST,
    )
    assert done.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(new_password) and not citizen.check_password(PASSWORD)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_confirmation_email_of_a_new_account_names_pacte(client, mailoutbox, language):
    client.cookies["django_language"] = language
    client.post(
        reverse("account_signup"),
        {
            "email": "nouvelle@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_privacy": "on",
        },
        HTTP_HOST=HOST,
    )
    (message,) = mailoutbox
    assert message.subject.startswith("[Pacte] ")
    assert message.body.startswith(WORDS[language]["hello"])
    assert f"http://{HOST}/accounts/confirm-email/" in message.body
