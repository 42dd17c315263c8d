"""The one error summary of the site (templates/includes/error_summary.html, drawn by templates/base.html).

Any page showing a form sent back with errors gets, without asking for it: the page title prefixed with
"Error:", a DSFR error summary at the top of the page that takes the focus (static/pacte/error-summary.js)
and links to each field in error, and each field's error tied to its input by aria-describedby (the
field's own markup). The forms are found in the page's context, so a new form page cannot forget it."""

from collections.abc import Iterable

from django import template
from django.forms import BaseForm, BoundField

register = template.Library()

_CACHE_KEY = "pacte_invalid_forms"


def _forms_in(value, depth: int = 0) -> Iterable[BaseForm]:
    """Forms held by a context value: the value itself, the forms an object holds as attributes (the forms
    of each row of a list: the moderation queue, a session's agenda), or the items of a list, tuple or
    dict (two levels at most)."""
    if isinstance(value, BaseForm):
        yield value
        return
    if depth > 1 or isinstance(value, str | bytes):
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from _forms_in(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _forms_in(item, depth + 1)
    else:  # an object's own attributes only (no property is run): a row's forms, set by the view
        for attribute in list(getattr(value, "__dict__", {}).values()):
            if isinstance(attribute, BaseForm):
                yield attribute


def invalid_forms(context) -> list[BaseForm]:
    """The bound forms with errors in the page's context, in the order found, each once."""
    cache = context.render_context
    if _CACHE_KEY not in cache:
        found, seen = [], set()
        for value in context.flatten().values():
            for form in _forms_in(value):
                if id(form) not in seen and form.is_bound and form.errors:
                    seen.add(id(form))
                    found.append(form)
        cache[_CACHE_KEY] = found
    return cache[_CACHE_KEY]


def error_anchor(bound_field: BoundField) -> str:
    """The id the summary's link goes to: the field's own choice (config.forms), else its input (the
    first one of a group of choices, whose label Django ties to no input)."""
    anchor = getattr(bound_field, "error_anchor", None)
    if anchor is None:
        anchor = bound_field.id_for_label or (f"{bound_field.auto_id}_0" if bound_field.auto_id else "")
    return anchor


@register.simple_tag(takes_context=True)
def page_has_errors(context) -> bool:
    return bool(invalid_forms(context))


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context) -> dict:
    items = []
    for form in invalid_forms(context):
        for error in form.non_field_errors():
            items.append({"text": error, "anchor": getattr(form, "non_field_anchor", "")})
        for name in form.fields:  # in the order of the fields on the page
            if name not in form.errors:
                continue
            bound = form[name]
            if bound.is_hidden:  # a hidden field's error has no field to go to: said as it is
                items.extend({"text": e, "anchor": ""} for e in bound.errors)
                continue
            for error in bound.errors:
                items.append({"label": bound.label, "text": error, "anchor": error_anchor(bound)})
    return {"items": items}
