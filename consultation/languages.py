"""The language a citizen's text is written in, as pages mark it (WCAG 3.1.2, RGAA 8.7).

A proposal's ``language`` is recorded, never guessed: the interface's language when a citizen submits it
on the site, a file's language column when an import has one, otherwise nothing. Every page that shows a
proposal's text marks it with the ``lang_attr`` filter (``consultation_tags``), the one rule, so a screen
reader reads an English proposal on a French page with an English voice."""

import re

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
