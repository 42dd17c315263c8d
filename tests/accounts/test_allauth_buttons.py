"""The account and two-factor pages that come from django-allauth give their main action DSFR's primary
button: "Generate" new recovery codes and "Deactivate" the authenticator app were tertiary (styled like a
link) although each is its page's only action. A lesser action beside the main one stays lesser."""

import re
import time

import pytest
from allauth.account.internal.flows import login as allauth_login
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from tests.conftest import with_totp

pytestmark = pytest.mark.django_db

LEVELS = {"fr-btn--secondary": "secondary", "fr-btn--tertiary": "tertiary"}


def buttons(response) -> list[tuple[str, str]]:
    """The DSFR buttons in the page's main content, as (label, level)."""
    assert response.status_code == 200
    main = re.search(r"<main\b.*</main>", response.content.decode(), re.S).group(0)
    found = []
    for classes, label in re.findall(
        r'<(?:a|button)\b[^>]*class="([^"]*\bfr-btn\b[^"]*)"[^>]*>(.*?)</(?:a|button)>', main, re.S
    ):
        level = next((name for cls, name in LEVELS.items() if cls in classes.split()), "primary")
        found.append((" ".join(re.sub(r"<[^>]+>", "", label).split()), level))
    return found


def signed_in_just_now(client, user, language):
    """`user` signed in a moment ago (as allauth records it), so no page asks to confirm access first."""
    client.force_login(user)
    session = client.session
    session[allauth_login.AUTHENTICATION_METHODS_SESSION_KEY] = [
        *session.get(allauth_login.AUTHENTICATION_METHODS_SESSION_KEY, []),  # the sign-in's own steps
        {"method": "password", "at": time.time(), "reauthenticated": True},
    ]
    session[allauth_login._AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    client.cookies["django_language"] = language


@pytest.mark.parametrize(
    "language,generate,deactivate",
    [("fr", "Générer", "Désactiver"), ("en", "Generate", "Deactivate")],
)
def test_the_only_action_of_a_two_factor_page_is_a_primary_button(
    client, organiser, language, generate, deactivate
):
    with_totp(organiser)
    codes = RecoveryCodes.activate(organiser)
    signed_in_just_now(client, organiser, language)

    # Generating new codes while unused ones remain (allauth calls it a "danger": the old ones stop working).
    assert codes.get_unused_codes()
    assert buttons(client.get(reverse("mfa_generate_recovery_codes"))) == [(generate, "primary")]
    assert buttons(client.get(reverse("mfa_deactivate_totp"))) == [(deactivate, "primary")]
    # On the two-factor overview, deactivating is the authenticator panel's main action too.
    assert (deactivate, "primary") in buttons(client.get(reverse("mfa_index")))

    # The buttons still do what they say.
    old = set(codes.get_unused_codes())
    client.post(reverse("mfa_generate_recovery_codes"))
    assert not old & set(
        RecoveryCodes(organiser.authenticator_set.get(type="recovery_codes")).get_unused_codes()
    )


@pytest.mark.parametrize("language,remove", [("fr", "Enlever"), ("en", "Remove")])
def test_a_lesser_action_beside_the_main_one_stays_tertiary(client, citizen, language, remove):
    """The e-mail addresses page: "Make primary" is the main action of its form, "Remove" stays tertiary."""
    signed_in_just_now(client, citizen, language)
    found = buttons(client.get(reverse("account_email")))
    assert (remove, "tertiary") in found
    assert found[0][1] == "primary"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_change_password",
        "account_email",
        "account_logout",
        "account_reauthenticate",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_deactivate_totp",
        "mfa_reauthenticate",
    ],
)
def test_every_allauth_page_with_actions_has_a_primary_one(client, organiser, language, url_name):
    with_totp(organiser)
    RecoveryCodes.activate(organiser)
    if url_name in ("account_login", "account_signup", "account_reset_password"):
        client.cookies["django_language"] = language
    elif url_name in ("account_reauthenticate", "mfa_reauthenticate"):
        client.force_login(organiser)
        client.cookies["django_language"] = language
    else:
        signed_in_just_now(client, organiser, language)
    found = buttons(client.get(reverse(url_name)))
    assert found and any(level == "primary" for _, level in found), found


@pytest.mark.parametrize(
    "language,download,generate",
    [
        ("fr", "Télécharger les codes", "Générer de nouveaux codes"),
        ("en", "Download codes", "Generate new codes"),
    ],
)
def test_the_recovery_codes_page_has_one_primary_action(client, organiser, language, download, generate):
    """Downloading the codes is what the page is for; generating new ones beside it is secondary (it had
    two primary buttons side by side)."""
    with_totp(organiser)
    RecoveryCodes.activate(organiser)
    signed_in_just_now(client, organiser, language)
    assert buttons(client.get(reverse("mfa_view_recovery_codes"))) == [
        (download, "primary"),
        (generate, "secondary"),
    ]
