from django import template
from django.utils.html import format_html

from ..answers import percent_of as _percent_of
from ..answers import rate_with_count as _rate_with_count
from ..languages import fallback_language, in_its_language, language_of, shown_in_its_language

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ my_votes|get_item:proposal.pk }}`: a dict lookup by a variable key (None when absent)."""
    return mapping.get(key) if mapping else None


# What may close a title after its own terminal punctuation: "…vous ?»", "(…!)".
_CLOSING = "\"'»”’)] \u00a0\u202f"


@register.filter
def full_stop(text) -> str:
    """The full stop ending a sentence that ends with `text` (a consultation's or a panel's title), or
    nothing when the title already ends one: "… Don de données : qu'en pensez-vous ?", not "… ?.".
    Use after the title: ``<a …>{{ title }}</a>{{ title|full_stop }}``."""
    return "" if str(text).rstrip(_CLOSING).endswith((".", "?", "!", "…")) else "."


@register.simple_tag
def percent_of(part, whole) -> str:
    """`{% percent_of figures.taken_up figures.answered %}`: a rate as every page writes it ("89 %" for 8
    of 9, "—" with no item), the one rule of consultation.answers.percent_of; the page shows the count
    beside it."""
    return _percent_of(part, whole)


@register.simple_tag
def rate_with_count(part, whole) -> str:
    """`{% rate_with_count f.taken_up f.answered %}`: "89 % (8 of 9)" (consultation.answers)."""
    return _rate_with_count(part, whole)


@register.filter
def lang_attr(item) -> str:
    """`<p{{ p|lang_attr }}>{{ p.text }}</p>`: ` lang="en"` on the element holding a citizen's text when
    its language is known (``consultation.languages``), nothing otherwise. Always written when known, the
    page's own language too: it is then harmless, and right inside an element of another language."""
    tag = language_of(item)
    return format_html(' lang="{}"', tag) if tag else ""


@register.filter
def in_language_of(text, item) -> str:
    """`{% blocktranslate with title=panel.title|in_language_of:panel %}Manage: {{ title }}{% endblock… %}`:
    a text quoted inside a translated sentence, in a <span lang> when ``item``'s language is known
    (``consultation.languages.in_its_language``)."""
    return in_its_language(text, item)


@register.filter
def fallback_lang(obj, field) -> str:
    """`<h1{{ consultation|fallback_lang:"title" }}>{{ consultation.title }}</h1>`: ` lang="fr"` on the
    element holding a bilingual field when the page shows it in the other language
    (``consultation.languages.shown``: no English title on an English page), nothing when it is in the
    page's language."""
    language = fallback_language(obj, field)
    return format_html(' lang="{}"', language) if language else ""


@register.filter
def bilingual(obj, field) -> str:
    """`{% blocktranslate with title=consultation|bilingual:"title" %}Manage: {{ title }}{% endblock… %}`:
    a bilingual field's shown text quoted inside a sentence or a link, in a <span lang> when it is in the
    other language (``consultation.languages.shown_in_its_language``)."""
    return shown_in_its_language(obj, field)
