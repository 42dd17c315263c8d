"""French and English stop words shipped as data files, shared by the label and clean stages."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files


@cache
def stop_words(language: str) -> frozenset[str]:
    """Stop words for ``language`` ("fr" or "en"), read once from ``data/stopwords_<language>.txt``."""
    text = (
        files(__package__).joinpath("data").joinpath(f"stopwords_{language}.txt").read_text(encoding="utf-8")
    )
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


@cache
def french_and_english() -> frozenset[str]:
    """Union of both lists: contributions mix the two languages, keywords must skip both."""
    return stop_words("fr") | stop_words("en")


def language(text: str) -> str:
    """ "fr" or "en", whichever language's stop words ``text`` uses more (French on a tie): the language
    of a summary's sentence (``title``), of a theme's title and summary (``typography``)."""
    words = re.findall(r"\w+", text.lower())
    french = sum(w in stop_words("fr") for w in words)
    english = sum(w in stop_words("en") for w in words)
    return "en" if english > french else "fr"
