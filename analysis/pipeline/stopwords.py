"""French and English stop words shipped as data files, shared by the label and clean stages."""

from __future__ import annotations

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
