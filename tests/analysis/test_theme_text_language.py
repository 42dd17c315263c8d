"""The themes' own text (titles, summaries, keywords, sub-themes, quotes) is written from citizens' words,
French here: on the English pages a screen reader must read it with a French voice (WCAG 3.1.2), as it
already reads the panels' and recommendations' titles. Each page that shows theme text is walked, and
every occurrence of each piece of theme text must be read in French."""

import pytest
from django.urls import reverse

from analysis.models import SynthesisVersion
from consultation.models import Proposal
from tests.analysis.conftest import published_report
from tests.html_parts import languages_of_text

pytestmark = pytest.mark.django_db

SUMMARY = "Les contributions parlent de l'alimentation et des données de santé."
SUB_TITLE, SUB_SUMMARY = "Cantines scolaires", "Ce que mangent les enfants à la cantine."


def french_synthesis(slug: str):
    """The shared published report (themes "Alimentation" and "Logement", French quotes), with a
    summary, keywords and a sub-theme on "Alimentation"."""
    consultation = published_report(slug, 8)
    version = SynthesisVersion.objects.get(run__consultation=consultation)
    data = version.data
    food = next(t for t in data["themes"] if t["label"] == "Alimentation")
    food["summary"], food["keywords"] = SUMMARY, ["repas", "cantine"]
    for n, label in enumerate((SUB_TITLE, "Repas à domicile")):
        data["themes"].append(
            {**food, "key": f"{food['key']}s{n}", "parent": food["key"], "label": label, "quotes": [],
             "summary": SUB_SUMMARY if n == 0 else "", "keywords": ["menus"], "contributions": 2, "size": 2}
        )  # fmt: skip
    version.data = data
    version.save(update_fields=["data"])
    return consultation


def theme_texts(quotes: bool = True) -> list[str]:
    """The theme text of ``french_synthesis``; with its quotes (the editor quotes none: the texts its
    search finds are contributions, marked by their own recorded language)."""
    quotes = [f"Proposition numéro {i} sur les données." for i in range(4)] if quotes else []
    return ["Alimentation", "Logement", SUMMARY.replace("'", "’"), SUMMARY, "repas", "cantine",
            SUB_TITLE, SUB_SUMMARY, "Repas à domicile", "menus", *quotes]  # fmt: skip


def unmarked(page: str, texts: list[str]) -> dict[str, list]:
    """Each text found on the page with the languages its occurrences are read in, when one is not fr."""
    found = {text: languages_of_text(page, text) for text in texts}
    return {text: languages for text, languages in found.items() if languages and set(languages) != {"fr"}}


def test_the_english_synthesis_reads_every_piece_of_theme_text_in_french(client):
    consultation = french_synthesis("langue-themes")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    assert '<html lang="en"' in page
    # Every piece is on the page (the table, the map's table and legend, the theme's article) ...
    for text in ("Alimentation", "Logement", SUMMARY, "cantine", SUB_TITLE, SUB_SUMMARY, "menus"):
        assert languages_of_text(page, text), text
    assert len(languages_of_text(page, "Alimentation")) >= 4  # themes table, map table, legend, heading
    # ... and every occurrence is read in French.
    assert not (wrong := unmarked(page, theme_texts())), wrong
    # The interface's own words stay English: "Other contributions" has no lang of its own.
    assert set(languages_of_text(page, "What contributors said")) == {"en"}


def test_the_pdf_marks_theme_text_too():
    from django.utils import translation

    from analysis import pdf
    from analysis.views import report_context

    consultation = french_synthesis("langue-themes-pdf")
    version = SynthesisVersion.objects.get(run__consultation=consultation)
    with translation.override("en"):
        printed = pdf.report_html(report_context(consultation, version, version))
    assert '<html lang="en"' in printed
    assert languages_of_text(printed, SUMMARY.replace("'", "’")) or languages_of_text(printed, SUMMARY)
    assert not (wrong := unmarked(printed, theme_texts())), wrong


def test_the_editor_marks_theme_text_too(organiser_client):
    consultation = french_synthesis("langue-themes-editeur")
    version = SynthesisVersion.objects.get(run__consultation=consultation)
    organiser_client.cookies["django_language"] = "en"
    # With a search, so that the found contributions' "Theme now" column is there too.
    address = reverse("analysis:editor", args=[version.run.pk])
    editor = organiser_client.get(address, {"q": "Proposition"}).content.decode()
    assert '<html lang="en"' in editor and languages_of_text(editor, SUB_TITLE)
    assert not (wrong := unmarked(editor, theme_texts(quotes=False))), wrong


def test_grouped_in_the_theme_names_it_in_its_language(client, citizen):
    """The sentence "Grouped in the theme “Alimentation”", on the proposal's page and on "My
    contributions"."""
    from consultation import services as consultation_services

    consultation = french_synthesis("langue-themes-traces")
    proposal = Proposal.objects.filter(consultation=consultation).order_by("id").first()
    Proposal.objects.filter(pk=proposal.pk).update(author=citizen, author_key=f"u{citizen.pk}")
    consultation_services.accept_charter(user=citizen, consultation=consultation)
    client.force_login(citizen)
    client.cookies["django_language"] = "en"
    proposal_page = reverse("consultation:proposal", args=[consultation.slug, proposal.pk])
    for url in (reverse("consultation:mine"), proposal_page):
        page = client.get(url).content.decode()
        assert '<html lang="en"' in page and "Grouped in the theme" in page, url
        assert languages_of_text(page, "Alimentation") == ["fr"], url
