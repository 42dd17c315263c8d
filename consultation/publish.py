"""One exit for published text: everything that publishes what a person wrote (the proposals pages, the
similar-proposal preview, the public API, the open-data archive, the synthesis page, its PDF and its
CSV/JSON exports, opinion-group statements, e-mails) takes the text from ``public_text`` and nowhere else.

``public_text`` withholds a text that reveals a personal health condition (the rule the synthesis
always applied: ``textsafety.scrub.detect_health``), and otherwise returns it normalised (controls and
bidirectional overrides removed) with personal data replaced by placeholders (``textsafety.scrub``).
tests/test_published_outputs.py feeds one poisoned contribution to every producer and reads each output.

The texts of the layers above (a citizen panel's recommendations, amendments, the decision-makers' answers
to them, their milestones) go through the same exit without this layer importing theirs: their app
declares which fields of which model are published text (``register_published_text``, in its
``AppConfig.ready``); ``public_text(obj)`` / ``public_text(obj, field)`` then accepts such an object, and
``published(obj)`` hands a page, an e-mail or an export a *copy* whose every declared field already holds
its public text (a withheld one: a notice saying why), and whose declared relations (``related``) hold
published copies too. The stored row is never rewritten: a copy refuses to be saved.
tests/test_published_panel_outputs.py reads every output of the panels' texts.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy

from textsafety.normalise import normalise_input
from textsafety.scrub import RULES_VERSION, detect_health, scrub

from .models import AnswerRecord, MilestoneRecord, Proposal

__all__ = [
    "public_text",
    "published",
    "published_all",
    "shown_text",
    "register_published_text",
    "WITHHELD_NOTE",
    "mark_for_listing",
    "shown_in_preview",
    "scrub_text",
    "RULES_VERSION",
]

#: What a published text that may not be shown reads instead (resolved in the reader's language).
WITHHELD_NOTE = gettext_lazy("This text is withheld because it may reveal health information.")


def _publishable(text: str) -> str | None:
    text = normalise_input(text)
    if detect_health(text) is not None:
        return None
    return scrub(text)[0]


def public_text(source, field: str | None = None) -> str | None:
    """The text of ``source`` as the public may read it, or None when it may not be published.

    ``source``: a string, a ``Proposal`` (None unless published by moderation), an ``Answer``, or an
    analysis row with ``text`` and ``health_flag`` (None when flagged; a row cleaned under the current
    rules, ``scrubbed_under == RULES_VERSION``, went through these very rules already and is not scrubbed
    twice, so a page of 100,000 rows costs nothing more), or an object of a model registered with
    ``register_published_text`` (its first declared field, or ``field``)."""
    if source is None:
        return None
    if isinstance(source, str):
        return _publishable(source)
    declared = _declared(source)
    if declared is not None:
        name = field or declared.fields[0]
        if name not in declared.fields:
            raise ValueError(f"{type(source).__name__}.{name} is not declared as published text")
        return _publishable(getattr(source, name) or "")
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


# --------------------------------------------------------------------------------------------------
# Other models' published texts (the layers above register theirs: this layer never imports them)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Declared:
    fields: tuple[str, ...]
    related: tuple[str, ...]
    withheld: dict[str, Callable]


_declared_models: dict[type, _Declared] = {}


def register_published_text(
    model: type,
    *fields: str,
    related: Iterable[str] = (),
    withheld: dict[str, Callable] | None = None,
) -> None:
    """Declare ``fields`` of ``model`` (and of its subclasses: an abstract base may be declared) as text a
    person wrote that is published. ``related``: reverse relations whose objects are published with it
    (their model declared too), e.g. an answer's milestones. ``withheld``: {field: fn(obj) -> text} what
    a withheld field reads instead of ``WITHHELD_NOTE``."""
    _declared_models[model] = _Declared(tuple(fields), tuple(related), dict(withheld or {}))


def _declared(obj) -> _Declared | None:
    for klass in type(obj).__mro__:
        if klass in _declared_models:
            return _declared_models[klass]
    return None


def _instead(declared: _Declared, obj, name: str):
    fallback = declared.withheld.get(name)
    return fallback(obj) if fallback else WITHHELD_NOTE


def shown_text(obj, field: str | None = None):
    """What a public output shows of one declared field of ``obj`` (its first by default): its public
    text, or what stands instead when it is withheld. For an output that needs one field, not a copy."""
    declared = _declared(obj)
    if declared is None:
        raise TypeError(f"{type(obj).__name__} declares no published text (register_published_text)")
    name = field or declared.fields[0]
    text = public_text(obj, name)
    return _instead(declared, obj, name) if text is None else text


def published(obj):
    """A copy of ``obj`` (of a declared model) for a public page, e-mail or export: every declared field
    holds its public text (``public_text``), a withheld one what ``withheld`` says (by default
    ``WITHHELD_NOTE``) and its name is in ``withheld_fields``; every declared relation holds published
    copies (``obj.milestones.all()`` on the copy). The copy cannot be saved: the stored text stays as
    written. None stays None; a copy is returned as it is."""
    if obj is None or getattr(obj, "is_published_copy", False):
        return obj
    declared = _declared(obj)
    if declared is None:
        raise TypeError(f"{type(obj).__name__} declares no published text (register_published_text)")
    shown = copy.copy(obj)
    withheld = set()
    for name in declared.fields:
        text = public_text(obj, name)
        if text is None:
            withheld.add(name)
            text = _instead(declared, obj, name)
        setattr(shown, name, text)
    if declared.related:
        cache = dict(getattr(obj, "_prefetched_objects_cache", {}))
        for name in declared.related:
            manager = getattr(obj, name)
            rows = manager.all()
            copies = [published(row) for row in rows]  # evaluates ``rows`` (one query unless prefetched)
            rows = copy.copy(rows)
            rows._result_cache, rows._prefetch_done = copies, True
            cache[manager.field.remote_field.cache_name] = rows
        shown._prefetched_objects_cache = cache
    shown.withheld_fields = frozenset(withheld)
    shown.is_published_copy = True
    return shown


def published_all(objects) -> list:
    """``published`` of each object, in order."""
    return [published(obj) for obj in objects]


def _refuse_published_copy(sender, instance, **kwargs):
    """A published copy holds placeholders where the stored text holds what the person wrote: saving it
    would lose their words."""
    if getattr(instance, "is_published_copy", False):
        raise RuntimeError(f"a published copy of {sender.__name__} #{instance.pk} is never saved")


pre_save.connect(_refuse_published_copy, dispatch_uid="consultation.publish.refuse_published_copy")


def _justification_withheld(answer) -> str:
    from .answers import JUSTIFICATION_WITHHELD

    return JUSTIFICATION_WITHHELD


# The decision-makers' answers (to a proposal, a theme, a panel's recommendation): the justification, an
# organiser's text that may quote what a citizen wrote; the promised milestones' titles and reasons of
# change. Who answered (decision-maker, body) is an official's name and title, published as written.
register_published_text(
    AnswerRecord,
    "justification",
    related=("milestones",),
    withheld={"justification": _justification_withheld},
)
register_published_text(MilestoneRecord, "title", "change_note")
