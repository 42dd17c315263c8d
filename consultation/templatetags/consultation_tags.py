from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ my_votes|get_item:proposal.pk }}`: a dict lookup by a variable key (None when absent)."""
    return mapping.get(key) if mapping else None
