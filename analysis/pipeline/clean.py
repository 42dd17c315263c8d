"""Clean stage: normalise text, scrub personal data, flag personal health disclosures.

Scrubbing runs before any analysis and before any quote is shown, so every later stage (embeddings,
keywords, representative quotes) only ever sees placeholders such as ``[email]``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .embed import text_hash
from .stopwords import french_and_english

# Generous default: a long contribution is a few thousand characters; beyond this we keep the head, which
# carries the point in practice, and say so (``truncated``), rather than letting one pasted document
# dominate embedding time.
DEFAULT_MAX_CHARS = 5000

# Bump when a cleaning rule changes: persistent cleaning caches put it in their key, so results of the
# old rules are no longer reused.
RULES_VERSION = 1

_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# IBAN: country code, 2 check digits, 11-30 alphanumerics, optionally grouped by 4. Validated by mod-97
# below so that a product reference such as "FR12 ABCD" is not scrubbed by accident.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")

# French NIR (numéro de sécurité sociale): sex, year, month, département (incl. 2A/2B), commune, order,
# optional 2-digit key; spaces allowed between groups.
_NIR = re.compile(
    r"\b[12][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}(?:[ .]?\d{2})?\b"
)

# Phones: French national (06 12 34 56 78, 06.12.34.56.78) and international (+33 6 12 34 56 78,
# 0033 (0)6..., +44 20 7946 0958).
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?[1-9]|0[1-9])(?:[ .-]?\d{2}){4}(?!\d)"
    r"|(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?!\d)"
)

_STREET_TYPES = (
    r"rue|avenue|av\.|bd|boulevard|place|pl\.|chemin|allée|allee|impasse|route|quai|cours|passage|square|"
    r"voie|sentier|hameau|lotissement|résidence|residence|faubourg|fbg|cité|cite|rond-point|esplanade"
)
_NAME_WORD = r"(?:[A-ZÀ-Ý][\w'’-]*|\d{1,2}(?:er|e)?\b)"
_PARTICLES = r"(?i:(?:de\s+la|de\s+l['’]|du|des|de|d['’]|la|le|les|l['’])\s*)?"
# "12 rue de la Paix", "3 bis, avenue Jean Jaurès 75002 Paris", "221B Baker Street".
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}(?:\s?(?:bis|ter|quater|[A-Ca-c]))?,?\s+(?i:{_STREET_TYPES})\s+{_PARTICLES}"
    rf"{_NAME_WORD}(?:[\s-]+{_PARTICLES}{_NAME_WORD}){{0,3}}(?:,?\s+\d{{5}}(?:\s+[A-ZÀ-Ý][\w'’-]*)?)?"
    rf"|\b\d{{1,4}}[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){{1,3}}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Boulevard|Drive)\b",
    re.UNICODE,
)

# Health disclosure: a first-person (or own-family) marker close to a condition word. The point is to
# route the contribution to a moderator, so recall matters more than precision; a public-health
# statement such as "le cancer est une priorité" has no first-person marker and is not flagged.
_CONDITIONS = (
    r"cancer|tumeur|leucémie|lymphome|chimio(?:thérapie)?|diab[eè]te|diabétique|vih|sida|séropositi(?:f|ve)|"
    r"hépatite|dépression|dépressi(?:f|ve)|burn[- ]?out|bipolaire|schizophr[eè]n\w*|autis(?:me|te)|"
    r"épilep(?:sie|tique)|sclérose en plaques|parkinson|alzheimer|asthm(?:e|atique)|mucoviscidose|"
    r"myopathie|endométriose|maladie (?:chronique|rare|de crohn|auto-immune)|"
    r"insuffisance (?:rénale|cardiaque)|"
    r"dialys(?:e|é|ée)|handicap(?:é|ée)?|enceinte|covid long|anorexi\w*|boulimi\w*|trouble(?:s)? \w+|"
    r"diabetes|diabetic|hiv|aids|hepatitis|depression|depressed|bipolar|schizophrenia|autism|autistic|"
    r"epilep(?:sy|tic)|multiple sclerosis|crohn'?s|parkinson'?s|alzheimer'?s|asthma|leukaemia|leukemia|"
    r"tumou?r|chemotherapy|dialysis|pregnant|long covid|ptsd|anxiety disorder|chronic illness|disability|"
    r"disabled|hiv[- ]positive"
)
_FAMILY_FR = (
    r"(?:mon|ma|mes)\s+"
    r"(?:fils|fille|enfants?|mari|femme|épou(?:x|se)|compagn(?:on|e)|mère|père|parents|frère|sœur|soeur)"
)
_FAMILY_EN = r"my\s+(?:son|daughter|child|children|husband|wife|partner|mother|father|parents|brother|sister)"
_HEALTH = re.compile(
    rf"\b(?:je\s+suis(?:\s+\w+)?|j['’]ai(?:\s+\w+){{0,2}}|je\s+souffre\s+d\w*|je\s+vis\s+avec|"
    rf"je\s+suis\s+atteinte?\s+d\w*|on\s+m['’]a\s+diagnostiqué(?:\s+\w+)?|mon|ma|mes|"
    rf"{_FAMILY_FR}(?:\s+\w+){{0,2}}|"
    rf"i\s+(?:am|have|had|was diagnosed with|suffer from|live with|'m|’m)(?:\s+\w+)?|i['’]m(?:\s+\w+)?|"
    rf"i['’]ve\s+(?:got|had)(?:\s+\w+)?|my|{_FAMILY_EN}(?:\s+\w+){{0,2}})"
    rf"\s+(?:un\s+|une\s+|le\s+|la\s+|l['’]|du\s+|de\s+|d['’]|a\s+|an\s+)?(?:{_CONDITIONS})\b",
    re.IGNORECASE | re.UNICODE,
)

# Cheap pre-check on the lower-cased text (case-insensitive Unicode matching is several times slower).
_CONDITION = re.compile(rf"\b(?:{_CONDITIONS})", re.UNICODE)
# Control and zero-width characters (C0, C1, ZW*, BOM), except newline and tab which become spaces.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
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


def _iban_is_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def scrub(text: str) -> tuple[str, tuple[str, ...]]:
    """Replace personal data with ``[kind]`` placeholders; return the text and the kinds found.

    Order matters: IBANs and NIRs are long digit runs that the phone pattern would otherwise half-match.
    """
    found: list[str] = []

    def replace(pattern: re.Pattern[str], kind: str, value: str, check=None) -> str:
        def sub(match: re.Match[str]) -> str:
            if check is not None and not check(match.group(0)):
                return match.group(0)
            found.append(kind)
            return f"[{kind}]"

        return pattern.sub(sub, value)

    if "@" in text:
        text = replace(_EMAIL, "email", text)
    if not _DIGIT.search(text):  # every other kind contains digits (a regex: 30 % of cleaning was this test)
        return text, tuple(dict.fromkeys(found))
    text = replace(_IBAN, "iban", text, _iban_is_valid)
    text = replace(_NIR, "nir", text)
    text = replace(_PHONE, "phone", text)
    text = replace(_ADDRESS, "address", text)
    return text, tuple(dict.fromkeys(found))


def detect_health(text: str) -> str | None:
    """The first-person health disclosure in ``text``, if any."""
    match = _HEALTH.search(text) if _CONDITION.search(text.lower()) else None
    return match.group(0) if match else None


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
