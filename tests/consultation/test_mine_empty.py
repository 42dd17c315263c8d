""" "My contributions" with nothing in it offers a way to start: it said only "Vous n'avez encore contribué
à aucune consultation." and ended there."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "link"), [("fr", "Voir les consultations"), ("en", "See the consultations")]
)
def test_an_empty_contributions_page_leads_to_the_consultations(client, citizen, language, link):
    client.force_login(citizen)
    client.cookies["django_language"] = language
    page = client.get(reverse("consultation:mine")).content.decode()
    assert f'<a class="fr-btn" href="{reverse("consultation:list")}">{link}</a>' in page
