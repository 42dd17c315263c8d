"""The synthesis report on paper: the PDF leaves out what only works on screen. The maps' skip links
("Skip the map and go to its table") lead nowhere on paper; the page keeps them for keyboard and
screen-reader users."""

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
