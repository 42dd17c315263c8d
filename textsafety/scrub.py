"""Personal data in free text: found and replaced by ``[kind]`` placeholders; personal health
disclosures detected. Pure Python (``re``), no Django: the broad-listening pipeline and every publishing
path (consultation.publish) use the same rules.

How the rules generalise rather than fit examples: separators are normalised before matching.

- Numbers (phones, NIR, RIB, card numbers): a *run* is a sequence of digit groups joined by any usual
  separators (spaces of any kind, . - / _ dashes, parentheses, middle dots, up to 4 characters between two
  groups; digits of any script). Each run is compacted and every span of whole groups is checked against
  the *structure* of each kind: a French phone is 0 + 9 digits, or +33/0033/33 (as a group of its own) +
  an optional (0) + 9 digits; a NIR is sex, year, month, département incl. 2A/2B, commune, order and an
  optional key (without the key, a calendar month); a card is four groups of four, or a block passing
  Luhn. So "06/12/34/56/78", "0612345678", "+33 (0)6 12 34 56 78", "1-85-05-78-006-084-36" are the same
  phone or NIR to the rule, while a year, an amount ("1 200 €", "+1 200 000"), a date ("12/05/2020": dates
  break runs unless part of a longer one), an article ("L. 1111-8") or a SIRET has the structure of none.
- IBAN: country code, check digits and a body with any separators, of the country's exact length; the
  ISO 7064 mod-97 check holds, or the shape is plainly an IBAN's (at least ten digits in the body after an
  upper-case country code, or a body of digits only): a mistyped IBAN is still personal. A reference such
  as "FR12 ABCD" is kept.
- E-mail: the "at" is any of @ (also full-width), (at), [at], {at}, <at>, (a), [@], " arobase "; " at "
  and " chez " when the address is otherwise plainly one (spelled-out dots, a dot or digit in the local
  part, a known mail provider for " at "), " AT " in capitals, " at " in a French text; the domain ends in
  a real top-level domain. Dots may be spelled out ("dot", "point", "(dot)", "[.]"); spaces around @ and
  dots are allowed.
- Street address: a number (with bis/ter/quater or a letter), a street type in full or abbreviated (rue,
  r., av., bd, all., imp., ch., chemin, allée, impasse, place, ...), the street name, then an optional
  postal code and town; a postal code and town alone after "à", "habite", a comma; a street without a
  number after "j'habite", "adresse :".

The precision and recall of these rules on a generated corpus are measured by
``benchmarks/scrub_quality.py`` and held by ``tests/textsafety/test_scrub_corpus.py``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

Span = tuple[int, int, str]  # start, end, kind

# Bump when a rule changes: the pipeline's cleaning cache puts it in its key, and a text cleaned under an
# older version is scrubbed again before it is published (consultation.publish).
RULES_VERSION = 2

# ---------------------------------------------------------------------------------------------- e-mail
_OPEN, _CLOSE = r"[\(\[\{<]", r"[\)\]\}>]"
_AT_SIGN = r"[@＠﹫]"
_STRICT_AT = (
    rf"\s*{_AT_SIGN}\s*"
    rf"|\s*{_OPEN}\s*(?i:at|a|arobase|{_AT_SIGN})\s*{_CLOSE}\s*"
    r"|\s+(?i:arobase|a\s+commercial)\s+"
)
_BARE_AT = r"\s+(?P<bare>(?i:at|chez))\s+"
_DOT_SPELLED = rf"(?:\s*{_OPEN}\s*(?i:dot|point|\.)\s*{_CLOSE}\s*|\s+(?i:dot|point)\s+)"
_LOCAL_DOT = rf"(?:\.|\s+\.\s+|{_DOT_SPELLED})"
_DOMAIN_DOT = rf"(?:\s*\.\s*(?=[a-z0-9])|\.|{_DOT_SPELLED})"
# Bounded (64 characters a label, 6 labels) so that a crafted text costs linear time, not quadratic.
_LOCAL = rf"(?<![\w.+-])(?P<local>[\w+-]{{1,64}}(?:{_LOCAL_DOT}[\w+-]{{1,64}}){{0,5}})"
_DOMAIN = rf"(?P<domain>[\w-]{{1,63}}(?:{_DOMAIN_DOT}[\w-]{{1,63}}){{0,5}}{_DOMAIN_DOT}[A-Za-z]{{2,24}})\b"
_EMAIL = re.compile(rf"{_LOCAL}(?:{_STRICT_AT}){_DOMAIN}")
# " at " is also an English word, " chez " a French one: taken only when the rest is plainly an address
# (spelled-out dots, a dot, underscore, plus or digit in the local part, a known mail provider), or, for
# " at ", when the text is French (where "at" is no word: "contact at monsite.fr" can only be an address).
_EMAIL_BARE = re.compile(rf"{_LOCAL}{_BARE_AT}{_DOMAIN}")
_EMAIL_HINT = re.compile(
    rf"{_AT_SIGN}|\b(?:at|arobase|commercial|chez)\b|{_OPEN}\s*a\s*{_CLOSE}", re.IGNORECASE
)
_MAIL_PROVIDERS = {
    "gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "msn", "orange", "wanadoo", "free",
    "sfr", "neuf", "laposte", "icloud", "me", "mac", "protonmail", "proton", "gmx", "aol", "yandex",
    "mail", "bbox", "numericable", "club-internet", "aliceadsl", "tutanota", "zoho",
}  # fmt: skip


_FRENCH_WORDS = re.compile(
    r"\b(?:le|la|les|de|des|du|et|est|un|une|je|pour|que|qui|pas|mon|ma|mes|sur|vous|nous|au|aux|avec|dans|"
    r"il|elle|ce|cette|ou|où|si|merci|bonjour|pouvez|peux|écrire|joindre|contacter|contactez)\b"
)
_ENGLISH_WORDS = re.compile(r"\b(?:the|and|is|are|of|to|you|for|that|this|it|my|be|can|not|with)\b")
# Top-level domains a spelled-out address may end in (any two-letter country code is taken too).
_TLDS = {
    "com",
    "org",
    "net",
    "info",
    "gouv",
    "edu",
    "gov",
    "eu",
    "bzh",
    "paris",
    "corsica",
    "alsace",
    "io",
    "app",
    "dev",
    "email",
    "online",
    "site",
    "xyz",
    "biz",
    "name",
    "pro",
    "coop",
    "asso",
    "museum",
}


def _reads_french(text: str) -> bool:
    lowered = text.lower()
    return len(_FRENCH_WORDS.findall(lowered)) > len(_ENGLISH_WORDS.findall(lowered))


def _email_spans(text: str) -> list[Span]:
    spans = [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    pos, french = 0, None
    while (m := _EMAIL_BARE.search(text, pos)) is not None:
        at = m.group("bare").lower() == "at"
        tld = re.split(r"[\s.\]\)\}>]+", m.group("domain"))[-1].lower()
        if len(tld) != 2 and tld not in _TLDS:  # "me at marie [dot] dupont" ends in no domain
            pos = m.start() + 1
            continue
        spelled = re.search(_DOT_SPELLED, m.group(0)) is not None
        provider = re.split(r"[\s.\[\(\{<]", m.group("domain"), maxsplit=1)[0].lower()
        # "travaille chez free.fr" is no address; "jean.dupont chez free.fr" is.
        plain = spelled or re.search(r"[._+\d]", m.group("local")) or (at and provider in _MAIL_PROVIDERS)
        if not plain and at and french is None and m.group("bare") != "AT":
            french = _reads_french(text)
        shouted = m.group("bare") == "AT"  # nobody writes the English word "AT" in capitals mid-sentence
        if plain or shouted or (at and french):
            spans.append((m.start(), m.end(), "email"))
            pos = m.end()
        else:  # "me at marie.martin@..." : look again from the next word
            pos = m.start() + 1
    return spans


# ------------------------------------------------------------------------------------------------ IBAN
# ISO 13616 lengths (SWIFT IBAN registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31,
    "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN_SEP = r"[\s.\-–—_/]{0,3}"
# Upper-case (the usual way) with letters in the body, or all lower-case with a body of digits (a body of
# lower-case letters would be ordinary words).
_IBAN = re.compile(
    rf"(?<![A-Za-z0-9])(?:[A-Z]{{2}}{_IBAN_SEP}\d{_IBAN_SEP}\d(?:{_IBAN_SEP}[A-Z0-9]){{10,32}}"
    rf"|[a-z]{{2}}{_IBAN_SEP}\d{_IBAN_SEP}\d(?:{_IBAN_SEP}\d){{10,32}})"
)
_IBAN_DROP = re.compile(r"[\s.\-–—_/]")


def iban_is_valid(compact: str) -> bool:
    """ISO 7064 mod-97-10 check of an IBAN without separators."""
    compact = compact.upper()
    if not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _iban_spans(text: str) -> list[Span]:
    spans = []
    for m in _IBAN.finditer(text):
        raw = m.group(0)
        length = IBAN_LENGTHS.get(raw[:2].upper())
        if length is None:
            continue
        kept, end = 0, None
        for i, ch in enumerate(raw):  # where the country's length ends in the raw text
            if not _IBAN_DROP.match(ch):
                kept += 1
                if kept == length:
                    end = i + 1
                    break
        if end is None:
            continue
        compact = _IBAN_DROP.sub("", raw[:end]).upper()
        # A mistyped (or made-up) IBAN is still one when it has its country's exact shape: two check
        # digits and a body of at least ten digits (upper-case country code), or of digits only.
        digits = sum(c.isdigit() for c in compact[4:])
        shaped = compact[2:4].isdigit() and (
            digits == len(compact) - 4 or (raw[:2].isupper() and digits >= 10)
        )
        if iban_is_valid(compact) or shaped:
            spans.append((m.start(), m.start() + end, "iban"))
    return spans


# ------------------------------------------------------------------ numbers: phones, NIR, RIB, cards
_GROUP = r"\d[\dABab]*"
_SEP = r"[\s.\-–—‐‑‒―_/()·•]{1,4}"
_RUN = re.compile(rf"(?:\+\s?)?{_GROUP}(?:{_SEP}{_GROUP})*")
_GROUP_IN_RUN = re.compile(_GROUP)

# With its key any month code is allowed (20, 30-42, 50-99 mark unknown or special births); without it
# the month must be a calendar one, so a 13-digit millisecond timestamp ("1406155523802") is no NIR.
_NIR = re.compile(
    r"[1-478]\d{2}(?:0[1-9]|1[0-2]|[2-9]\d)(?:\d{2}|2[AB])\d{6}\d{2}|[1-478]\d{2}(?:0[1-9]|1[0-2]|20)(?:\d{2}|2[AB])\d{6}"
)
_PHONE_FR = re.compile(r"(?:\+33|0033|33)0?[1-9]\d{8}|0[1-9]\d{8}")
_PHONE_INTL = re.compile(r"\+(?!33)[1-9]\d{7,13}|00(?!33)[1-9]\d{7,13}")
_RIB = re.compile(r"\d{10}[0-9A-Z]{11}\d{2}")
_CARD = re.compile(r"[2-6]\d{12,18}")
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


def _rib_is_valid(compact: str) -> bool:
    digits = compact.translate(_RIB_LETTERS)
    bank, branch, account, key = int(digits[:5]), int(digits[5:10]), int(digits[10:21]), int(digits[21:])
    return (89 * bank + 15 * branch + 3 * account + key) % 97 == 0


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _number_kind(compact: str, groups: list[str]) -> str | None:
    """The kind of personal number ``compact`` (a span of whole groups, separators dropped) is, if any."""
    if _NIR.fullmatch(compact):
        return "nir"
    if _RIB.fullmatch(compact) and _rib_is_valid(compact):
        return "iban"
    if _PHONE_FR.fullmatch(compact):
        # "33 6 12 34 56 78" (the country code without + or 00) only when 33 is a group of its own.
        if compact.startswith("33") and groups[0] != "33":
            return None
        return "phone"
    if _PHONE_INTL.fullmatch(compact):
        # "+1 200 000" is an amount with thousands separators, not a phone.
        if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
            return None
        # 00 and the country code lead ("00 44 ...", "0044 ..."): "003 039 80898" is the end of a SIRET.
        if compact.startswith("00") and len(groups) > 1 and groups[0] != "00" and len(groups[0]) < 4:
            return None
        return "phone"
    if compact.isdigit() and _CARD.fullmatch(compact):
        # Written as a card is: one block, groups of four, or Amex's 4-6-5 (a SIRET's 3-3-3-5 is not);
        # sixteen digits in four groups of four is a card even when its Luhn check fails (mistyped).
        sizes = [len(g) for g in groups]
        if sizes == [4, 4, 4, 4]:
            return "card"
        if _luhn(compact) and (len(sizes) == 1 or set(sizes[:-1]) == {4} or sizes == [4, 6, 5]):
            return "card"
    return None


_MAX_COMPACT = 34


def _ascii(group: str) -> str:
    """Digits of any script as ASCII ("０６" is 06 to the rules)."""
    return group if group.isascii() else "".join(str(unicodedata.decimal(c, c)) for c in group)


# Dates break a run: "du 01/01/2020 - 31/12/2020" holds no phone.
# A two-digit year makes a date too when the same separator does not go on: "du 06/12/24 - 07/12/24"
# holds no phone, "06/12/34/56/78" is one.
_DAY, _MONTH = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
_DATE = re.compile(
    rf"(?<!\d)(?:{_DAY}([/.\-]){_MONTH}\1(?:1[89]|20)\d{{2}}|(?:1[89]|20)\d{{2}}([/.\-]){_MONTH}\2{_DAY}"
    rf"|{_DAY}([/.\-]){_MONTH}\3\d{{2}}(?!\3\d))(?!\d)"
)


def _continued(text: str, start: int, end: int) -> bool:
    """A date-looking part of a longer run ("0333.24.10.52", "01-06-28-09-64" are phones): a separator and
    a digit right before or after it."""
    before = start >= 2 and text[start - 1] in "/.-" and text[start - 2].isdigit()
    after = end + 1 < len(text) and text[end] in "/.-" and text[end + 1].isdigit()
    return before or after


def _number_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    dates = [(m.start(), m.end()) for m in _DATE.finditer(text) if not _continued(text, m.start(), m.end())]
    for run in _RUN.finditer(text):
        plus = run.group(0).startswith("+")
        groups = [(g.start() + run.start(), g.end() + run.start(), g.group(0)) for g in
                  _GROUP_IN_RUN.finditer(run.group(0))]  # fmt: skip
        in_date = [any(s <= g[0] < e for s, e in dates) for g in groups]
        i = 0
        while i < len(groups):
            best = None
            compact = "+" if plus and i == 0 else ""
            parts: list[str] = []
            for j in range(i, len(groups)):
                if in_date[j]:
                    break
                compact += _ascii(groups[j][2]).upper()
                parts.append(groups[j][2])
                if len(compact) > _MAX_COMPACT:
                    break
                kind = _number_kind(compact, parts)
                if kind is not None:
                    best = (j, kind)
            if best is None:
                i += 1
                continue
            j, kind = best
            start = run.start() if plus and i == 0 else groups[i][0]
            spans.append((start, groups[j][1], kind))
            i = j + 1
    return spans


# --------------------------------------------------------------------------------------------- address
_NUMBER = r"(?:n[°o]\s*)?\d{1,4}(?:\s?(?:bis|ter|quater|[A-Da-d])\b)?"
# Street types that never follow a number otherwise: the street's name may be in lower case.
_CLEAR_TYPES = (
    r"rue|r\.|avenue|av\.?|ave\.?|boulevard|boul\.|bd\.?|bld\.?|blvd\.?|bvd\.?|allée|allee|all\.|"
    r"impasse|imp\.|chemin|chem\.|ch\.|faubourg|fbg\.?|fg\.?|rte\.?|ruelle|venelle|lotissement|lot\.|"
    r"rés\.|res\.|sq\.|pl\.|prom\.|qu\.|crs\."
)
# Words that follow a number in ordinary sentences too ("1 place de parking"): a capitalised name only.
_OTHER_TYPES = (
    r"place|route|quai|cours|passage|square|voie|sentier|hameau|résidence|residence|cité|cite|villa|"
    r"esplanade|rond-point|promenade|parvis|montée|chaussée|traverse|mail|clos|domaine|cour|parc|quartier"
)
_PARTICLE = r"(?:(?:de\s+la|de\s+l['’]|du|des|de|d['’]|la|le|les|l['’]|saint|sainte|st|ste)\s*)"
_STOP = (
    r"(?:et|ou|à|a|au|aux|pour|avec|mais|qui|que|depuis|dans|sur|je|j|il|elle|on|nous|vous|ils|elles|est|"
    r"sont|car|donc|puis|où|en|and|in|for|since|with|près|pres|chez|ce|cette|mon|ma|mes|son|sa|ses|"
    r"leur|leurs|un|une|par|dont|si|ne|n|pas|plus|très|tres|the|is|was|at)\b"
)
_LOWER_WORD = rf"(?!{_STOP})(?!\d{{5}}\b)[\w'’-]+"
_UPPER_WORD = r"(?:[A-ZÀ-Ý][\w'’-]*|\d{1,4}(?:er|e|ème)?\b)"
_TOWN = r"[A-ZÀ-Ý][\w'’-]*(?:\s+[Cc][Ee][Dd][Ee][Xx](?:\s*\d{1,2})?)?"
_POSTAL = r"(?:0[1-9]|[1-8]\d|9[0-8])\d{3}"
_TAIL = rf"(?:\s*,?\s*{_POSTAL}(?:\s+{_TOWN})?)?"
_ADDRESS = re.compile(
    rf"(?<![\w/.-]){_NUMBER}\s*,?\s*(?i:{_CLEAR_TYPES})(?:\s+|(?<=\.))(?i:{_PARTICLE})?"
    rf"{_LOWER_WORD}(?:[\s-]+(?i:{_PARTICLE})?{_LOWER_WORD}){{0,3}}{_TAIL}"
    rf"|(?<![\w/.-]){_NUMBER}\s*,?\s*(?i:{_OTHER_TYPES})\s+(?i:{_PARTICLE})?"
    rf"{_UPPER_WORD}(?:[\s-]+(?i:{_PARTICLE})?{_UPPER_WORD}){{0,3}}{_TAIL}"
    r"|\b\d{1,4}[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Boulevard|Drive)\b"
)
# A street without a number, where someone says where they live ("j'habite rue Victor Hugo").
_LIVES = r"(?i:habite|habitons|habitez|vis|vivons|domicilié|domiciliée|demeurant|adresse\s*:?)"
_LIVES_HINT = re.compile(r"habit|vis|vivons|domicili|demeurant|adresse", re.IGNORECASE)
_ADDRESS_NO_NUMBER = re.compile(
    rf"\b{_LIVES}\s+(?P<street>(?i:au\s+|à\s+la\s+|à\s+l['’]|dans\s+la\s+|sur\s+l[ae]\s+)?"
    rf"(?i:{_CLEAR_TYPES}|{_OTHER_TYPES})(?:\s+|(?<=\.))(?i:{_PARTICLE})?{_UPPER_WORD}"
    rf"(?:[\s-]+(?i:{_PARTICLE})?{_UPPER_WORD}){{0,3}}{_TAIL})"
)
# A postal code and town alone, where a place is being told ("j'habite à 69003 Lyon", ", 75002 Paris").
_POSTAL_TOWN = re.compile(
    rf"(?P<pre>(?:^|[,;:(]|\b(?i:à|a|au|sur|habite|vis|domicilié|domiciliée|résidant|résidante|in|at))\s*)"
    rf"(?P<place>\b{_POSTAL}\s+{_TOWN})",
    re.MULTILINE,
)


def _address_spans(text: str) -> list[Span]:
    spans = [(m.start(), m.end(), "address") for m in _ADDRESS.finditer(text)]
    spans += [(m.start("place"), m.end("place"), "address") for m in _POSTAL_TOWN.finditer(text)]
    spans += [(m.start("street"), m.end("street"), "address") for m in _ADDRESS_NO_NUMBER.finditer(text)]
    return spans


# ------------------------------------------------------------------------------------------------ scrub
_DIGIT = re.compile(r"\d")
# Every kind but e-mail holds digits; earlier finders win an overlap.
_FINDERS: list[Callable[[str], list[Span]]] = [_iban_spans, _number_spans, _address_spans]


def find_personal_data(text: str) -> list[Span]:
    """Non-overlapping (start, end, kind) spans of personal data in ``text``, in order. Earlier finders
    win an overlap (an e-mail's digits are not a phone; an IBAN's are not a NIR)."""
    taken: list[Span] = []

    def add(spans: list[Span]) -> None:
        for span in spans:
            if all(span[1] <= s or span[0] >= e for s, e, _k in taken):
                taken.append(span)

    if _EMAIL_HINT.search(text):
        add(_email_spans(text))
    if _DIGIT.search(text):  # every other kind holds digits
        for finder in _FINDERS:
            add(finder(text))
    elif _LIVES_HINT.search(text):  # but a street named where someone lives
        add([(m.start("street"), m.end("street"), "address") for m in _ADDRESS_NO_NUMBER.finditer(text)])
    return sorted(taken)


# Published pages scrub their texts on every read (one exit, consultation/publish.py), and the same texts
# are read again and again: up to 3 ms for a paragraph with digits. The answer depends only on the text and
# on these rules, which a deployment changes only by restarting the process, so it is kept per process.
@functools.lru_cache(maxsize=4096)
def scrub(text: str) -> tuple[str, tuple[str, ...]]:
    """Replace personal data with ``[kind]`` placeholders; return the text and the kinds found (in order
    of first appearance): email, iban, nir, phone, card, address."""
    spans = find_personal_data(text)
    if not spans:
        return text, ()
    out, last = [], 0
    for start, end, kind in spans:
        out.append(text[last:start])
        out.append(f"[{kind}]")
        last = end
    out.append(text[last:])
    return "".join(out), tuple(dict.fromkeys(kind for _s, _e, kind in spans))


# ---------------------------------------------------------------------------------- health disclosure
# A first-person (or own-family) marker close to a condition word. The point is to keep the text from
# being published and to route it to a moderator, so recall matters more than precision; a public-health
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
    rf"\b(?:je\s+suis(?:\s+\w+){{0,2}}|j['’]ai(?:\s+\w+){{0,2}}|je\s+souffre\s+d\w*|je\s+vis\s+avec|"
    rf"on\s+m['’]a\s+diagnostiqué(?:\s+\w+)?|mon|ma|mes|"
    rf"{_FAMILY_FR}(?:\s+\w+){{0,3}}|"
    rf"i\s+(?:am|have|had|was diagnosed with|suffer from|live with|'m|’m)(?:\s+\w+)?|i['’]m(?:\s+\w+)?|"
    rf"i['’]ve\s+(?:got|had)(?:\s+\w+)?|my|{_FAMILY_EN}(?:\s+\w+){{0,2}})"
    # "d'un cancer", "la maladie d'Alzheimer": an article, then the condition.
    rf"\s+(?:(?:un|une|le|la|les|du|de|des|a|an)\s+|l['’]\s*|d['’]\s*(?:un\s+|une\s+)?)?"
    rf"(?:la\s+maladie\s+(?:de\s+|d['’]\s*))?(?:{_CONDITIONS})\b",
    re.IGNORECASE | re.UNICODE,
)
# Cheap pre-check on the lower-cased text (case-insensitive Unicode matching is several times slower).
_CONDITION = re.compile(rf"\b(?:{_CONDITIONS})", re.UNICODE)


def detect_health(text: str) -> str | None:
    """The first-person health disclosure in ``text``, if any."""
    match = _HEALTH.search(text) if _CONDITION.search(text.lower()) else None
    return match.group(0) if match else None
