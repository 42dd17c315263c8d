from django import template

from ..answers import percent as _percent

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


@register.filter
def percent(rate) -> str:
    """`{{ figures.adoption_rate|percent }}`: a rate as every page writes it ("88,9 %", "—" when there is
    none), the one rule of consultation.answers.percent."""
    return _percent(rate)
