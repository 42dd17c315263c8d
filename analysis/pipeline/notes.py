"""Notes a run leaves for the organiser: a code and its values, not a sentence.

The pipeline has no Django and no translations, so a note is stored as ``{"code": .., **values}`` and
the site words it in the reader's language (``analysis.run_messages``). ``note_text`` gives the English
wording for the benchmarks, the logs and the tests of the pure pipeline.
"""

from __future__ import annotations

from typing import Any

Note = dict[str, Any]

ENGLISH = {
    "empty_left_out": "{count} empty contribution(s) were left out.",
    "truncated": "{count} text(s) longer than {max_chars} characters were truncated.",
    "other_language": (
        "{count} text(s) seem to be in neither French nor English; the multilingual model still places "
        "them, but keywords may be poorer."
    ),
    "health_flag": (
        "{count} contribution(s) reveal a personal health condition: flagged for the moderator and never "
        "quoted."
    ),
    "single_theme": "All contributions say the same thing: there is a single theme.",
    "k_capped": "{asked} themes were asked for but there are only {distinct} distinct contributions.",
    "target_absent": "{variable}: no contributor in {categories}; the other targets were rescaled.",
    "stratum_unused": "{variable}: no contributor gave this stratum; it was not used.",
    "raking_not_converged": (
        "Raking did not converge in {iterations} iterations; the margins are approximate."
    ),
}


def note(code: str, **values: Any) -> Note:
    if code not in ENGLISH:
        raise KeyError(f"unknown note code {code!r}")
    return {"code": code, **values}


def note_text(item: Note | str) -> str:
    """English wording of a note (a plain string is a note stored before notes had codes)."""
    if isinstance(item, str):
        return item
    values = {k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in item.items()}
    return ENGLISH[item["code"]].format(**values)
