"""`{% said_beside "proposal" p.pk %}`: the messages about an item, said inside it (accounts/beside.py)."""

from django import template

from accounts import beside

register = template.Library()


@register.inclusion_tag("includes/said_beside.html", takes_context=True)
def said_beside(context, *parts):
    """The page's messages whose anchor is this item's, in a `role="status"` element that the redirect's
    fragment scrolls to and focuses; nothing when there are none."""
    anchor = beside.anchor_of(*parts)
    said = [m for m in context.get("messages") or () if beside.anchor_of_message(m) == anchor]
    return {"said": said, "said_id": beside.said_id(anchor)}


@register.filter
def is_said_beside(message) -> bool:
    """Whether a message is about one item (said beside it when the item is on the page)."""
    return beside.anchor_of_message(message) is not None
