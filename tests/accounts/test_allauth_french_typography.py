"""Sign-up, password reset, confirm access and the recovery-code and sign-out confirmations in French: the
sentences that come from django-allauth have the no-break space before « ? » and « : » that Pacte's own
strings have (allauth's French catalogue puts an ordinary space there)."""

import re
import time

import pytest
from allauth.account.internal.flows import login as allauth_login
from django.urls import reverse

from tests.conftest import with_totp

# An ordinary space before a high punctuation sign, in the page's text.
ORDINARY_SPACE_BEFORE_SIGN = re.compile(r"\S [:;!?](?=\s|$|<)")


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.parametrize(
    ("url_name", "signed_in", "sentence"),
    [
        ("account_signup", False, "Vous avez déjà un compte\u00a0? Vous pouvez donc"),
        ("account_reset_password", False, "Mot de passe oublié\u00a0? Indiquez votre adresse e-mail"),
        ("account_reauthenticate", True, "Mot de passe oublié\u00a0?"),
        ("mfa_generate_recovery_codes", True, "Êtes-vous sûr(e)\u00a0?"),
        ("account_logout", True, "Êtes-vous sûr(e) de vouloir vous déconnecter\u00a0?"),
    ],
)
def test_allauth_sentences_have_a_no_break_space_before_high_punctuation(
    client, organiser, url_name, signed_in, sentence
):
    if signed_in:
        client.force_login(with_totp(organiser))
        # Signed in a moment ago, as allauth records it, so no page asks to confirm access first.
        session = client.session
        session[allauth_login.AUTHENTICATION_METHODS_SESSION_KEY] = [
            *session.get(allauth_login.AUTHENTICATION_METHODS_SESSION_KEY, []),  # the sign-in's own steps
            {"method": "password", "at": time.time(), "reauthenticated": True},
        ]
        session[allauth_login._AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(organiser.pk)
        session.save()
    client.cookies["django_language"] = "fr"
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    main = _main(response.content.decode())
    assert sentence in main
    assert not ORDINARY_SPACE_BEFORE_SIGN.findall(main)


def test_the_same_pages_in_english_keep_allauths_english(client, db):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("account_signup")).content.decode()
    assert "Already have an account? Then please" in page
