"""The synthesis page opens on what the contributions say, not on five download buttons: on a 375 px
phone the PDF, CSV and JSON buttons and the paragraph on the files' columns filled the first screen
before the overview. They now close the page, under their own heading, after the themes and the opinion
groups, as the reports of Talk to the City and Decidim's exports do."""

import pytest
from django.urls import reverse

from tests.analysis.conftest import published_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "overview", "downloads", "pdf"),
    [
        ("fr", "Vue d’ensemble", "Télécharger la synthèse et ses données", "Télécharger en PDF"),
        ("en", "Overview", "Download the synthesis and its data", "Download as PDF"),
    ],
)
def test_the_downloads_come_after_the_synthesis(client, language, overview, downloads, pdf):
    consultation = published_report("telechargements", 6)
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    heading = f'<h2 id="downloads">{downloads}</h2>'
    assert heading in page
    assert page.index(overview) < page.index("Alimentation") < page.index(heading) < page.index(pdf)
    for fmt in ("csv", "json"):
        assert reverse("analysis:export_themes", args=[consultation.slug, fmt]) in page[page.index(heading) :]
