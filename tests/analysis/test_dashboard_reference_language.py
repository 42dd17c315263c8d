"""The dashboard names the reference population's source in the reader's language (an English page
showed « INSEE, estimations de population au 1er janvier 2024… »)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.analysis.test_dashboard import taken_part  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_reference_source_follows_the_page_language(taken_part, organiser_client):  # noqa: F811
    url = reverse("analysis:consultation_dashboard", args=["tableau"])
    cache.clear()
    organiser_client.cookies["django_language"] = "en"
    english = organiser_client.get(url).content.decode()
    assert "INSEE, population estimates at 1 January 2024, aged 18 or over" in english
    assert "estimations de population" not in english
    organiser_client.cookies["django_language"] = "fr"
    french = organiser_client.get(url).content.decode()
    assert "INSEE, estimations de population au 1er janvier 2024, 18 ans ou plus" in french
