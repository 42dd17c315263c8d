"""Error pages in the visitor's language, with the site around them: Django's built-in fallbacks are
English-only pages marked lang="en" (the CSRF one even with French text inside)."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import bad_request, server_error

pytestmark = pytest.mark.django_db

HEADINGS = {
    "fr": {404: "Page introuvable", 403: "Accès refusé", "csrf": "Formulaire non envoyé",
           500: "Erreur du serveur", 400: "Requête incomprise"},
    "en": {404: "Page not found", 403: "Access refused", "csrf": "Form not sent",
           500: "Server error", 400: "Request not understood"},
}  # fmt: skip


def visitor(language: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def assert_page(response, status: int, language: str, heading: str) -> None:
    html = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}"' in html
    assert f"<h1>{heading}</h1>" in html
    assert 'href="/"' in html  # a way back


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_missing_page_is_in_the_visitors_language_with_the_site_menu(language):
    response = visitor(language).get("/consultations/pas-de-consultation-ici/")
    assert_page(response, 404, language, HEADINGS[language][404])
    assert 'id="header-navigation"' in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_refused_page_is_in_the_visitors_language_with_a_way_back(language, citizen):
    client = visitor(language)
    client.force_login(citizen)
    response = client.get("/consultations/moderation/")
    assert_page(response, 403, language, HEADINGS[language][403])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_form_refused_by_the_csrf_check_says_what_to_do_in_the_visitors_language(language):
    client = visitor(language, enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert_page(response, 403, language, HEADINGS[language]["csrf"])
    assert "cookies" in response.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("view", "status"), [(server_error, 500), (bad_request, 400)])
def test_server_and_bad_request_errors_are_in_the_visitors_language(language, view, status):
    # Django renders these without a request context (nothing that could fail again): the language is
    # the one LocaleMiddleware activated for the request.
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request) if view is server_error else view(request, exception=None)
    assert_page(response, status, language, HEADINGS[language][status])
