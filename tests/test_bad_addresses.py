"""Addresses a person or a script can mistype or forge: a null character in a parameter, a page number
that is no number or out of range, a number in the path too large for the database. Each gets a 4xx
that says why (in French and in English, JSON for scripts) or the nearest page, never a 500."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from consultation.models import Proposal
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db

NULL_REFUSAL = {
    "fr": "Cette adresse contient un caractère nul (%00), qu’aucune page n’accepte",
    "en": "This address holds a null character (%00), which no page accepts",
}


def visitor(language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def consultation(db):
    consultation = make_consultation("adresses", questions=False)
    for text in ("Publier les données de santé.", "Un registre public."):
        Proposal.objects.create(consultation=consultation, text=text, status=Proposal.Status.VISIBLE)
    return consultation


def every_address(slug: str) -> list[str]:
    """One address for each route of the site (but regular expressions), its parts filled in."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and not any(c in route for c in "^$[("):
                found.append(
                    "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: slug if m[1] == "slug" else "1", route)
                )

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def test_the_proposals_search_with_a_null_character_says_why_instead_of_failing(consultation):
    client = visitor("fr")
    url = f"/consultations/{consultation.slug}/propositions/"
    assert client.get(url, {"q": "registre"}).status_code == 200
    response = client.get(url + "?q=regis%00tre")  # was a 500: PostgreSQL refuses NUL in text
    assert response.status_code == 400
    assert NULL_REFUSAL["fr"] in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_address_with_a_null_character_in_a_parameter_is_a_400_that_says_why(
    language, consultation, citizen
):
    client = visitor(language)
    client.force_login(citizen)
    addresses = [a for a in every_address(consultation.slug) if not a.startswith(("/static", "/media"))]
    assert len(addresses) > 100  # the walk reached the apps' routes, not only the root
    queries = ("?q=%00", "?page=1%00", "?x%00=1")  # a value, a page number, a parameter's name
    for i, address in enumerate(addresses):
        response = client.get(address + queries[i % len(queries)])
        assert response.status_code == 400, address
        is_json = response["Content-Type"] == "application/json"
        said = response.json()["detail"] if is_json else response.content.decode()
        assert NULL_REFUSAL[language] in said, address


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_api_refuses_a_null_character_in_json(language, consultation):
    response = visitor(language).get(f"/api/consultations/{consultation.slug}/proposals/?order=%00")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(NULL_REFUSAL[language])


@pytest.mark.parametrize("page", ["abc", "99999999999999999999", "-1", "0", "1.5", "%C3%A9"])
def test_the_proposals_list_shows_a_page_for_a_page_number_out_of_range(page, consultation):
    response = visitor("fr").get(f"/consultations/{consultation.slug}/propositions/?page={page}")
    assert response.status_code == 200
    assert "Un registre public." in response.content.decode()


@pytest.mark.parametrize("number", ["99999999999999999999", "2147483648", "0"])
def test_a_number_in_the_address_beyond_the_database_s_range_is_not_found(number, consultation):
    client = visitor("en")
    for address in (f"/consultations/{consultation.slug}/propositions/{number}/", f"/panels/{number}/"):
        assert client.get(address).status_code == 404, address
    listed = client.get(f"/api/consultations/{consultation.slug}/proposals/?offset={number}").json()
    assert listed["count"] == 2
    assert listed["results"] == ([] if number != "0" else listed["results"])
