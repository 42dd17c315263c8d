"""The home page leads somewhere: a citizen who lands on it sees the consultations open now, each with a
link to take part, and the three tiles (take part, deliberate, follow up) open the pages they describe.
Before, the page said what Pacte does but linked to none of it: the national consultation was two clicks
away, behind the "Consultations" menu entry, and the tiles (drawn like DSFR link tiles) led nowhere."""

import pytest
from django.urls import reverse

from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "title", "tiles"),
    [
        ("fr", "Consultations ouvertes", "Don par défaut ?", ("Participer", "Délibérer", "Suivre")),
        ("en", "Open consultations", "Default donation?", ("Take part", "Deliberate", "Follow up")),
    ],
)
def test_home_lists_the_open_consultations_and_links_its_tiles(client, language, heading, title, tiles):
    make_consultation("don-par-defaut", title_fr="Don par défaut ?", title_en="Default donation?")
    make_consultation("brouillon", phase="draft", title_fr="Brouillon secret", title_en="Secret draft")
    make_consultation("passee", phase="closed", title_fr="Consultation passée", title_en="Past consultation")
    client.cookies["django_language"] = language
    page = client.get(reverse("home")).content.decode()

    assert heading in page
    # First after the introduction: on a phone the three tiles filled two screens before it.
    assert page.index(heading) < page.index(tiles[0])
    assert f'<a href="{reverse("consultation:detail", args=["don-par-defaut"])}">{title}</a>' in page
    assert "Brouillon secret" not in page and "Secret draft" not in page  # never a draft
    assert "Consultation passée" not in page and "Past consultation" not in page  # open ones only
    urls = ("consultation:list", "deliberation:panel_list", "deliberation:accountability")
    for tile, url in zip(tiles, map(reverse, urls), strict=True):
        assert f'<a href="{url}">{tile}</a>' in page


@pytest.mark.parametrize(
    ("language", "empty"),
    [
        ("fr", "Aucune consultation n’est ouverte en ce moment."),
        ("en", "No consultation is open at the moment."),
    ],
)
def test_home_says_when_no_consultation_is_open(client, language, empty):
    make_consultation("passee", phase="closed")
    client.cookies["django_language"] = language
    page = client.get(reverse("home")).content.decode()
    assert empty in page
    assert f'href="{reverse("consultation:list")}"' in page
