"""The public synthesis report says who last edited it by role, in the reader's language, never by
pseudonym (its page and its PDF); the organisers' editor still names the account."""

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import PipelineRun
from tests.analysis.conftest import published_report
from tests.helpers import html_handed_to_weasyprint
from tests.typography import visible_text

pytestmark = pytest.mark.django_db

EDITED = {
    "en": "Synthesis version 2, last edited by the organisers.",
    "fr": "Version 2 de la synthèse, modifiée en dernier par les organisateurs.",
}
COMPUTED = {
    "en": "Synthesis version 1, last edited by the analysis.",
    "fr": "Version 1 de la synthèse, modifiée en dernier par l’analyse.",
}


@pytest.fixture
def edited(organiser):
    """A published synthesis an organiser renamed a theme of (version 2, published)."""
    consultation = published_report("auteurs", 6)
    run = PipelineRun.objects.get(consultation=consultation)
    key = run.versions.get().data["themes"][0]["key"]
    version = services.edit_synthesis(actor=organiser, run=run, action="rename", key=key, label="Se nourrir")
    services.publish_version(actor=organiser, version=version)
    return consultation, run


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_public_report_names_the_editor_by_role(client, edited, organiser, language):
    consultation, run = edited
    client.cookies["django_language"] = language
    page = visible_text(client.get(reverse("analysis:report", args=[consultation.slug])).content.decode())
    assert EDITED[language] in page and organiser.pseudonym not in page
    first = run.versions.get(number=1)
    url = reverse("analysis:report", args=[consultation.slug]) + f"?version={first.pk}"
    assert COMPUTED[language] in visible_text(client.get(url).content.decode())


def test_the_pdf_names_the_editor_by_role(client, edited, organiser, monkeypatch):
    consultation, _run = edited
    client.cookies["django_language"] = "fr"
    drawn = visible_text(html_handed_to_weasyprint(client, consultation.slug, monkeypatch))
    assert EDITED["fr"] in drawn and organiser.pseudonym not in drawn


def test_the_editor_names_the_account(organiser_client, edited, organiser):
    _consultation, run = edited
    organiser_client.cookies["django_language"] = "en"
    page = organiser_client.get(reverse("analysis:editor", args=[run.pk])).content.decode()
    assert organiser.pseudonym in page
