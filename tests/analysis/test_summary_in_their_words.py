"""A theme's generated summary is citizens' sentences, not the platform's voice: the report (page and PDF)
quotes each sentence on its own, in the reader's quotation marks, under "In their words", linked to the
contribution it was taken from (its proposal's page, else its number among the theme's quotes). A summary
an organiser writes in the editor is shown as the organisers' text, without quotation marks. A version
saved before the sources were kept still renders: its summary quoted, without links."""

import re

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import Contribution, PublishedSynthesis, SynthesisVersion
from analysis.synthesis import top_level
from consultation.models import Answer, Proposal, Question
from tests.analysis.conftest import published_report
from tests.factories import UserFactory
from tests.helpers import html_handed_to_weasyprint

pytestmark = pytest.mark.django_db

SLUG = "resume-cite"
FIRST = "Je refuse que mes données servent sans mon accord."
SECOND = "Comment on s'inscrit au registre des refus ?"


def _page(client, language: str, query: str = "") -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse("analysis:report", args=[SLUG]) + query)
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    """The page as a reader sees it: tags dropped, entities of quotes and apostrophes read back."""
    text = re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&quot;", '"')
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _with_summary(version: SynthesisVersion, entry_update) -> None:
    """Change the published version's first theme as a run (or an older run) would have saved it."""
    data = version.data
    theme = top_level(data)[0]
    entry_update(theme)
    SynthesisVersion.objects.filter(pk=version.pk).update(data=data)


@pytest.fixture
def report():
    """A published synthesis whose first theme's summary is two sentences of two contributions: the
    first a proposal (it has a page), the second an answer to an open question quoted by the theme."""
    consultation = published_report(SLUG, 8)
    version = PublishedSynthesis.objects.get(consultation=consultation).version
    theme = top_level(version.data)[0]
    proposal_row = Contribution.objects.get(pk=theme["quotes"][0]["id"])
    answer_row = Contribution.objects.get(pk=theme["quotes"][1]["id"])
    # The second quoted contribution came from an answer to an open question: no page of its own.
    question = Question.objects.create(consultation=consultation, kind="open", text_fr="Votre avis ?")
    answer = Answer.objects.create(question=question, user=UserFactory(), text=answer_row.text)
    Contribution.objects.filter(pk=answer_row.pk).update(
        source_type=Contribution.Source.ANSWER, source_id=answer.pk
    )

    def generated(entry):
        entry["summary"] = f"{FIRST} {SECOND}"
        entry["summary_by"] = "citizens"
        entry["summary_sentences"] = [
            {"text": FIRST, "ids": [proposal_row.pk]},
            {"text": SECOND, "ids": [answer_row.pk]},
        ]

    _with_summary(version, generated)
    return {
        "consultation": consultation,
        "version": version,
        "key": theme["key"],
        "proposal": Proposal.objects.get(pk=proposal_row.source_id),
        "answer_row": answer_row,
        "proposal_row": proposal_row.pk,
    }


@pytest.mark.parametrize(
    ("language", "label", "first", "second", "quote_link"),
    [
        (
            "fr",
            "En leurs mots",
            f"« {FIRST} »",
            "« Comment on s'inscrit au registre des refus ? »",
            "citation 2",
        ),
        ("en", "In their words", f"“{FIRST}”", f"“{SECOND}”", "quote 2"),
    ],
)
def test_each_summary_sentence_is_quoted_on_its_own_and_linked_to_its_contribution(
    client, report, language, label, first, second, quote_link
):
    html = _page(client, language)
    text = _text(html)
    assert label in text
    # Each sentence in the reader's quotation marks, on its own: never glued into one paragraph.
    assert first in text and second in text
    assert f"{FIRST} {SECOND}" not in text
    # The proposal's sentence links to the proposal's page, which opens on that proposal.
    proposal_url = reverse("consultation:proposal", args=[SLUG, report["proposal"].pk])
    assert f'href="{proposal_url}"' in html
    opened = client.get(proposal_url)
    assert opened.status_code == 200 and report["proposal"].text in opened.content.decode()
    # The answer's sentence (no page) links to its number among the theme's quotes, which the page has.
    anchor = f"quote-{report['key']}-2"
    link = re.search(rf'<a [^>]*href="#{anchor}"[^>]*>([^<]*)</a>', html)
    assert link and quote_link in link.group(1)
    assert f'id="{anchor}"' in html
    after = html.split(f'id="{anchor}"', 1)[1]
    assert report["answer_row"].text in after.split("</blockquote>", 1)[0]


def test_the_pdf_quotes_and_links_the_summary_too(client, report, monkeypatch):
    client.cookies["django_language"] = "fr"
    html = html_handed_to_weasyprint(client, SLUG, monkeypatch)
    assert f"« {FIRST} »" in _text(html)
    proposal_url = reverse("consultation:proposal", args=[SLUG, report["proposal"].pk])
    assert f'href="{proposal_url}"' in html and f'href="#quote-{report["key"]}-2"' in html
    # The PDF hides DSFR links (a.fr-link); the summary's sources are not of that kind.
    assert not re.search(r'<a class="[^"]*fr-link[^"]*" href="/consultations/', html)


def test_a_sentence_whose_contribution_was_hidden_since_is_not_shown(client, report):
    report["proposal"].status = Proposal.Status.HIDDEN
    report["proposal"].save(update_fields=["status"])
    text = _text(_page(client, "en"))
    assert FIRST not in text
    assert f"“{SECOND}”" in text


@pytest.mark.parametrize(
    ("language", "label"), [("fr", "Résumé des organisateurs"), ("en", "Summary by the organisers")]
)
def test_a_summary_written_in_the_editor_is_the_organisers_text_without_quotes(
    organiser_client, report, language, label
):
    run = report["version"].run
    written = "Les contributions de ce thème demandent surtout un consentement explicite."
    organiser_client.cookies["django_language"] = language
    response = organiser_client.post(
        reverse("analysis:editor", args=[run.pk]),
        {"action": "summary", "key": report["key"], "summary": written},
    )
    assert response.status_code == 302
    latest = run.versions.order_by("-number").first()
    services.publish_version(actor=None, version=latest)
    text = _text(_page(organiser_client, language))
    assert label in text and written in text
    assert f"« {written} »" not in text and f"“{written}”" not in text
    assert FIRST not in text  # the generated sentences it replaced are gone
    # The editor names the change in the version history.
    editor = _text(organiser_client.get(reverse("analysis:editor", args=[run.pk])).content.decode())
    assert (
        "A écrit le résumé d'un thème" if language == "fr" else "Wrote a theme's summary"
    ) in editor.replace("’", "'")


def test_the_editor_shows_each_sentence_with_its_contribution_number(organiser_client, report):
    organiser_client.cookies["django_language"] = "en"
    page = organiser_client.get(reverse("analysis:editor", args=[report["version"].run.pk])).content.decode()
    text = _text(page)
    assert f"“{FIRST}”" in text and f"“{SECOND}”" in text
    assert f"(contribution number {report['answer_row'].pk})" in text


@pytest.mark.parametrize(("language", "marks"), [("fr", ("« ", " »")), ("en", ("“", "”"))])
def test_a_version_saved_before_sources_were_kept_still_renders_its_summary_quoted(
    client, report, language, marks
):
    def old(entry):
        entry["summary"] = f"{FIRST} {SECOND}"
        del entry["summary_by"], entry["summary_sentences"]

    _with_summary(report["version"], old)
    html = _page(client, language)
    text = _text(html)
    opening, closing = marks
    assert f"{opening}{FIRST}{closing}" in text  # quoted, each sentence on its own
    assert ("En leurs mots" if language == "fr" else "In their words") in text
    assert ("n'a pas gardé" if language == "fr" else "did not record which contributions") in text.replace(
        "’", "'"
    )
    summary = html.split("pacte-summary__quotes", 1)[1].split("</ul>", 1)[0]
    assert "<a " not in summary  # no link: its sources are not known
    client.cookies["django_language"] = language
    assert client.get(reverse("analysis:report_pdf", args=[SLUG])).status_code == 200


def test_a_quote_of_a_contribution_cut_by_cleaning_ends_on_a_visible_ellipsis(client, report):
    Contribution.objects.filter(pk=report["answer_row"].pk).update(truncated=True)
    html = _page(client, "en")
    quote = html.split(f'id="quote-{report["key"]}-2"', 1)[1].split("</blockquote>", 1)[0]
    assert f"{report['answer_row'].text} […]" in _text(quote)
    first = html.split(f'id="quote-{report["key"]}-1"', 1)[1].split("</blockquote>", 1)[0]
    assert "[…]" not in first  # a whole contribution is shown as it is


def test_the_themes_export_says_who_wrote_each_summary_and_its_sources(client, report):
    client.cookies["django_language"] = "en"
    themes = client.get(reverse("analysis:export_themes", args=[SLUG, "json"])).json()
    first = next(t for t in themes if t["key"] == report["key"])
    assert first["summary_by"] == "citizens"
    assert first["summary_sources"] == [[report["proposal_row"]], [report["answer_row"].pk]]
    table = client.get(reverse("analysis:export_themes", args=[SLUG, "csv"])).content.decode("utf-8-sig")
    assert f"{report['proposal_row']}; {report['answer_row'].pk}" in table
