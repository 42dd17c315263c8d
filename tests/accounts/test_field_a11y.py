"""The sign-in pages' fields as a screen reader meets them: the label gives the field's name only, the hint is
read once (tied by aria-describedby, never also inside the label), no link sits inside a label or is read as a
field's description (allauth's "Forgot your password?" comes after the field as an ordinary link), errors stay
tied to their input, and the two-factor code step says that a recovery code is accepted too."""

import re
from html.parser import HTMLParser

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from tests.conftest import PASSWORD, with_totp
from tests.typography import visible_text

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Fields(HTMLParser):
    """What assistive technologies read of a page's form fields: each label's text (and whether it holds a
    link), each input's attributes, and the text of every element that has an id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.labels, self.inputs, self.text_by_id, self.links_in_labels = {}, [], {}, []
        self._open = []  # (tag, id, label_for) of the elements not closed yet

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and any(t == "label" for t, _, _ in self._open):
            self.links_in_labels.append(attrs.get("href"))
        if tag in ("input", "textarea", "select") and attrs.get("type") != "hidden":
            self.inputs.append(attrs)
        if tag in VOID:
            return
        if attrs.get("id"):
            self.text_by_id[attrs["id"]] = ""
        if tag == "label":
            self.labels[attrs.get("for")] = ""
        self._open.append((tag, attrs.get("id"), attrs.get("for") if tag == "label" else None))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                return

    def handle_data(self, data):
        for _, element_id, label_for in self._open:
            if element_id:
                self.text_by_id[element_id] += data
            if label_for:
                self.labels[label_for] += data


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fields_of(response) -> _Fields:
    """The fields of the page's main content (header and display settings come from django-dsfr)."""
    assert response.status_code == 200
    parser = _Fields()
    parser.feed(re.search(r"<main\b.*</main>", response.content.decode(), re.S).group(0))
    return parser


def name_and_descriptions(fields: _Fields, input_id: str) -> tuple[str, list[str]]:
    """The input's name (its label's text) and the texts its aria-describedby points to, in order."""
    attrs = next(a for a in fields.inputs if a.get("id") == input_id)
    ids = (attrs.get("aria-describedby") or "").split()
    assert all(i in fields.text_by_id for i in ids), f"{input_id} is described by a missing element"
    return _clean(fields.labels[input_id]), [_clean(fields.text_by_id[i]) for i in ids]


def assert_each_hint_read_once(fields: _Fields):
    """No text that describes a field is also part of its name, and none is given twice."""
    for attrs in fields.inputs:
        if attrs.get("id") in fields.labels:
            name, descriptions = name_and_descriptions(fields, attrs["id"])
            assert len(descriptions) == len(set(descriptions)), attrs["id"]
            assert not any(d and d in name for d in descriptions), (attrs["id"], name, descriptions)


def signed_in_at_code_step(client, user, password, language):
    client.cookies["django_language"] = language
    response = client.post(reverse("account_login"), {"login": user.email, "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    return response


@pytest.mark.parametrize("language", ["fr", "en"])
def test_sign_in_page_password_label_holds_no_link_and_the_reset_link_follows_the_field(client, language):
    client.cookies["django_language"] = language
    fields = fields_of(client.get(reverse("account_login")))
    assert fields.links_in_labels == []
    forgot = {"fr": "Mot de passe oublié ?", "en": "Forgot your password?"}[language]
    # A link is not a description: the field is read with its name only (it pointed at the link).
    assert name_and_descriptions(fields, "id_password") == (
        {"fr": "Mot de passe", "en": "Password"}[language],
        [],
    )
    page = client.get(reverse("account_login")).content.decode()
    after_field = page[page.index('id="id_password"') :]
    link = re.search(
        rf'<a class="fr-link" href="{reverse("account_reset_password")}">([^<]*)</a>', after_field
    )
    assert link and _clean(link.group(1)) == forgot  # a DSFR link, not a bare one
    assert_each_hint_read_once(fields)


@pytest.mark.parametrize(
    "language,name,forgot,wrong",
    [
        ("fr", "Mot de passe", "Mot de passe oublié ?", "Mot de passe incorrect."),
        ("en", "Password", "Forgot your password?", "Incorrect password."),
    ],
)
def test_password_confirmation_page_has_no_link_in_a_label_and_keeps_the_error_tied_to_the_field(
    client, citizen, language, name, forgot, wrong
):
    client.force_login(citizen)
    client.cookies["django_language"] = language
    response = client.get(reverse("account_reauthenticate"))
    fields = fields_of(response)
    assert fields.links_in_labels == []
    assert name_and_descriptions(fields, "id_password") == (name, [])  # the reset link is no description
    assert forgot in _clean(visible_text(response.content.decode()))  # still offered, after the field
    assert_each_hint_read_once(fields)

    fields = fields_of(client.post(reverse("account_reauthenticate"), {"password": "not the password"}))
    assert fields.links_in_labels == []
    assert name_and_descriptions(fields, "id_password") == (name, [wrong])
    password_input = next(a for a in fields.inputs if a.get("id") == "id_password")
    assert password_input.get("aria-invalid") == "true"
    assert_each_hint_read_once(fields)


@pytest.mark.parametrize(
    "language,heading,intro,name,asks",
    [
        (
            "fr",
            "Confirmer l'accès",
            "Veuillez vous réauthentifier",
            "Mot de passe",
            "saisissez votre mot de passe",
        ),
        ("en", "Confirm Access", "Please reauthenticate", "Password", "enter your password"),
    ],
)
def test_confirming_access_by_password_asks_for_it_once(
    client, citizen, language, heading, intro, name, asks
):
    """The "confirm it is you" step by password said "Enter your password:" just above a field labelled
    "Password"."""
    client.force_login(citizen)
    client.cookies["django_language"] = language
    response = client.get(reverse("account_reauthenticate"))
    main = _clean(visible_text(re.search(r"<main\b.*</main>", response.content.decode(), re.S).group(0)))
    assert asks not in main.lower()
    assert main.startswith(f"{heading} {intro}") and f" {name} " in main
    # The form still confirms access.
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_sign_up_page_names_fields_plainly_and_reads_each_hint_once(client):
    fields = fields_of(
        client.post(reverse("account_signup"), {"email": "bad", "password1": "a", "password2": "b"})
    )
    assert fields.links_in_labels == []
    name, descriptions = name_and_descriptions(fields, "id_accept_privacy")
    assert name == "J’ai lu et j’accepte la politique de confidentialité"
    assert descriptions == [
        "Ce champ est obligatoire."
    ]  # the link to the notice follows; it describes nothing
    name, descriptions = name_and_descriptions(fields, "id_password1")
    assert name == "Mot de passe"
    assert "au minimum 10 caractères" in descriptions[0]  # the rules, read once, not as part of the name
    assert "trop court" in descriptions[1]  # the error, tied to the field
    assert name_and_descriptions(fields, "id_email")[1] == ["Saisissez une adresse e-mail valide."]
    assert_each_hint_read_once(fields)


@pytest.mark.parametrize(
    "language,hint",
    [
        ("fr", "ou l’un de vos codes de récupération : les codes à usage unique affichés, et proposés"),
        ("en", "or one of your recovery codes: the single-use codes shown, and offered for download"),
    ],
)
def test_two_factor_code_step_says_a_recovery_code_is_accepted(client, facilitator, password, language, hint):
    with_totp(facilitator)
    recovery_codes = RecoveryCodes.activate(facilitator)
    fields = fields_of(signed_in_at_code_step(client, facilitator, password, language))
    name, descriptions = name_and_descriptions(fields, "id_code")
    assert name == "Code" and len(descriptions) == 1 and hint in descriptions[0]
    assert_each_hint_read_once(fields)

    # What the hint promises works: a recovery code signs in.
    response = client.post(
        reverse("mfa_authenticate"), {"code": recovery_codes.get_unused_codes()[0]}, follow=True
    )
    assert response.wsgi_request.user == facilitator


def test_two_factor_code_error_stays_tied_to_the_field_with_the_hint(client, facilitator, password):
    with_totp(facilitator)
    RecoveryCodes.activate(facilitator)
    signed_in_at_code_step(client, facilitator, password, "fr")
    fields = fields_of(client.post(reverse("mfa_authenticate"), {"code": "000000"}))
    name, descriptions = name_and_descriptions(fields, "id_code")
    assert (
        name == "Code" and descriptions[1] == "Code incorrect." and "codes de récupération" in descriptions[0]
    )


@pytest.mark.parametrize(
    "language,hint",
    [
        ("fr", "Le code à 6 chiffres affiché par votre application d’authentification."),
        ("en", "The 6-digit code shown by your authenticator app."),
    ],
)
def test_without_recovery_codes_the_code_step_does_not_mention_them(
    client, facilitator, password, language, hint
):
    with_totp(facilitator)
    fields = fields_of(signed_in_at_code_step(client, facilitator, password, language))
    assert name_and_descriptions(fields, "id_code") == ("Code", [hint])


@pytest.mark.parametrize(
    "language,heading,intro",
    [
        (
            "fr",
            "Authentification à deux facteurs",
            "Votre compte est protégé par l’authentification à deux facteurs : "
            "encore une étape pour vous connecter.",
        ),
        (
            "en",
            "Two-factor authentication",
            "Your account is protected by two-factor authentication: one more step to sign in.",
        ),
    ],
)
@pytest.mark.parametrize("has_recovery_codes", [True, False])
def test_two_factor_code_step_asks_for_the_code_once_under_a_clear_heading(
    client, facilitator, password, language, heading, intro, has_recovery_codes
):
    """allauth's "Please enter an authenticator code:" before the field repeated the field's hint."""
    with_totp(facilitator)
    if has_recovery_codes:
        RecoveryCodes.activate(facilitator)
    response = signed_in_at_code_step(client, facilitator, password, language)
    main = _clean(visible_text(re.search(r"<main\b.*</main>", response.content.decode(), re.S).group(0)))
    assert main.startswith(f"{heading} {intro} Code ")
    assert re.search(r"<h1\b[^>]*>\s*" + heading + r"\s*</h1>", response.content.decode())
    assert f"<title>{heading} — Pacte</title>" in response.content.decode()
    asks = {"fr": "saisir un code", "en": "enter an authenticator code"}[language]
    assert asks not in main.lower()
    _, descriptions = name_and_descriptions(fields_of(response), "id_code")
    assert len(descriptions) == 1  # the hint says which code


def test_profile_page_reads_each_hint_once(client, citizen):
    """django-dsfr's fields carry their hint inside the label: it is not given again by aria-describedby."""
    client.force_login(citizen)
    fields = fields_of(client.get(reverse("accounts:profile")))
    name, descriptions = name_and_descriptions(fields, "id_departement")
    assert name.startswith("Département de résidence") and "Nous en déduisons votre région." in name
    assert descriptions == []
    assert len([a for a in fields.inputs if a.get("id") in fields.labels]) >= 5
    assert_each_hint_read_once(fields)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_confirming_access_by_code_asks_for_it_once(client, facilitator, password, language):
    """The "confirm it is you" step by code (before a sensitive change) said "Enter an authenticator code:"
    just above a field whose hint says the same."""
    with_totp(facilitator)
    RecoveryCodes.activate(facilitator)
    client.force_login(facilitator)
    client.cookies["django_language"] = language
    response = client.get(reverse("mfa_reauthenticate"))
    assert response.status_code == 200
    page = re.search(r"<main\b.*</main>", response.content.decode(), re.S).group(0)
    main = _clean(visible_text(page)).lower()
    assert {"fr": "saisissez un code", "en": "enter an authenticator code"}[language] not in main
    assert {"fr": "application d", "en": "authenticator app"}[language] in main  # the hint, once
    _, descriptions = name_and_descriptions(fields_of(response), "id_code")
    assert len(descriptions) == 1
