"""Theme keywords read like the topic; quotes are central and not redundant."""

import re

import numpy as np

from analysis.pipeline.label import keywords, representative_quotes, word_counts
from analysis.pipeline.stopwords import french_and_english


def test_keywords_name_the_topic(four_topics):
    texts, truth, _ = four_topics
    words = keywords(word_counts(texts), truth, n_keywords=10)
    expected = {
        0: {
            "match",
            "équipe",
            "joueurs",
            "joueur",
            "sport",
            "olympiques",
            "championnat",
            "course",
            "football",
        },
        1: {"maladie", "santé", "virus", "patients", "médecin", "soins", "cancer", "traitement", "infection"},
        2: {"mer", "îles", "océan", "fleuve", "nord", "sud", "pays", "montagnes", "ville", "superficie"},
        3: {"président", "gouvernement", "ministre", "parti", "élections", "loi", "politique", "vote"},
    }
    for topic, human_words in expected.items():
        assert len(set(words[topic]) & human_words) >= 2, (topic, words[topic])
    stop = french_and_english()
    assert not any(w in stop for ws in words.values() for w in ws)


def test_placeholders_and_numbers_are_not_keywords():
    texts = [
        "Contactez [email] au [phone] en 2024",
        "Contactez [email] pour les vaccins",
        "Autre sujet : les impôts",
    ]
    words = keywords(word_counts(texts), np.array([0, 0, 1]))
    assert not {"email", "phone", "2024"} & set(words[0])


def test_quotes_are_central_distinct_and_skip_flagged_texts(four_topics):
    texts, truth, vectors = four_topics
    members = np.flatnonzero(truth == 0)
    centre = vectors[members].mean(axis=0)
    centre /= np.linalg.norm(centre)
    # Duplicate the most central text: MMR must not quote it twice.
    most_central = members[np.argmax(vectors[members] @ centre)]
    vectors = np.vstack([vectors, vectors[most_central]])
    members = np.append(members, len(vectors) - 1)
    eligible = np.ones(len(vectors), dtype=bool)
    flagged = members[5]
    eligible[flagged] = False

    quotes = representative_quotes(vectors, members, centre, n_quotes=5, eligible=eligible)

    assert len(quotes) == 5
    assert set(quotes) <= set(members)
    assert flagged not in quotes
    similarity = vectors[quotes] @ vectors[quotes].T
    assert (similarity[~np.eye(5, dtype=bool)] < 0.95).all()
    # Central: the chosen quotes are closer to the centre than the theme's average member.
    assert (vectors[quotes] @ centre).mean() > (vectors[members] @ centre).mean()


def test_a_keyword_is_never_a_verb_an_adverb_or_chat():
    texts = [
        "Je voudrais seulement que les patients comprennent, stp.",
        "Je voudrais seulement des patients informés, stp.",
        "Le cloud européen, le cloud certifié.",
    ]
    words = keywords(word_counts(texts), np.array([0, 0, 1]), n_keywords=5)
    assert "patients" in words[0]
    assert not {"voudrais", "seulement", "stp", "comprennent"} & set(words[0])


# A small French corpus: two forms of several words in the first theme, each used a known number of times.
_FORMS_CORPUS = [
    "Les entreprises privées veulent nos données de santé.",
    "Les entreprises ne doivent pas revendre les données de l'hôpital.",
    "Une entreprise pharmaceutique achète les données des hôpitaux.",
    "L'hôpital public partage une donnée anonyme avec les entreprises.",
    "Les décisions des entreprises sur les données de l'hôpital, une décision publique.",
    "Des décisions d'accès aux données, prises à l'hôpital.",
    "La voie cyclable le long du canal, la voix des cyclistes.",
    "Une voie cyclable sûre et la voix des riverains entendue.",
    "Des pistes cyclables, une voie verte, des vélos en ville.",
]
_FORMS_THEMES = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1])
# Forms of one word, by hand (French singular and plural, regular and in -aux).
_SAME_WORD = [("entreprise", "entreprises"), ("donnée", "données"), ("hôpital", "hôpitaux"),
              ("décision", "décisions"), ("voie", "voies"), ("cyclable", "cyclables")]  # fmt: skip


def _uses(word: str, texts) -> int:
    return sum(len(re.findall(rf"(?<!\w){word}(?!\w)", text.lower())) for text in texts)


def test_a_theme_lists_each_word_once_in_the_form_its_texts_use_most():
    words = keywords(word_counts(_FORMS_CORPUS), _FORMS_THEMES, n_keywords=12)

    for theme, listed in words.items():
        texts = [t for t, label in zip(_FORMS_CORPUS, _FORMS_THEMES, strict=True) if label == theme]
        for forms in _SAME_WORD:
            shown = [form for form in forms if form in listed]
            assert len(shown) <= 1, (theme, listed)
            if shown:  # the most used form in the theme's texts (ties: alphabetical order)
                most = max(sorted(forms), key=lambda form: _uses(form, texts))
                assert shown == [most], (theme, forms, listed)
    assert {"entreprises", "données", "hôpital", "décisions"} <= set(words[0])
    assert {"entreprise", "donnée", "hôpitaux", "décision"}.isdisjoint(words[0])


def test_two_words_are_not_joined_for_sharing_their_first_letters():
    words = keywords(word_counts(_FORMS_CORPUS), _FORMS_THEMES, n_keywords=12)

    assert {"voie", "voix"} <= set(words[1])  # a lane and a voice
