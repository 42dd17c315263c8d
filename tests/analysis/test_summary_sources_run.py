"""A run keeps, for each sentence of a theme's generated summary, the contributions it was taken from:
each sentence is a sentence of each of them, the first of them is among the theme's quotes, and each
quote is one contribution's whole text (the report numbers and links them, test_summary_in_their_words)."""

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import Contribution

pytestmark = [pytest.mark.django_db, pytest.mark.model]  # runs the pipeline


def _plain(text: str) -> str:
    return text.replace("’", "'")


def test_every_summary_sentence_names_the_contributions_it_comes_from(done_run, client):
    themes = list(done_run.themes.filter(number__gte=0))
    rows = {c.pk: c for c in Contribution.objects.filter(run=done_run)}
    summarised = [t for t in themes if t.summary]
    assert summarised
    for theme in summarised:
        assert theme.summary_by == "citizens"
        sentences = theme.summary_sentences
        assert 1 <= len(sentences) <= 2
        assert _plain(theme.summary) == _plain(" ".join(s["text"] for s in sentences))
        for sentence in sentences:
            assert sentence["ids"], sentence
            # The title stage capitalises the sentence and ends it with a full stop: the rest is theirs.
            words = _plain(sentence["text"]).rstrip(".")[1:]
            for pk in sentence["ids"]:
                assert words in _plain(rows[pk].text), (sentence, rows[pk].text)
        if theme.parent_id is None:
            quoted = {q["id"] for q in theme.quotes}
            assert {s["ids"][0] for s in sentences} <= quoted
    # Each quote is one contribution, whole (not two joined, not cut without a mark).
    for theme in themes:
        for quote in theme.quotes:
            assert quote["text"] == rows[quote["id"]].text

    services.publish_version(actor=None, version=done_run.versions.get())
    client.cookies["django_language"] = "en"
    page = client.get(reverse("analysis:report", args=[done_run.consultation.slug])).content.decode()
    first = summarised[0].summary_sentences[0]
    source = rows[first["ids"][0]]
    assert f"“{first['text']}”".replace("'", "&#x27;") in page
    assert reverse("consultation:proposal", args=[done_run.consultation.slug, source.source_id]) in page
