"""Title stage: a key phrase and a short extractive summary per theme and sub-theme, offline.

Titles: the key phrases of a theme are n-grams of 1-5 words taken from its texts, cut at punctuation,
numbers and scrubbing placeholders, with no French or English stop word and no conjugated verb at either
edge (stop words inside are kept: "géants du numérique", "don d'organes"); hyphenated and elided words
stay whole ("outre-mer", "aujourd'hui"). Variants are grouped by their lemmas (``simplemma``, whose
dictionaries ship in its wheel): "dons d'organes" and "don d'organe" are one phrase, shown in its most
frequent written form. The phrases frequent in the theme and rare elsewhere are embedded with the run's
own embedder and scored as KeyBERT does, by closeness to the theme centre in the embedding space, minus
closeness to the nearest other theme centre (the diversity between themes of MMR). No verb (by its
form or after a pronoun), adverb in -ment, chat marker ("stp") or intensifier ("vraie") starts or ends a
phrase. A phrase several texts of the theme share and specific to it always beats one frequent all over
the corpus ("données de santé" in a consultation on health data), which beats one a single text uses.
A theme's title is spread over its sub-themes: a phrase used inside a minor part of the theme only comes
after one used across it, unless it is used by more of the theme's texts. A theme whose best phrase is
one word used by under half its texts joins it with the 2-4 word phrase most of its other texts use
when the two cover half the theme ("Entreprises et ciblage commercial": up to six words).
Titles are then assigned in regret order so that no two themes and no sub-theme and its parent share
one, and sibling titles keep their head words apart when they can (decisions 0014, 0017).

The candidate phrases and the rules of their edges live in ``phrases``; this module scores and assigns.

Summaries: one or two sentences of the theme's most central quotable texts, re-scrubbed
(``clean.scrub``), the most central sentence first, then a second one only if it adds something (not a
near-copy of the first). Each sentence keeps the rows of the texts it was taken from
(``Title.sentences``), so the report can quote it as those citizens' words and link it to them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .clean import scrub
from .embed import Embedder, EmbeddingCache, embed_with_cache
from .label import representative_quotes
from .phrases import (
    _ANAPHORA,
    _REGISTER,
    _SENTENCE_END,
    _display,
    _is_stop,
    _phrases,
)
from .stopwords import french_and_english, language

MAX_WORDS = 5
_SAMPLE = 400  # texts per theme read for phrases: the most central ones (bounded cost at 100 000 texts)
_CANDIDATES = 25  # phrases per theme embedded and scored
_SUMMARY_TEXTS = 10  # central quotable texts whose sentences may summarise a theme
_SUMMARY_MAX_CHARS = 320
_CONTRAST = 0.5  # weight of the closeness to the nearest other theme (diversity between themes)
_FREQUENCY = 0.4  # weight of how many of the theme's texts use the phrase

_MULTIWORD = 0.03  # bonus per word beyond the first (up to two)
_EXTEND = 0.05  # a single word yields to a 2-4 word phrase holding it whose closeness is at most this lower
_MIN_CANDIDATES = 8  # phrases used once complete a small theme's candidates up to this many
# A phrase whose uses fall mostly outside the theme (or its parent theme) is generic in this corpus
# ("données de santé" in a consultation on health data, "projet", "demande"): it names no theme.
_CONCENTRATION = 0.5
_GENERIC_MIN_USES = 3  # ... judged only on phrases used at least this many times in the corpus
# A theme's title is spread over its sub-themes: the sub-themes using it hold at least this share of the
# theme's texts ("Bénéfices à l'hôpital public", from one minor sub-theme of a
# theme about companies using health data, names that sub-theme, not the theme).
_SPREAD = 0.5
_SPREAD_TIER = 0.5  # the tier of the shared, specific phrases used in a minor part of a theme only


@dataclass(frozen=True)
class Group:
    """A theme or sub-theme to title: its rows, its unit centre in the embedding space, its parent key."""

    key: Hashable
    members: np.ndarray
    centre: np.ndarray
    parent: Hashable | None = None


@dataclass(frozen=True)
class Title:
    title: str
    summary: str
    phrases: list[str] = field(default_factory=list)  # the next best phrases, for the record
    # The summary's sentences, each with the rows (into ``texts``, most central first) of the texts that
    # hold it: a sentence is one citizen's words, quoted, never the platform's (" ".join gives ``summary``).
    sentences: list[tuple[str, list[int]]] = field(default_factory=list)


def _central(vectors: np.ndarray, members: np.ndarray, centre: np.ndarray, limit: int) -> np.ndarray:
    if len(members) <= limit:
        return members
    similarity = vectors[members] @ centre
    return members[np.argsort(-similarity, kind="stable")[:limit]]


def titles_and_summaries(
    texts: Sequence[str],
    vectors: np.ndarray,
    groups: Sequence[Group],
    embedder: Embedder,
    cache: EmbeddingCache | None = None,
    *,
    quotable: np.ndarray | None = None,
    max_words: int = MAX_WORDS,
) -> dict[Hashable, Title]:
    """A distinct title and a 1-2 sentence summary for every group (themes first, then sub-themes).

    ``texts`` are the scrubbed texts, ``vectors`` their unit embeddings (rows match); ``quotable`` masks
    the texts a summary may quote (not those flagged for a health disclosure)."""
    if not groups:
        return {}
    vectors = np.asarray(vectors, dtype=np.float32)
    phrases_of: dict[int, dict[tuple[str, ...], str]] = {}
    sampled = {g.key: _central(vectors, np.asarray(g.members, dtype=int), g.centre, _SAMPLE) for g in groups}
    for rows in sampled.values():
        for row in rows:
            if row not in phrases_of:
                phrases_of[int(row)] = _phrases(texts[row], max_words)

    # Document frequency of each phrase in each group's sample and among the groups of its level.
    frequency: dict[Hashable, Counter] = {}
    contexts: dict[Hashable, dict[tuple[str, ...], tuple[Counter, Counter]]] = {}
    forms: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for group in groups:
        counts: Counter = Counter()
        around: dict[tuple[str, ...], tuple[Counter, Counter]] = defaultdict(lambda: (Counter(), Counter()))
        for row in sampled[group.key]:
            for key, (form, before, after) in phrases_of[int(row)].items():
                counts[key] += 1
                forms[key][form] += 1
                around[key][0][before] += 1
                around[key][1][after] += 1
        frequency[group.key] = counts
        contexts[group.key] = around
    siblings: dict[Hashable, list[Group]] = defaultdict(list)
    for group in groups:
        siblings[group.parent].append(group)
    concentration = _concentration(groups, sampled, frequency)

    candidates: dict[Hashable, list[tuple[str, ...]]] = {}
    tier: dict[tuple[Hashable, tuple[str, ...]], int] = {}
    across_of: dict[Hashable, Counter] = {}  # parent -> uses of each phrase among its children
    for parent, level in siblings.items():
        across: Counter = Counter()
        for group in level:
            across.update(frequency[group.key])
        across_of[parent] = across
        for group in level:
            n = max(1, len(sampled[group.key]))
            floor = max(2, math.ceil(0.03 * n)) if n >= 4 else 1
            scores, reserve = {}, {}
            top = group.key if group.parent is None else group.parent
            for key, count in frequency[group.key].items():
                if _fragment(contexts[group.key][key], count, _words(key) == 1):
                    continue  # nearly always part of a longer phrase ("Plan Stratégique", "bilan gaz")
                share = count / n
                rarity = math.log1p(len(level) * count / across[key])  # as c-TF-IDF: rare elsewhere
                content = sum(1 for part in key if part not in french_and_english())
                (scores if count >= floor else reserve)[key] = share * rarity * (1 + 0.15 * (content - 1))
            best = sorted(scores, key=lambda k: (-scores[k], k))[:_CANDIDATES]
            # A small theme may have too few phrases used twice: its phrases used once fill in (ranked
            # after), so it gets a phrase of its own rather than a number.
            if len(best) < _MIN_CANDIDATES:
                best += sorted(reserve, key=lambda k: (-reserve[k], k))[: _MIN_CANDIDATES - len(best)]
            candidates[group.key] = best
            # Tiers: a phrase several texts of the theme share and that is specific to it (0), one
            # frequent all over the corpus (1), one a single text uses (2). A lower tier always wins.
            for key in best:
                generic = concentration.get((top, key), 1.0) < _CONCENTRATION
                tier[group.key, key] = 2 if key in reserve else int(generic)
            # Tier 0.5: shared and specific, but used inside a minor part of the theme only, while a
            # phrase spread over the theme is used by at least as many of its texts.
            narrow = {
                key
                for key in best
                if tier[group.key, key] == 0 and _spread(group, key, siblings, frequency) < _SPREAD
            }
            widest = max(
                (frequency[group.key][k] for k in best if tier[group.key, k] == 0 and k not in narrow),
                default=0,
            )
            for key in narrow:
                if frequency[group.key][key] <= widest:
                    tier[group.key, key] = _SPREAD_TIER

    displayed = {key: _display(forms[key]) for keys in candidates.values() for key in keys}
    phrase_list = sorted(set(displayed.values()))
    phrase_vectors = (
        dict(zip(phrase_list, embed_with_cache(embedder, phrase_list, cache), strict=True))
        if phrase_list
        else {}
    )

    scored: dict[Hashable, list[tuple[float, tuple[str, ...]]]] = {}
    for level in siblings.values():
        centres = np.stack([g.centre for g in level]).astype(np.float32)
        for position, group in enumerate(level):
            others = np.delete(centres, position, axis=0)
            n = max(1, len(sampled[group.key]))
            ranked = []
            closeness_of = {}
            for key in candidates[group.key]:
                vector = phrase_vectors[displayed[key]]
                closeness = float(vector @ group.centre)
                contrast = float((others @ vector).max()) if len(others) else 0.0
                # How many of the theme's texts use it, counted only for the part of its uses that
                # falls in this theme: a phrase every theme uses ("projet", "données") names none.
                specific = frequency[group.key][key] / max(1, across_of[group.parent][key])
                coverage = specific * math.log1p(frequency[group.key][key]) / math.log1p(n)
                score = closeness - _CONTRAST * contrast + _FREQUENCY * coverage + _shape(key)
                closeness_of[key] = closeness
                # Rounded: a cached vector differs from a fresh one in its last bits (``cluster``).
                ranked.append((round(score, 4), key))
            # A single word gives way to a longer phrase of the theme holding it that is about as close
            # to the theme's centre ("Projet" -> "projet de loi", "Défaut" -> "don par défaut").
            longer = [k for k in closeness_of if 2 <= _words(k) <= 4]
            ranked = [
                (score, key)
                for score, key in ranked
                if _words(key) != 1
                or not any(
                    key[0] in other
                    and closeness_of[other] >= closeness_of[key] - _EXTEND
                    and tier[group.key, other] <= tier[group.key, key]  # as shared and as specific
                    for other in longer
                )
            ]
            ranked.sort(key=lambda item: (tier[group.key, item[1]], -item[0], item[1]))
            if group.parent is None and siblings.get(group.key):
                ranked = _join_cover(group, ranked, tier, sampled[group.key], phrases_of, displayed)
            scored[group.key] = ranked

    # Assignment, parents before their sub-themes: no title used twice (compared by lemmas and by the
    # words shown), a sub-theme never takes the title of its parent, and sibling titles keep their head
    # words apart ("Bénéfices à l'hôpital" and "Bénéfices de la recherche" read as one subject) unless a
    # theme has no other phrase left. Regret order: the theme that would lose most by giving up its best
    # phrase's head word chooses first.
    used_keys: set[tuple[str, ...]] = set()
    used_titles: set[str] = set()
    titles: dict[Hashable, str] = {}
    chosen: dict[Hashable, tuple[str, ...]] = {}
    for level_parent in [None, *[p for p in siblings if p is not None]]:
        level = siblings.get(level_parent, [])
        heads: set[str] = set()

        def options(group: Group, heads: set[str]) -> list[tuple[float, tuple[str, ...]]]:
            found = []
            for score, key in scored[group.key]:
                if key in used_keys or displayed[key].lower() in used_titles:
                    continue
                if set(key) <= set(chosen.get(group.parent, ())):
                    continue  # a sub-theme titled with words of its parent's title says nothing more
                if key[0] in heads:
                    continue
                found.append((score - 10 * tier[group.key, key], key))
            return sorted(found, key=lambda item: (-item[0], item[1]))

        waiting = list(range(len(level)))
        while waiting:
            best = None
            for i in waiting:
                ranked = options(level[i], heads) or options(level[i], set())
                if not ranked:
                    continue
                value, key = ranked[0]
                other = next((v for v, k in ranked if k[0] != key[0]), value - 100)
                choice = (value - other, value, -i)
                if best is None or choice > best[0]:
                    best = (choice, i, key)
            if best is None:
                break
            _choice, i, key = best
            group = level[i]
            titles[group.key] = displayed[key]
            chosen[group.key] = key
            used_keys.add(key)
            used_titles.add(displayed[key].lower())
            heads.add(key[0])
            waiting.remove(i)
        for group in level:
            if group.key not in titles:
                titles[group.key] = _fallback(group, titles, used_titles)
                used_titles.add(titles[group.key].lower())

    summaries = _summaries(texts, vectors, groups, embedder, cache, quotable, siblings)
    return {
        g.key: Title(
            titles[g.key],
            " ".join(sentence for sentence, _rows in summaries.get(g.key, [])),
            [displayed[k] for _s, k in scored[g.key][:5]],
            summaries.get(g.key, []),
        )
        for g in groups
    }


def _concentration(
    groups: Sequence[Group], sampled: dict[Hashable, np.ndarray], frequency: dict[Hashable, Counter]
) -> dict[tuple[Hashable, tuple[str, ...]], float]:
    """(theme key, phrase) -> the share of the corpus's uses of the phrase that fall in that first-level
    theme, for the phrases used at least ``_GENERIC_MIN_USES`` times. Uses are counted on each theme's
    sample and scaled up to the theme's size (a sample of the corpus, the same at any size)."""
    top = [g for g in groups if g.parent is None]
    uses: dict[Hashable, dict[tuple[str, ...], float]] = {}
    corpus: Counter = Counter()
    for group in top:
        weight = len(group.members) / max(1, len(sampled[group.key]))
        uses[group.key] = {key: count * weight for key, count in frequency[group.key].items()}
        corpus.update(uses[group.key])
    return {
        (theme, key): used / corpus[key]
        for theme, used_in in uses.items()
        for key, used in used_in.items()
        if corpus[key] >= _GENERIC_MIN_USES
    }


def _spread(
    group: Group,
    key: tuple[str, ...],
    siblings: dict[Hashable, list[Group]],
    frequency: dict[Hashable, Counter],
) -> float:
    """The share of a theme's texts that lie in the sub-themes using the phrase, a sub-theme where one
    text only uses it counting for half (one text may stray): 1 for a theme without sub-themes."""
    children = siblings.get(group.key, []) if group.parent is None else []
    total = sum(len(child.members) for child in children)
    if not total:
        return 1.0
    covered = sum(len(child.members) * min(1.0, frequency[child.key][key] / 2) for child in children)
    return covered / total


def _join_cover(
    group: Group,
    ranked: list[tuple[float, tuple[str, ...]]],
    tier: dict,
    rows: np.ndarray,
    phrases_of: dict[int, dict],
    displayed: dict[tuple[str, ...], str],
) -> list[tuple[float, tuple[str, ...]]]:
    """A theme whose best phrase is one word used by under half its texts ("Entreprises") is titled
    with that word and the phrase of 2-4 words, with another head, that the most of its other texts use
    ("Entreprises et ciblage commercial"), when the two together are used by at least half its texts:
    two subjects its texts name, joined by "et"."""
    if not ranked or _words(ranked[0][1]) != 1 or tier[group.key, ranked[0][1]] != 0:
        return ranked
    score, word = ranked[0]
    using = {int(r) for r in rows if word in phrases_of[int(r)]}
    if 2 * len(using) >= len(rows):
        return ranked
    best, covered = None, 1
    for _score, key in ranked[1:]:
        if not 2 <= _words(key) <= 4 or key[0] == word[0] or tier[group.key, key] > _SPREAD_TIER:
            continue
        others = sum(1 for r in rows if int(r) not in using and key in phrases_of[int(r)])
        if others > covered:
            best, covered = key, others
    if best is None or 2 * (len(using) + covered) < len(rows):
        return ranked  # the two would still leave most of the theme's texts unnamed
    joined = (*word, "et", *best)
    second = displayed[best]
    if second[1:] == second[1:].lower():  # no name nor acronym: lower-cased inside the title
        second = second[:1].lower() + second[1:]
    displayed[joined] = f"{displayed[word]} et {second}"
    tier[group.key, joined] = 0
    return [(score + 0.0001, joined), *ranked]


def _words(key: tuple[str, ...]) -> int:
    return sum(1 for part in key if not part.endswith("'"))


def _fragment(around: tuple[Counter, Counter], count: int, single: bool) -> bool:
    """Whether the same word comes before or after the phrase in at least 80 % of the texts using it (a
    bare preposition counts before a single word only: "par défaut")."""
    for side in around:
        common = [
            n for word, n in side.most_common(3) if word is not None and (single or not word.startswith("#"))
        ][:1]
        if common and common[0] >= 0.8 * count:
            return True
    return False


def _shape(key: tuple[str, ...]) -> float:
    """A phrase of two or three words names a subject better than one word."""
    return _MULTIWORD * min(_words(key) - 1, 2)


def _fallback(group: Group, titles: dict[Hashable, str], used: set[str]) -> str:
    """No phrase left for this group: its parent's title with a number, or a plain number."""
    base = titles.get(group.parent) if group.parent is not None else None
    number = 1
    while True:
        candidate = f"{base} ({number})" if base else f"{number}"
        if candidate.lower() not in used:
            return candidate
        number += 1


def sentences(text: str) -> list[str]:
    """The sentences of a text (split after . ! ? … and at line breaks and semicolons)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _summary_sentence(sentence: str) -> str | None:
    """A sentence fit to quote in a summary, or None: 5 to 60 words, nothing scrubbed from it."""
    cleaned, scrubbed = scrub(sentence)
    if scrubbed or "[" in cleaned:
        return None
    if any(word in _REGISTER for word in re.findall(r"\w+", cleaned.lower())):
        return None  # "infos claires stp": a summary quotes sentences every reader can take in
    words = cleaned.split()
    if not 5 <= len(words) <= 60:
        return None
    cleaned = cleaned[:1].upper() + cleaned[1:]
    if cleaned[-1].isalnum() or cleaned[-1] in '»")':
        cleaned += "."
    return cleaned


def _overlap(a: str, b: str) -> float:
    """Share of the content words of the shorter sentence that the other one uses too."""
    words_a, words_b = ({w for w in re.findall(r"\w+", t.lower()) if not _is_stop(w)} for t in (a, b))
    return len(words_a & words_b) / max(1, min(len(words_a), len(words_b)))


def _summaries(
    texts: Sequence[str],
    vectors: np.ndarray,
    groups: Sequence[Group],
    embedder: Embedder,
    cache: EmbeddingCache | None,
    quotable: np.ndarray | None,
    siblings: dict[Hashable, list[Group]],
) -> dict[Hashable, list[tuple[str, list[int]]]]:
    """Each group's summary: its sentences, each with the rows of the texts it was taken from."""
    pools: dict[Hashable, list[str]] = {}
    origins: dict[Hashable, dict[str, list[int]]] = {}
    for group in groups:
        rows = representative_quotes(
            vectors, group.members, group.centre, n_quotes=_SUMMARY_TEXTS, eligible=quotable
        )
        pool: list[str] = []
        origin: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            for sentence in sentences(texts[row]):
                kept = _summary_sentence(sentence)
                if kept and int(row) not in origin[kept]:
                    origin[kept].append(int(row))  # a stock sentence many people wrote: all of them
                if kept and kept not in pool:
                    pool.append(kept)
        pools[group.key] = pool
        origins[group.key] = origin
    # A summary speaks the consultation's main language: a theme's sentences in another language
    # ("Health data should stay in Europe") give way to those in it, when it has any.
    languages = {s: language(s) for pool in pools.values() for s in pool}
    main = Counter(languages.values()).most_common(1)[0][0] if languages else None
    for key, pool in pools.items():
        if any(languages[s] == main for s in pool):
            pools[key] = [s for s in pool if languages[s] == main]
    every = sorted({s for pool in pools.values() for s in pool})
    if not every:
        return {}
    sentence_vectors = dict(zip(every, embed_with_cache(embedder, every, cache), strict=True))
    result: dict[Hashable, list[tuple[str, list[int]]]] = {}
    for level in siblings.values():
        centres = np.stack([g.centre for g in level]).astype(np.float32)
        for position, group in enumerate(level):
            pool = pools[group.key]
            if not pool:
                continue
            others = np.delete(centres, position, axis=0)
            matrix = np.stack([sentence_vectors[s] for s in pool])
            score = np.round(matrix @ group.centre, 4) - 0.05 * np.array(
                [bool(_ANAPHORA.match(s)) for s in pool]
            )
            if len(others):
                score = score - 0.3 * np.round((matrix @ others.T).max(axis=1), 4)
            order = np.argsort(-score, kind="stable")
            first = int(order[0])
            chosen = [pool[first]]
            for index in order[1:]:
                index = int(index)
                if score[index] < score[first] - 0.1:
                    break
                if float(matrix[index] @ matrix[first]) >= 0.8 or _overlap(pool[index], pool[first]) >= 0.5:
                    continue  # says the same thing again
                if len(chosen[0]) + 1 + len(pool[index]) <= _SUMMARY_MAX_CHARS:
                    chosen.append(pool[index])
                    break
            result[group.key] = [(sentence, origins[group.key][sentence]) for sentence in chosen]
    return result
