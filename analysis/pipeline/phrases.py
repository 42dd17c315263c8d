"""Candidate phrases of the title stage: the words of a text cut into runs between punctuation, numbers
and placeholders, each word told apart as a possible edge of a noun phrase or not (verbs by their form
or after a pronoun, adverbs, chat markers, intensifiers), and the 1-5 word phrases with their lemmas
(``simplemma``). ``title`` scores them; this module only reads the texts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .stopwords import french_and_english

# Elided articles and prepositions ("l'", "d'", "qu'") are separate tokens; other apostrophes stay inside
# a word ("aujourd'hui"). Hyphenated words are one token ("outre-mer", "rond-point").
_TOKEN = re.compile(
    r"(?P<elision>\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|presqu|quoiqu)['’](?=[^\W\d_]))"
    r"|(?P<word>[^\W\d_]+(?:[-'’][^\W\d_]+)*)"
    r"|(?P<placeholder>\[[a-z_]+\])"
    r"|(?P<break>[^\w\s]|\d+)",
    re.IGNORECASE,
)
# A sentence opening on a pronoun leans on the one before it: a summary takes it last.
_ANAPHORA = re.compile(r"(?i)(?:il|elle|ils|elles|ce|cela|ceci|ces|ça|it|they|this|these|those)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\s*[\n;]\s*")
_NOT_PHRASE_WORDS = frozenset(
    {
        "email",
        "phone",
        "nir",
        "iban",
        "address",
        "etc",
        "cela",
        "ça",
        "davantage",
        "notamment",
        "afin",
        "ainsi",
        "également",
        "mieux",
        "vraiment",
        "surtout",
        "toujours",
        "jamais",
        "aujourd'hui",
        "demain",
        "place",
        "faut",
        "chose",
        "choses",
        "fait",
        "beaucoup",
        "trop",
        "plutôt",
        "car",
        "donc",
        "alors",
        "bien",
        "bon",
        "bonne",
        "oui",
        "non",
        "yes",
        "also",
        "really",
        "would",
        "could",
        "should",
        "many",
        # Intensifiers: "vraie campagne d'information" is about a campaign of information.
        "vrai",
        "vraie",
        "vrais",
        "vraies",
        "véritable",
        "véritables",
    }
)
# Chat and spoken register: no title is made of them ("Infos claires stp").
_REGISTER = frozenset(
    {
        "stp",
        "svp",
        "pls",
        "plz",
        "please",
        "lol",
        "mdr",
        "ptdr",
        "bcp",
        "tkt",
        "jsp",
        "dsl",
        "slt",
        "cad",
        "pk",
        "pq",
        "qd",
        "ok",
        "okay",
        "hein",
        "bah",
        "ben",
        "bof",
        "bref",
        "merci",
        "thanks",
        "perso",
        "franchement",
        "voilà",
    }
)
# A word right after a subject or object pronoun is a verb there ("qu'on me demande", "je refuse", "qui
# contrôle").
_CLITICS = frozenset(
    {"je", "j'", "tu", "on", "me", "m'", "te", "t'", "se", "s'", "nous", "vous", "il", "ils", "elle", "elles"}
    | {"ne", "n'", "y", "i", "we", "they", "you", "he", "she", "qui", "who"}
)
# Words after which an ambiguous infinitive is a noun ("le pouvoir d'achat", not "pouvoir choisir").
_DETERMINERS = frozenset(
    {"le", "la", "les", "l'", "un", "une", "des", "du", "au", "aux", "ce", "cet", "cette", "ces"}
    | {"mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos"}
    | {"leur", "leurs", "the", "a", "an"}
)
# A hyphenated verb and its pronoun ("montrez-nous", "faut-il") is no noun phrase.
_VERB_PRONOUN = re.compile(
    r"-(?:t-)?(?:nous|vous|moi|toi|le|la|les|lui|leur|en|y|on|il|ils|elle|elles|je|tu)$"
)
_CONJUNCTIONS = frozenset({"et", "and"})
_ARTICLES = frozenset({"la", "le", "les", "the"})
_PREPOSITIONS = frozenset({"de", "du", "des", "d'", "à", "au", "aux", "of"})
_PARTICIPLE = ("é", "ée", "és", "ées")
# Small words that may sit inside a phrase (prepositions and articles); "et"/"and" between two words.
_LINKING = frozenset(
    {
        "de",
        "du",
        "des",
        "à",
        "au",
        "aux",
        "en",
        "la",
        "le",
        "les",
        "pour",
        "sur",
        "sans",
        "par",
        "dans",
        "avec",
        "contre",
        "entre",
        "et",
        "of",
        "the",
        "for",
        "and",
        "to",
        "in",
        "on",
        "with",
    }
)
_VERB_ENDINGS = ("ent", "ons", "ez", "ait", "aient", "ais", "era", "erait", "eront", "ira", "it", "ut")
_VERB_LEMMA_ENDINGS = ("er", "ir", "re", "oir")
_ADJECTIVE = re.compile(
    r"(?:ales?|aux|aires?|éen(?:ne)?s?|ics?|i(?:f|ve)s?|euses?|[ai]bles?|el(?:le)?s?|iques?|ée?s?|ante?s?|ente?s?|ieux)$"
)


@lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    import simplemma

    if "-" in word or "'" in word:
        return word
    return simplemma.lemmatize(word, lang=("fr", "en"))


def _is_stop(lower: str) -> bool:
    return (
        lower in french_and_english()
        or lower in _NOT_PHRASE_WORDS
        or lower in _REGISTER
        or len(lower) < 3
        or _is_adverb(lower)
    )


@lru_cache(maxsize=50_000)
def _is_adverb(lower: str) -> bool:
    """An adverb in -ment ("seulement", "vraiment"): simplemma's dictionary knows the nouns in -ment
    ("consentement", "traitement") and not the adverbs."""
    import simplemma

    return (
        lower.endswith("ment")
        and "-" not in lower
        and not simplemma.is_known(lower, lang="fr")
        and not simplemma.is_known(lower, lang="en")
    )


def _looks_like_verb(lower: str, lemma: str) -> bool:
    """A conjugated verb ("utilisent", "permet", "inscris", "utilisant"), a verb with its pronoun
    ("montrez-nous") or an infinitive ("interdire", "taxer") is no edge of a noun phrase; a participle
    ("anonymisées") or a noun is ("patient", "dossier", "dossiers"). An infinitive is told from a noun in
    -er/-ir/-re by its plural, which simplemma's dictionary knows for nouns only; a word that is both
    ("parler", "pouvoir") is decided by the word before it (``_ambiguous_infinitive``)."""
    import simplemma

    if _VERB_PRONOUN.search(lower):
        return True
    if "-" in lower or "'" in lower:
        return False  # a compound ("outre-mer", "aujourd'hui")
    if lemma != lower:
        if not lemma.endswith(_VERB_LEMMA_ENDINGS) or lower.endswith(_PARTICIPLE):
            return False
        # A noun's plural ("dossiers") or an adjective's inflection ("claires", "infirmières",
        # "étrangères": -er/-ier make -ère/-ière) is no verb form.
        feminine = (lemma[:-2] + "ère", lemma[:-2] + "ères") if lemma.endswith("er") else ()
        return lower not in (lemma + "s", lemma + "x", lemma + "e", lemma + "es", *feminine)
    return lower.endswith(_VERB_LEMMA_ENDINGS) and not simplemma.is_known(lower + "s", lang="fr")


@lru_cache(maxsize=50_000)
def _ambiguous_infinitive(lower: str) -> bool:
    """A noun that is also an infinitive ("parler", "pouvoir", "devoir"): its "nous" or "vous" form
    leads back to it."""
    import simplemma

    if "-" in lower or "'" in lower or not lower.endswith(_VERB_LEMMA_ENDINGS):
        return False
    stem = lower[:-2] if not lower.endswith("oir") else lower[:-3]
    forms = [stem + "ons", stem + "ez", stem + "issons"]
    return any(simplemma.lemmatize(f, lang="fr") == lower for f in forms if simplemma.is_known(f, lang="fr"))


def names_no_subject(word: str) -> bool:
    """Whether a lower-case word, out of context, is a verb, an adverb in -ment, chat or an intensifier
    ("voudrais", "concernent", "informer", "seulement", "stp", "vraie"): no keyword of a theme."""
    if _is_stop(word):
        return True
    lemma = _lemma(word)
    return _looks_like_verb(word, lemma) or _ambiguous_infinitive(word)


@dataclass(frozen=True)
class _Token:
    surface: str
    lower: str
    key: str  # lemma, or the word itself for stop words
    edge: bool  # may start or end a phrase
    elision: bool
    participle: bool = False  # a past participle ("représentés"): may end a phrase, not start one

    @property
    def linking(self) -> bool:
        """A small word that may sit inside a phrase: "de", "du", "à", "l'" ("don d'organes")."""
        return self.elision or self.lower in _LINKING


def _segments(text: str) -> list[list[_Token]]:
    """The runs of words of ``text`` between punctuation, numbers and placeholders."""
    segments: list[list[_Token]] = [[]]
    for match in _TOKEN.finditer(text):
        if match.group("elision"):
            surface = match.group("elision")
            lower = surface.lower().replace("’", "'")
            segments[-1].append(_Token(surface, lower, lower, False, True))
        elif match.group("word"):
            surface = match.group("word")
            lower = surface.lower().replace("’", "'")
            previous = segments[-1][-1].lower if segments[-1] else None
            if _is_stop(lower):
                segments[-1].append(_Token(surface, lower, lower, False, False))
            else:
                lemma = _lemma(lower)
                edge = (
                    not _looks_like_verb(lower, lemma)
                    and not _after_subject_pronoun(previous, lower, lemma)
                    and (previous in _DETERMINERS or not _ambiguous_infinitive(lower))
                    and not _verb_after_plural(segments[-1], lower)
                )
                participle = lemma != lower and lemma.endswith("er") and lower.endswith(_PARTICIPLE)
                segments[-1].append(_Token(surface, lower, lemma, edge, False, participle))
        elif segments[-1]:
            segments.append([])
    return [s for s in segments if s]


def _after_subject_pronoun(previous: str | None, lower: str, lemma: str) -> bool:
    """A word right after a subject or object pronoun is the verb ("on me demande"). "on" is also an
    English preposition ("information on privacy"): after it, only a word French knows as an inflected
    form counts as a verb."""
    if previous not in _CLITICS:
        return False
    return previous != "on" or lemma != lower


def _verb_after_plural(before: list[_Token], lower: str) -> bool:
    """A singular form of a verb in -er right after a plural noun is that verb, not a second noun ("qui
    contrôle les serveurs | contrôle | les données")."""
    import simplemma

    if not before or not before[-1].edge or not before[-1].lower.endswith(("s", "x")):
        return False
    if "-" in lower or not lower.endswith("e") or before[-1].lower.endswith(("ss", "us", "is")):
        return False
    infinitive = lower + "r"
    return simplemma.is_known(infinitive, lang="fr") and _lemma(infinitive) == infinitive


def _phrases(text: str, max_words: int) -> dict[tuple[str, ...], tuple[str, str | None, str | None]]:
    """Candidate phrases of one text: lemma key -> (surface form as written, the content word before it,
    the word after it). The neighbours tell a fragment of a longer phrase ("Stratégique National",
    "bilan gaz" before "à effet de serre")."""
    found: dict[tuple[str, ...], tuple[str, str | None, str | None]] = {}
    for segment in _segments(text):
        for start, first in enumerate(segment):
            if not first.edge or first.participle:
                continue
            before = _word_before(segment, start)
            words = 0
            for end in range(start, len(segment)):
                token = segment[end]
                if not token.elision:
                    words += 1
                if words > max_words:
                    break
                if not token.edge:
                    following = segment[end + 1] if end + 1 < len(segment) else None
                    if not token.linking or (
                        token.lower in _CONJUNCTIONS and (following is None or not following.edge)
                    ):
                        break  # "pour que", "et au": a phrase stops at other small words
                    continue
                span = segment[start : end + 1]
                if sum(not t.edge for t in span) > 2:  # at most two small words inside
                    break
                if len(span) == 1 and _ADJECTIVE.search(token.lower) and not token.lower.endswith("ment"):
                    continue  # a lone adjective names no subject ("alimentaires"); "-ment" is a noun
                key = tuple(t.key for t in span)
                if key not in found:
                    after = segment[end + 1] if end + 1 < len(segment) else None
                    # A small word after it extends it only towards a noun ("don d' | organes"), not
                    # towards a verb ("entreprises privées pour | respecter").
                    beyond = segment[end + 2] if end + 2 < len(segment) else None
                    extends = after is not None and (
                        after.edge or (after.linking and beyond is not None and beyond.edge)
                    )
                    found[key] = (_join(span), before, after.key if extends else None)
    return found


def _word_before(segment: list[_Token], start: int) -> str | None:
    """The content word just before a phrase, directly or through a preposition ("données de | santé"):
    a phrase nearly always preceded by the same one is a fragment of a longer phrase. Else the bare
    preposition before it, marked "#": a single word nearly always after the same one is part of a
    locution ("par défaut"), not a subject."""
    if start > 0 and segment[start - 1].edge:
        return segment[start - 1].key
    if start > 1 and segment[start - 1].lower in _PREPOSITIONS and segment[start - 2].edge:
        return segment[start - 2].key
    if start > 0 and segment[start - 1].lower in _LINKING - _ARTICLES:
        return "#" + segment[start - 1].lower  # a bare preposition: "par | défaut", "en | Europe"
    return None


def _join(tokens: Sequence[_Token]) -> str:
    parts: list[str] = []
    for i, token in enumerate(tokens):
        parts.append(token.surface)
        if not token.elision and i < len(tokens) - 1:
            parts.append(" ")
    return "".join(parts)


def _display(forms: Counter) -> str:
    """The written form most used, lower-cased unless the texts keep a capital (names, acronyms)."""
    lowered = Counter()
    capitals: Counter = Counter()
    for form, count in forms.items():
        lowered[form.lower()] += count
        if form != form.lower() and form[1:] != form[1:].lower():  # a capital after the first letter
            capitals[form] += count
    best = lowered.most_common(1)[0][0]
    kept = [form for form, _ in capitals.most_common() if form.lower() == best]
    text = kept[0] if kept and capitals[kept[0]] * 2 >= lowered[best] else best
    return text[:1].upper() + text[1:]
