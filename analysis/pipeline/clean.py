"""Clean stage: normalise text, scrub personal data, flag personal health disclosures.

Scrubbing runs before any analysis and before any quote is shown, so every later stage (embeddings,
keywords, representative quotes) only ever sees placeholders such as ``[email]``. The scrubbing and
health rules themselves live in the pure ``textsafety.scrub`` module, which every publishing path
(``consultation.publish``) uses too: one set of rules for what the analysis sees and what is published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from textsafety.scrub import RULES_VERSION, detect_health, scrub

from .embed import text_hash
from .stopwords import french_and_english

# Generous default: a long contribution is a few thousand characters; beyond this we keep the head, which
# carries the point in practice, and say so (``truncated``), rather than letting one pasted document
# dominate embedding time.
DEFAULT_MAX_CHARS = 5000

# RULES_VERSION (textsafety.scrub) goes up when a cleaning rule changes: persistent cleaning caches put it
# in their key, so results of the old rules are no longer reused.
__all__ = ["RULES_VERSION", "CleanedText", "clean_text", "clean_texts", "detect_health", "normalise", "scrub"]

# Control, zero-width and bidirectional-control characters (C0, C1, ZW*, LRM/RLM, U+202A-E, U+2066-9,
# BOM), except newline and tab which become spaces.
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


@dataclass(frozen=True)
class CleanedText:
    """One contribution after cleaning."""

    text: str
    scrubbed: tuple[str, ...]  # kinds of personal data found and replaced, e.g. ("email", "phone")
    health_flag: bool  # reveals a personal health condition: route to the moderator
    health_excerpt: str | None  # the words that triggered the flag, for the moderator only
    truncated: bool
    likely_other_language: bool  # long enough, yet no French or English stop word at all


def normalise(text: str) -> str:
    """NFKC (full-width letters, ligatures, non-breaking spaces) then one space / one newline at most."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def _looks_other_language(text: str) -> bool:
    words = [w.lower() for w in _WORD.findall(text[:500])]  # the opening words are enough to tell
    return len(words) >= 8 and not any(w in french_and_english() for w in words)


def clean_text(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> CleanedText:
    """Normalise, truncate at a word boundary, scrub and flag one contribution."""
    text = normalise(text)
    truncated = len(text) > max_chars
    if truncated:
        head = text[:max_chars]
        text = head.rsplit(" ", 1)[0] if " " in head else head
    cleaned, kinds = scrub(text)
    excerpt = detect_health(cleaned)
    return CleanedText(
        text=cleaned,
        scrubbed=kinds,
        health_flag=excerpt is not None,
        health_excerpt=excerpt,
        truncated=truncated,
        likely_other_language=_looks_other_language(cleaned),
    )


class CleaningCache(Protocol):
    """Cleaned texts keyed by (max_chars, sha256 of the raw text): cleaning is a function of the text
    alone, so a rerun only cleans the contributions it has not seen (the regexes take 2-3 s on 20 000
    texts, a sixth of the time that is not embedding)."""

    def get_many(self, max_chars: int, hashes: Sequence[str]) -> dict[str, CleanedText]: ...

    def set_many(self, max_chars: int, cleaned: dict[str, CleanedText]) -> None: ...


class InMemoryCleaningCache:
    """A dict-backed ``CleaningCache`` for tests, benchmarks and single-process runs."""

    def __init__(self) -> None:
        self._store: dict[tuple[int, str], CleanedText] = {}

    def get_many(self, max_chars: int, hashes: Sequence[str]) -> dict[str, CleanedText]:
        return {h: self._store[(max_chars, h)] for h in hashes if (max_chars, h) in self._store}

    def set_many(self, max_chars: int, cleaned: dict[str, CleanedText]) -> None:
        for h, value in cleaned.items():
            self._store[(max_chars, h)] = value

    def __len__(self) -> int:
        return len(self._store)


def clean_texts(
    texts: Sequence[str], *, max_chars: int = DEFAULT_MAX_CHARS, cache: CleaningCache | None = None
) -> list[CleanedText]:
    """``clean_text`` over a corpus, cleaning only the texts that ``cache`` does not hold yet."""
    if cache is None:
        return [clean_text(t, max_chars=max_chars) for t in texts]
    hashes = [text_hash(t) for t in texts]
    known = cache.get_many(max_chars, list(dict.fromkeys(hashes)))
    fresh = {
        h: clean_text(t, max_chars=max_chars) for h, t in zip(hashes, texts, strict=True) if h not in known
    }
    if fresh:
        cache.set_many(max_chars, fresh)
    known = {**known, **fresh}
    return [known[h] for h in hashes]
