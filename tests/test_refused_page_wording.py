"""The page refusing access speaks of the page, not of "the consultation": a citizen refused a panel's
member space read "Votre compte ne donne pas accès à cette page, ou pas à ce stade de la consultation",
though no consultation was involved."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEXT = {
    "fr": "Votre compte ne donne pas accès à cette page, ou pas encore à ce stade.",
    "en": "Your account does not give access to this page, or not yet at this stage.",
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_refused_panel_page_does_not_speak_of_a_consultation(client, citizen, organiser, language):
    from deliberation import services

    panel = services.create_panel(actor=organiser, title="Assises", size=30)
    services.set_panel_status(actor=organiser, panel=panel, status="recruiting")
    client.force_login(citizen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("deliberation:member_space", args=[panel.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert TEXT[language] in page
    assert "consultation." not in page
