"""A message said beside the item it is about: the one way for a form sent from an item far down a
page (a proposal's vote, a question's "answer required" switch, the charter) to come back where it was.

Redirected to the item's anchor, the page used to show the confirmation at the top (`#messages`), out
of sight on a phone, and never read by a screen reader left at the item. Here the message carries the
item's anchor (in its `extra_tags`); the item's template says it inside itself with
`{% said_beside "proposal" p.pk %}` (accounts/templatetags/said_beside.py), as a `role="status"`
element that the redirect's fragment scrolls to and focuses, so it is in view and read at once, with
or without JavaScript.

The top of the page still holds a copy, marked `pacte-said-elsewhere`: when the item is not on the page
(a vote that moved its proposal to another page of "most agreed"), the fragment matches nothing, the
page opens at the top and the message is there; when the item is on the page, the style sheet hides
that copy (`:has(.pacte-said)`), so it is neither seen nor read twice."""

from django.contrib import messages
from django.shortcuts import redirect

PREFIX = "beside:"


def anchor_of(*parts) -> str:
    """The item's anchor from its parts: ("proposal", 12) -> "proposal-12"."""
    return "-".join(str(part) for part in parts)


def said_id(anchor: str) -> str:
    """The id of the element that says the item's messages, the fragment the redirect goes to."""
    return f"said-{anchor}"


def tag(anchor: str) -> str:
    """The `extra_tags` that put a message beside the item `anchor`."""
    return PREFIX + anchor


def anchor_of_message(message) -> str | None:
    """The anchor of the item a message is said beside, None for a message of the whole page."""
    for extra in (message.extra_tags or "").split():
        if extra.startswith(PREFIX):
            return extra[len(PREFIX) :]
    return None


def say(request, level: int, text, anchor: str) -> None:
    """Add a message to be said beside the item `anchor` on the next page."""
    messages.add_message(request, level, text, extra_tags=tag(anchor))


def redirect_beside(url: str, anchor: str):
    """Back to `url` at the item's messages (in view and focused), not at the top of the page."""
    return redirect(f"{url.split('#', 1)[0]}#{said_id(anchor)}")
