"""Template helpers for the account forms' fields (templates/includes/field.html)."""

import copy

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def without_help_text(bound_field: BoundField) -> BoundField:
    """The same field (value, errors) without its help text, to render its input: Django ties a help text
    to the input by itself (aria-describedby), but a help text that is a link ("Forgot your password?")
    describes nothing; the template shows it after the field as an ordinary link."""
    field = copy.copy(bound_field.field)
    field.help_text = ""
    return field.get_bound_field(bound_field.form, bound_field.name)
