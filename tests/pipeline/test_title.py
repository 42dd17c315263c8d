"""Titles and summaries of themes: key phrases a person would write, distinct, from the theme's texts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.preprocessing import normalize

from analysis.pipeline.embed import InMemoryEmbeddingCache
from analysis.pipeline.title import Group, _phrases, sentences, titles_and_summaries
from tests.pipeline.conftest import labelled_set


def _phrase_forms(text: str) -> set[str]:
    return {form.lower() for form, _before, _after in _phrases(text, 5).values()}


def test_compounds_stay_whole_and_stop_words_only_inside():
    found = _phrase_forms(
        "Les géants du numérique ne doivent pas accéder au don d'organes des habitants d'outre-mer."
    )
    assert {"géants du numérique", "don d'organes", "outre-mer"} <= found
    assert "mer" not in found and "outre" not in found
    # No phrase starts or ends on a stop word or a conjugated verb.
    assert not any(f.split()[0] in {"les", "du", "ne", "doivent"} for f in found)
    assert not any(f.split()[-1] in {"du", "des", "au", "doivent"} for f in found)


def test_variants_of_a_phrase_are_one_candidate():
    one = _phrases("Le don d'organes sauve des vies.", 5)
    other = _phrases("Les dons d'organe sont rares.", 5)
    assert set(one) & set(other) & {k for k in one if len(k) == 3}


def _groups(texts, labels, vectors):
    groups = []
    for label in sorted(set(labels)):
        members = np.flatnonzero(np.array(labels) == label)
        centre = normalize(vectors[members].mean(axis=0, keepdims=True))[0]
        groups.append(Group(label, members, centre))
    return groups


@pytest.fixture(scope="module")
def ccc_titles(use_embedder):
    texts, labels = labelled_set("ccc")
    vectors = use_embedder.embed(texts)
    groups = _groups(texts, labels, vectors)
    # Each theme split in two halves by position: sub-themes of one parent.
    for group in list(groups):
        half = len(group.members) // 2
        for number, rows in enumerate((group.members[:half], group.members[half:])):
            centre = normalize(vectors[rows].mean(axis=0, keepdims=True))[0]
            groups.append(Group((group.key, number), rows, centre, parent=group.key))
    found = titles_and_summaries(texts, vectors, groups, use_embedder, InMemoryEmbeddingCache())
    return texts, labels, groups, found


def test_every_theme_gets_a_short_title_found_in_its_texts(ccc_titles):
    texts, labels, groups, found = ccc_titles
    for group in groups:
        title = found[group.key].title
        assert 1 <= len(title.replace("'", " ").replace("’", " ").split()) <= 5
        assert title[0].isupper()
        written = " ".join(texts[i] for i in group.members).lower()
        assert title.lower() in written, (group.key, title)


def test_no_two_themes_and_no_sub_theme_and_its_parent_share_a_title(ccc_titles):
    _texts, _labels, groups, found = ccc_titles
    titles = [found[g.key].title.lower() for g in groups]
    assert len(set(titles)) == len(titles)


def test_titles_name_the_topic_of_the_theme(ccc_titles):
    """The CCC's "Se déplacer" (travel) proposals are about vehicles, roads, transport."""
    _texts, _labels, _groups, found = ccc_titles
    title = found["Se déplacer"].title.lower()
    assert any(word in title for word in ("véhicule", "transport", "voiture", "mobilité", "vélo", "route"))


def test_summary_is_one_or_two_sentences_of_the_themes_own_texts(ccc_titles):
    texts, _labels, groups, found = ccc_titles
    for group in groups:
        summary = found[group.key].summary
        assert summary
        parts = sentences(summary)
        assert 1 <= len(parts) <= 2
        written = " ".join(texts[i] for i in group.members)
        for part in parts:
            assert part.rstrip(".")[1:40] in written


def test_a_summary_never_quotes_personal_data_nor_an_unquotable_text(use_embedder):
    texts = [
        "Je veux que mes données de santé servent à la recherche publique sur le cancer.",
        "Écrivez-moi à jean.dupont@example.org pour parler des données de santé et de la recherche.",
        "Les données de santé doivent aider la recherche publique, avec un contrôle des citoyens.",
        "La recherche publique a besoin des données de santé, mais sans les vendre aux assureurs.",
    ]
    vectors = use_embedder.embed(texts)
    centre = normalize(vectors.mean(axis=0, keepdims=True))[0]
    quotable = np.array([False, True, True, True])
    found = titles_and_summaries(
        texts, vectors, [Group("a", np.arange(4), centre)], use_embedder, quotable=quotable
    )
    summary = found["a"].summary
    assert summary
    assert "@" not in summary and "example" not in summary
    assert "mes données de santé servent" not in summary


def test_a_run_titles_and_summarises_every_theme_and_sub_theme(use_embedder):
    from analysis.pipeline import Contribution, run_pipeline
    from tests.pipeline.conftest import sib200_subset

    texts, _labels = sib200_subset(("sports", "health", "geography", "politics"), 30)
    result = run_pipeline([Contribution(id=i, text=t) for i, t in enumerate(texts)], use_embedder)
    themes = [t for t in result.themes if not t["other"]]
    titles = [t["title"].lower() for t in themes]
    assert len(set(titles)) == len(titles) >= 2
    for theme in themes:
        assert theme["summary"] and theme["keywords"]
        for sub in theme["subthemes"]:
            if "title" in sub:
                assert sub["title"].lower() != theme["title"].lower()
