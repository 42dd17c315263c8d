"""The two-factor set-up pages (allauth.mfa) look and behave like the rest of the site: DSFR fields with
visible labels, hints and errors tied to their input, and a QR code whose secret is also given as text."""

import re

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.urls import reverse

from tests.conftest import with_totp

pytestmark = pytest.mark.django_db


def signed_in_set_up_page(client, facilitator, password):
    """A facilitator without a second factor signs in and is sent to the set-up page."""
    response = client.post(
        reverse("account_login"), {"login": facilitator.email, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    return response


def dangling_descriptions(page: str) -> set[str]:
    """Ids named by an aria-describedby that no element of the page carries."""
    named = {i for ids in re.findall(r'aria-describedby="([^"]*)"', page) for i in ids.split()}
    return {i for i in named if f'id="{i}"' not in page}


def secret_of(page: str) -> str:
    return re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)


def test_the_set_up_page_gives_the_secret_as_text_beside_the_qr_code(client, facilitator, password):
    page = signed_in_set_up_page(client, facilitator, password).content.decode()
    assert '<label class="fr-label" for="authenticator_secret">Clé secrète</label>' in page
    secret = secret_of(page)
    assert len(secret) >= 16  # the key to type when the QR code cannot be scanned
    qr = re.search(r'<img [^>]*src="data:image/svg\+xml[^>]*>', page).group(0)
    assert 'alt="Code QR à scanner' in qr and secret not in qr  # described in words, not read out as a key
    code_input = re.search(r'<input [^>]*name="code"[^>]*>', page).group(0)
    assert 'class="fr-input"' in code_input
    assert 'aria-describedby="id_code-hint"' in code_input
    assert '<p class="fr-hint-text" id="id_code-hint">6 chiffres' in page
    assert '<label class="fr-label" for="id_code">' in page
    assert not dangling_descriptions(page)


def test_a_wrong_code_is_shown_under_the_field_and_keeps_the_secret(client, facilitator, password):
    page = signed_in_set_up_page(client, facilitator, password).content.decode()
    secret = secret_of(page)
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    page = response.content.decode()
    code_input = re.search(r'<input [^>]*name="code"[^>]*>', page).group(0)
    assert (
        "fr-input--error" in code_input and 'aria-describedby="id_code-hint id_code-messages"' in code_input
    )
    after_input = page[page.index(code_input) + len(code_input) :]
    assert re.match(r'\s*<p class="fr-error-text" id="id_code-messages">Code incorrect', after_input)
    assert secret_of(page) == secret  # the app set up from the first page still matches
    assert not dangling_descriptions(page)
    assert not facilitator.authenticator_set.exists()


# Committed for real: allauth announces the new authenticator once its transaction commits, and the
# session then records the code typed as the second factor used (accounts/signals.py).
@pytest.mark.django_db(transaction=True)
def test_the_recovery_codes_shown_after_set_up_are_in_a_labelled_dsfr_field(client, facilitator, password):
    secret = secret_of(signed_in_set_up_page(client, facilitator, password).content.decode())
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_activate_totp"), {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    page = response.content.decode()
    assert '<label class="fr-label" for="recovery_codes">' in page
    assert re.search(r'<textarea class="fr-input" id="recovery_codes"[^>]* readonly', page)


def test_the_password_confirmation_before_deactivating_the_app_describes_its_field(client, facilitator):
    with_totp(facilitator)
    client.force_login(facilitator)
    response = client.get(reverse("mfa_deactivate_totp"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    page = response.content.decode()
    password_input = re.search(r'<input [^>]*id="id_password"[^>]*>', page).group(0)
    # The "Forgot your password?" link after the field is no description of it.
    assert "aria-describedby" not in password_input and not dangling_descriptions(page)
    response = client.post(response.redirect_chain[-1][0], {"password": "not the password"})
    page = response.content.decode()
    password_input = re.search(r'<input [^>]*id="id_password"[^>]*>', page).group(0)
    assert 'aria-describedby="id_password-messages"' in password_input  # the error, tied to the field
    assert not dangling_descriptions(page)
