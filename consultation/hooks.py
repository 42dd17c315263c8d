"""Hooks that higher layers fill. `consultation` never imports `deliberation` or `analysis`; they register
here (in their AppConfig.ready) what they know about a contribution.

Contribution fate (below; the pages read the batched "contribution traces" at the end), extra proposal
orderings and "votes changed" listeners (further down).

Contribution fate: ``fn(proposal) -> list[dict]``, one proposal at a time (kept for callers that have one
proposal; the pages read ``contribution_traces``, which batches); each dict is one fact, with keys
``label`` (translated text) and optionally ``url``. Example from analysis:
``{"label": "Grouped in the theme 'Consent by use'", "url": "/analyse/themes/12/"}``.
"""

from collections.abc import Callable
from typing import Any

_fate_providers: list[Callable[[Any], list[dict]]] = []


def register_contribution_fate(fn: Callable[[Any], list[dict]]) -> None:
    if fn not in _fate_providers:
        _fate_providers.append(fn)


def contribution_fate(proposal) -> list[dict]:
    facts: list[dict] = []
    for provider in _fate_providers:
        facts.extend(provider(proposal) or [])
    return facts


# Extra proposal orderings: key -> (label, fn(consultation) -> ordered list of proposal ids). The list
# may be partial (e.g. computed before the newest proposals arrived): the others follow, oldest first.
_orderings: dict[str, tuple[Any, Callable[[Any], list[int]]]] = {}


def register_proposal_ordering(key: str, label, fn: Callable[[Any], list[int]]) -> None:
    _orderings[key] = (label, fn)


def proposal_orderings() -> dict[str, tuple[Any, Callable[[Any], list[int]]]]:
    return dict(_orderings)


# Votes changed: fn(consultation_id) called after the transaction that stored a vote commits. It must be
# cheap (it runs in the request): schedule work, do not compute.
_vote_listeners: list[Callable[[int], None]] = []


def register_votes_changed(fn: Callable[[int], None]) -> None:
    if fn not in _vote_listeners:
        _vote_listeners.append(fn)


def votes_changed(consultation_id: int) -> None:
    for listener in _vote_listeners:
        listener(consultation_id)


# Links to what higher layers offer about a consultation (its synthesis report, its analysis runs):
# fn(consultation, user) -> list of {"label": translated text, "url": ...}, shown on its page. A label
# quoting a text in its own language marks it itself: a SafeString (languages.in_its_language).
_link_providers: list[Callable[[Any, Any], list[dict]]] = []


def register_consultation_links(fn: Callable[[Any, Any], list[dict]]) -> None:
    if fn not in _link_providers:
        _link_providers.append(fn)


def consultation_links(consultation, user) -> list[dict]:
    links: list[dict] = []
    for provider in _link_providers:
        links.extend(provider(consultation, user) or [])
    return links


# Contribution traces, batched (the "My contributions" page and the proposal page): fn(proposals, answers)
# -> {("proposal", id) | ("answer", id): [fact, ...]}. A fact is {"label", "url", "note"} and, for a theme,
# "recommendations": [{"label", "url", "status", "answer_status", "note"}] (the panel recommendations linked
# to the theme, with the decision-maker's answer), and the decision-makers' answer to the theme itself
# ("answer_label", "answer_note", "answer_status", "answer_late"). The consultation's own provider
# (answers.proposal_answer_traces) adds the answer to the proposal: {"label", "note", "answer_status"} or,
# awaited, {"label", "late"}, marked "answer_only". Providers read everything they need in a few queries.
_trace_providers: list[Callable[[list, list], dict]] = []


def register_contribution_traces(fn: Callable[[list, list], dict]) -> None:
    if fn not in _trace_providers:
        _trace_providers.append(fn)


def contribution_traces(proposals, answers) -> dict[tuple[str, int], list[dict]]:
    proposals, answers = list(proposals), list(answers)
    traces: dict[tuple[str, int], list[dict]] = {}
    for provider in _trace_providers:
        for key, facts in (provider(proposals, answers) or {}).items():
            traces.setdefault(key, []).extend(facts)
    return traces


# Open-data downloads that higher layers publish about a consultation (the synthesis's CSV and JSON files),
# listed on its open-data page beside the archive: fn(consultation, user) -> list of {"label": translated
# text, "url": ..., "detail": format and date, translated}. Only what `user` may download.
_download_providers: list[Callable[[Any, Any], list[dict]]] = []


def register_open_data_downloads(fn: Callable[[Any, Any], list[dict]]) -> None:
    if fn not in _download_providers:
        _download_providers.append(fn)


def open_data_downloads(consultation, user) -> list[dict]:
    downloads: list[dict] = []
    for provider in _download_providers:
        downloads.extend(provider(consultation, user) or [])
    return downloads
