"""Text normalised on the way in: one function for every form, API, import and service that stores
text written by a person (proposals, answers, amendments, recommendations, imported contributions).

Removed: C0 and C1 control characters (tab and newline kept, carriage returns turned into newlines),
bidirectional embedding/override/isolate controls (U+202A-U+202E, U+2066-U+2069) and marks (U+200E,
U+200F, U+061C: a French or English text never needs them, and they let a text show something else than
what it holds), zero-width space and byte-order mark, line/paragraph separators (become newlines).
Zero-width joiners (U+200C, U+200D) are kept: emoji sequences and some scripts need them. The text is
then in Unicode NFC (one code point per accented letter, as typed on a French keyboard)."""

from __future__ import annotations

import functools
import re
import unicodedata

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# C0 (but \t \n), DEL, C1, bidi marks/embeddings/overrides/isolates, ALM, ZWSP, word joiner, BOM,
# invisible operators, interlinear annotation and object replacement controls.
_UNWANTED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f"
    "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


def normalise_input(text: str | None) -> str:
    """``text`` as it may be stored: controls and bidirectional overrides removed, NFC."""
    if not text:
        return ""
    text = _NEWLINES.sub("\n", text)
    text = _UNWANTED.sub("", text)
    return unicodedata.normalize("NFC", text)


def has_unwanted_characters(text: str) -> bool:
    return bool(_UNWANTED.search(text)) or "\r" in text


# Keyword arguments of the services that carry text written by a person (stored, then shown to others).
TEXT_ARGUMENTS = frozenset({
    "text", "text_fr", "text_en", "title", "title_fr", "title_en", "context_fr", "context_en", "rationale",
    "explanation", "reason", "minutes", "body", "justification", "note", "decision_maker", "label_fr",
    "label_en", "description", "summary", "label", "hide_reason", "help_fr", "help_en",
})  # fmt: skip


def normalises_text(function):
    """Decorator for a service: its text keyword arguments (``TEXT_ARGUMENTS``) are normalised by
    ``normalise_input`` before it runs, so every caller (form, API, import, command, task) stores the
    same clean text. tests/textsafety/test_input_normalised.py fails on a service that takes such an
    argument without it."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        for name, value in kwargs.items():
            if name in TEXT_ARGUMENTS and isinstance(value, str):
                kwargs[name] = normalise_input(value)
        return function(*args, **kwargs)

    wrapper.normalises_text = True
    return wrapper
