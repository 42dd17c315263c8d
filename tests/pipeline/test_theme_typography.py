"""A French theme's title and summary, built from citizens' words, use the typographic apostrophe of the
French interface around them (l’accès, not l'accès), by the catalogue's rule (textsafety.typography);
an English theme keeps the keyboard's apostrophe, and code-like text keeps its quotes."""

from analysis.pipeline.typography import for_readers
from textsafety.typography import typographic_apostrophes

FRENCH_QUOTES = ["Il faut garantir l'accès aux soins dans les campagnes, c'est une priorité pour nous."]
ENGLISH_QUOTES = ["People's data should stay in the country and it is not for sale to anyone."]


def test_a_french_title_and_summary_built_from_l_acces_get_the_typographic_apostrophe():
    title, summary = for_readers(
        "Gratuité de l'accès", "Garantir l'accès aux soins d'urgence.", FRENCH_QUOTES
    )
    assert title == "Gratuité de l’accès"
    assert summary == "Garantir l’accès aux soins d’urgence."


def test_an_english_theme_keeps_its_straight_apostrophes():
    # "s" is a French elision too: the theme's own texts tell that this one is English.
    assert for_readers("People's data", "It's their data.", ENGLISH_QUOTES) == (
        "People's data",
        "It's their data.",
    )


def test_quote_marks_and_code_like_text_are_left_alone():
    text = "Le mot 'accès' et {nom} et `l'option` et l'accès"
    assert typographic_apostrophes(text) == "Le mot 'accès' et {nom} et `l'option` et l’accès"
    assert typographic_apostrophes("aujourd’hui") == "aujourd’hui"  # already typographic
