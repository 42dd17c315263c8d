"""An address that only takes a form (a vote, a new session, a new draft recommendation) opened as a page
(a bookmark, a link shared, the browser's address bar) answered with an empty 405 response: a blank
browser page with no site around it. People now get the site's page in their language, saying the
address is a form's and offering a way back; scripts and the API keep the bare 405."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEADING = {"fr": "Adresse d’envoi d’un formulaire", "en": "This address receives a form"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_form_address_opened_as_a_page_gets_the_site_page(facilitator, organiser, language):
    from deliberation import services
    from tests.conftest import with_totp

    panel = services.create_panel(actor=organiser, title="Assises", size=30)
    services.assign_facilitator(actor=organiser, panel=panel, user=facilitator)
    client = Client()
    client.force_login(with_totp(facilitator))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("deliberation:schedule_session", args=[panel.pk]))
    page = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert f'<html lang="{language}"' in page and f"<h1>{HEADING[language]}</h1>" in page
    assert 'href="/"' in page and 'id="header-navigation"' in page


def test_a_script_keeps_the_bare_405(facilitator, organiser):
    from deliberation import services
    from tests.conftest import with_totp

    panel = services.create_panel(actor=organiser, title="Assises", size=30)
    services.assign_facilitator(actor=organiser, panel=panel, user=facilitator)
    client = Client()
    client.force_login(with_totp(facilitator))
    url = reverse("deliberation:schedule_session", args=[panel.pk])
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 405 and "<h1>" not in response.content.decode()
