"""The language a citizen's text is written in, as pages mark it (WCAG 3.1.2, RGAA 8.7).

A proposal's ``language`` is recorded, never guessed: the interface's language when a citizen submits it
on the site, a file's language column when an import has one, otherwise nothing. Every page that shows a
proposal's text marks it with the ``lang_attr`` filter (``consultation_tags``), the one rule, so a screen
reader reads an English proposal on a French page with an English voice.

An organiser's bilingual text (a title in ``title_fr`` and ``title_en``) is in the language of the field it
is read from: ``shown`` is the one rule for which one a page shows, and the ``fallback_lang`` and
``bilingual`` filters mark it when it is not the page's language."""

import re
from typing import NamedTuple

from django.utils import translation

# A BCP 47 language tag as a page's lang attribute takes it: "en", "fr", "en-GB", "pt-BR", "fra".
_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")
MAX_TAG = 8  # the width of Proposal.language


def language_tag(value: object) -> str:
    """``value`` as a stored language tag: lower-case, "_" read as "-" (Django's "en_GB" locale names),
    trimmed to MAX_TAG at a whole subtag; empty when it is not a language tag ("", "English", "??")."""
    text = str(value or "").strip().replace("_", "-").lower()
    if not _TAG.match(text):
        return ""
    while len(text) > MAX_TAG:
        text = text.rsplit("-", 1)[0]
    return text


def language_of(item: object) -> str:
    """The known language of a text: ``item`` is a proposal (or any object with ``language``), a dict
    with a "language" key, or a tag itself."""
    if isinstance(item, dict):
        return language_tag(item.get("language"))
    if isinstance(item, str):
        return language_tag(item)
    return language_tag(getattr(item, "language", ""))


def in_its_language(text: object, item: object):
    """``text`` (escaped) for a place inside a sentence of the page ("Manage: <title>"), in a
    ``<span lang="…">`` when ``item``'s language (``language_of``) is known: the way to mark a title that a
    translated sentence quotes, where ``lang_attr`` has no element of its own to go on."""
    from django.utils.html import conditional_escape, format_html

    tag = language_of(item)
    return format_html('<span lang="{}">{}</span>', tag, text) if tag else conditional_escape(text)


# A bilingual field (``title_fr``/``title_en``, ``context_*``, a question's ``text_*`` and ``help_*``, a
# choice's ``label_*``): the one rule for the text a page shows and the language that text is in.

#: The languages of the bilingual fields, in the order they stand in for each other: French first.
BILINGUAL = ("fr", "en")


class Shown(NamedTuple):
    text: str
    language: str  # the language the text is written in: the field it was read from


def page_language() -> str:
    """The language of the page being made (the active one), as a bilingual field names it."""
    active = (translation.get_language() or "")[:2]
    return active if active in BILINGUAL else BILINGUAL[0]


def shown(obj: object, field: str) -> Shown:
    """The text of ``obj``'s bilingual ``field`` ("title": ``title_fr``, ``title_en``) in the page's
    language, and the language it is actually in: the page's own field when it is filled, otherwise the
    other language's (French first), so a consultation with no English title shows its French one on
    the English pages, and one imported with only an English title shows it on the French pages. Both
    empty: ("", the page's language)."""
    page = page_language()
    for language in (page, *(other for other in BILINGUAL if other != page)):
        text = getattr(obj, f"{field}_{language}", "") or ""
        if text:
            return Shown(text, language)
    return Shown("", page)


def fallback_language(obj: object, field: str) -> str:
    """The language of ``obj``'s shown ``field`` when it is not the page's (the element holding it needs
    a ``lang``), else ""."""
    language = shown(obj, field).language
    return "" if language == page_language() else language


def shown_in_its_language(obj: object, field: str):
    """``obj``'s shown ``field``, escaped, in a ``<span lang="…">`` when it is not in the page's language:
    for a place with no element of its own (a sentence quoting a title, a form's label or choice)."""
    return in_its_language(shown(obj, field).text, fallback_language(obj, field))
