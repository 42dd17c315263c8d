"""The synthesis report on paper: the PDF leaves out what only works on screen. The maps' skip links
("Skip the map and go to its table") lead nowhere on paper; the page keeps them for keyboard and
screen-reader users."""

import pytest
from django.urls import reverse

from tests.analysis.conftest import html_handed_to_weasyprint, published_report
from tests.typography import visible_text

pytestmark = pytest.mark.django_db

SKIP = {"fr": "Passer la carte et aller à son tableau", "en": "Skip the map and go to its table"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_pdf_has_no_skip_links_the_page_keeps_them(client, monkeypatch, language):
    consultation = published_report("imprime", 6)
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    # The page: one skip link per map (contributions, opinion groups), each leading to its table.
    assert visible_text(page).count(SKIP[language]) == 2
    for map_id in ("contributions-map", "opinion-map"):
        assert f'href="#{map_id}-table"' in page and f'id="{map_id}-table"' in page

    pdf_html = html_handed_to_weasyprint(client, consultation.slug, monkeypatch)
    assert SKIP[language] not in pdf_html
    assert 'href="#contributions-map-table"' not in pdf_html and 'href="#opinion-map-table"' not in pdf_html
    # The maps and their tables are still in the PDF.
    assert 'id="contributions-map"' in pdf_html and 'id="opinion-map"' in pdf_html
    assert 'id="contributions-map-table"' in pdf_html and 'id="opinion-map-table"' in pdf_html
