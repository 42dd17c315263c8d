"""The synthesis's map of the contributions names each point by the contribution's text (WCAG 3.1.2, RGAA
8.7): a proposal written in English is marked lang="en" on its point's <title> (its tooltip, and the line
the map's script writes for the point under the pointer or reached with the arrow keys), a text of unknown
language is read in its theme's language, and its theme, the point's <desc>, in the theme's language (the
themes' text is French here, on both pages). The contributions file says each text's language too."""

import json

import pytest
from django.urls import reverse

from consultation.models import Proposal
from tests.analysis.conftest import published_report
from tests.html_parts import elements, languages_of_text

pytestmark = pytest.mark.django_db

ENGLISH = "Proposition numéro 1 sur les données."  # its text is marked English below
UNKNOWN = "Proposition numéro 3 sur les données."


def _map(page: str) -> str:
    start = page.index('id="contributions-map"')
    return page[start : page.index("</svg>", start)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_map_point_is_named_by_its_text_in_the_language_it_is_written_in(client, language):
    consultation = published_report("carte-langues", 6)
    Proposal.objects.filter(consultation=consultation, text=ENGLISH).update(language="en")
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    drawn = _map(page)
    # The cut page has no <html lang>: a text left unmarked is read as None.
    assert languages_of_text(drawn, ENGLISH) == ["en"]  # its point's <title>, marked English
    assert languages_of_text(drawn, UNKNOWN) == ["fr"]  # not known: its theme's language
    point = next(
        e for e in elements(drawn) if e["tag"] == "g" and any(c["text"] == ENGLISH for c in e["children"])
    )
    # Not a stop of its own, nor an image of its own: the map is one (tests/browser/test_map_keyboard.py).
    assert "role" not in point["attrs"] and "tabindex" not in point["attrs"]
    (theme,) = [c for c in point["children"] if c["tag"] == "desc"]
    assert theme["text"] == "Logement" and theme["attrs"]["lang"] == "fr"  # its theme, in the theme's
    # The script that names the point under the pointer writes "Theme: text" with this separator.
    separator = ":" if language == "en" else "\u00a0:"
    assert f'data-separator="{separator} "' in page


def test_the_contributions_file_says_each_texts_language(client):
    consultation = published_report("export-langues", 4)
    Proposal.objects.filter(consultation=consultation, text=ENGLISH).update(language="en")
    Proposal.objects.filter(consultation=consultation, text=UNKNOWN).update(language="")
    address = reverse("analysis:export_contributions", args=[consultation.slug, "json"])
    rows = json.loads(client.get(address).content)
    languages = {r["text"]: r["language"] for r in rows}
    assert languages[ENGLISH] == "en" and languages[UNKNOWN] == ""
