"""The synthesis report on paper: the PDF leaves out what only works on screen. The maps' skip links
("Skip the map and go to its table") lead nowhere on paper; the page keeps them for keyboard and
screen-reader users."""

import re
from pathlib import Path

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


def test_a_published_pdf_is_drawn_once_then_read_from_storage(done_run, client, monkeypatch, settings):
    """Drawing takes seconds: a published version's PDF is drawn once, then served from storage; what
    changes the content (a quote hidden since) draws it again. Its trend bars are drawn."""
    import weasyprint

    from analysis import services

    services.publish_version(actor=None, version=done_run.versions.get())
    drawn: list[str] = []

    class CountingHTML:
        def __init__(self, string, base_url=None):
            drawn.append(string)

        def write_pdf(self, *args, **kwargs):
            return b"%PDF-1.7 " + str(len(drawn)).encode()

    monkeypatch.setattr(weasyprint, "HTML", CountingHTML)
    url = reverse("analysis:report_pdf", args=[done_run.consultation.slug])
    first, second = client.get(url), client.get(url)
    assert first.content == second.content == b"%PDF-1.7 1" and len(drawn) == 1
    assert list((Path(settings.MEDIA_ROOT) / "syntheses" / done_run.consultation.slug).glob("*.pdf"))
    assert 'class="pacte-print-bar" style="width: 100%"' in drawn[0]  # the busiest week's bar, drawn

    from analysis.models import Contribution

    quoted = next(t for t in done_run.versions.get().data["themes"] if t.get("quotes"))["quotes"][0]
    Contribution.objects.filter(pk=quoted["id"]).update(health_flag=True)
    third = client.get(url)
    assert third.content == b"%PDF-1.7 2" and quoted["text"] not in drawn[1]


HALO = re.compile(  # a title and its halo copy carry the theme's language (lang="fr"), when it is known
    r'<text class="pacte-map__title-halo" x="([^"]+)"(?: lang="[^"]+")? fill="#fff" stroke="#fff" '
    r'stroke-width="3" stroke-linejoin="round" paint-order="stroke">([^<]+)</text>'
    r'<text class="pacte-map__title-text" x="([^"]+)"(?: lang="[^"]+")?>([^<]+)</text>'
)


def test_the_pdfs_theme_titles_have_the_web_maps_halo(client, monkeypatch):
    """On the web map a title is dark on a white halo (analysis.css: paint-order: stroke), readable over
    the points. WeasyPrint strokes text over its fill and ignores paint-order, so on paper each title is
    drawn over a white stroked copy of itself: the same halo. The page keeps its CSS halo alone."""
    consultation = published_report("halo", 12)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    assert "pacte-map__title-halo" not in page

    pdf_html = html_handed_to_weasyprint(client, consultation.slug, monkeypatch)
    titles = re.findall(r'<text class="pacte-map__title-text"[^>]*>([^<]+)</text>', pdf_html)
    haloed = HALO.findall(pdf_html)
    assert sorted(titles) == ["Alimentation", "Logement"]
    # Each title has its halo right under it: the same words at the same place.
    assert sorted(text for x, text, x_title, title in haloed if x == x_title and text == title) == sorted(
        titles
    )

    # WeasyPrint draws it: white stroked text (rendering mode 2, fill then stroke) is in the PDF, and
    # none without the halo copies.
    monkeypatch.undo()
    from weasyprint import HTML

    drawn = HTML(string=pdf_html).write_pdf(uncompressed_pdf=True)
    assert b"2 Tr" in drawn and b"1 1 1 RG" in drawn
    without = HTML(string=re.sub(r'<text class="pacte-map__title-halo".*?</text>', "", pdf_html)).write_pdf(
        uncompressed_pdf=True
    )
    assert b"2 Tr" not in without
