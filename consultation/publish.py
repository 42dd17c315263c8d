"""One exit for published text: everything that publishes what a person wrote (the proposals pages, the
similar-proposal preview, the public API, the open-data archive, the synthesis page, its PDF and its
CSV/JSON exports, opinion-group statements, e-mails) takes the text from ``public_text`` and nowhere else.

``public_text`` withholds a text that reveals a personal health condition (the rule the synthesis
always applied: ``textsafety.scrub.detect_health``), and otherwise returns it normalised (controls and
bidirectional overrides removed) with personal data replaced by placeholders (``textsafety.scrub``).
tests/test_published_outputs.py feeds one poisoned contribution to every producer and reads each output.
"""

from __future__ import annotations

from textsafety.normalise import normalise_input
from textsafety.scrub import RULES_VERSION, detect_health, scrub

from .models import Proposal

__all__ = ["public_text", "mark_for_listing", "shown_in_preview", "scrub_text", "RULES_VERSION"]


def _publishable(text: str) -> str | None:
    text = normalise_input(text)
    if detect_health(text) is not None:
        return None
    return scrub(text)[0]


def public_text(source) -> str | None:
    """The text of ``source`` as the public may read it, or None when it may not be published.

    ``source``: a string, a ``Proposal`` (None unless published by moderation), an ``Answer``, or an
    analysis row with ``text`` and ``health_flag`` (None when flagged; a row cleaned under the current
    rules, ``scrubbed_under == RULES_VERSION``, went through these very rules already and is not scrubbed
    twice, so a page of 100,000 rows costs nothing more)."""
    if source is None:
        return None
    if isinstance(source, str):
        return _publishable(source)
    if isinstance(source, Proposal) and source.status != Proposal.Status.VISIBLE:
        return None
    if getattr(source, "health_flag", False):
        return None
    text = source.text or ""
    if getattr(source, "scrubbed_under", None) == RULES_VERSION:
        return text
    return _publishable(text)


def scrub_text(text: str) -> str:
    """Text that is not a contribution but is drawn from them (a theme's label or summary): normalised
    and scrubbed, never withheld."""
    return scrub(normalise_input(text or ""))[0]


def shown_in_preview(proposals) -> list | None:
    """The similar proposals a preview may show: through ``mark_for_listing``, the withheld ones left out
    (a preview lists proposals to vote on instead of writing a duplicate). None stays None."""
    if proposals is None:
        return None
    return [p for p in mark_for_listing(proposals) if not p.withheld]


def mark_for_listing(proposals) -> list:
    """Proposals ready for a public list: ``text`` replaced by its public text, ``withheld`` set when a
    published proposal's text may not be shown (it reveals someone's health). Returns the list."""
    proposals = list(proposals)
    for proposal in proposals:
        text = public_text(proposal)
        proposal.withheld = text is None and proposal.status == Proposal.Status.VISIBLE
        proposal.text = text or ""
    return proposals
