"""A theme's title and summary as readers get them: built from citizens' words (``title``, or the optional
labelling service), they keep the keyboard's straight apostrophe (l'accès) while the French interface
around them writes the typographic one (l’accès). A French theme gets ’ in its title and summary by the
catalogue's own rule (``textsafety.typography``: between two letters only, code and placeholders left
alone); an English one keeps its straight apostrophes, as the English interface writes them. The
quotes are citizens' texts shown as written, and are not touched.

Whether a theme is French is read from its stop words (``stopwords.language``) over its title, its summary
and the texts it quotes (``sample``): a title alone is too short to tell ("people's data" holds the "s"
that French elides)."""

from __future__ import annotations

from collections.abc import Sequence

from textsafety.typography import typographic_apostrophes

from .stopwords import language


def theme_language(title: str, summary: str, sample: Sequence[str] = ()) -> str:
    """ "fr" or "en": the language of a theme's generated text (its title, summary, keywords and
    sub-themes), read from its stop words over the title, the summary and the texts it quotes. The one
    rule: the typography here, and the ``lang`` the pages mark theme text with (``analysis.report``)."""
    return language(" ".join([title, summary, *sample]))


def for_readers(title: str, summary: str, sample: Sequence[str] = ()) -> tuple[str, str]:
    """``title`` and ``summary`` with the typographic apostrophe when the theme is French."""
    if theme_language(title, summary, sample) != "fr":
        return title, summary
    return typographic_apostrophes(title), typographic_apostrophes(summary)
