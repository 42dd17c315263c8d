"""Label stage: keywords per theme (class-based TF-IDF) and representative quotes (MMR).

Class-based TF-IDF treats each theme as one document: a word scores high when it is frequent in the
theme and rare across themes, which is what a reader wants from a theme label. The forms of one word
("entreprise", "entreprises") are counted as one term (``word_families``), shown in the form the
theme's texts use most. Quotes are chosen by
maximal marginal relevance: close to the theme centre (typical) but not close to quotes already chosen
(not redundant).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer

from .cluster import OTHER
from .errors import PipelineError
from .stopwords import french_and_english
from .word_families import families

# Scrubbing placeholders and elision leftovers are not keywords.
_NOT_KEYWORDS = frozenset(
    {"email", "phone", "nir", "iban", "address", "hui", "qu", "jusqu", "lorsqu", "puisqu"}
)
_WORD_REGEX = r"(?u)\b[^\W\d_]{3,}\b"  # letters only, three or more: no numbers, no "l'" / "d'" fragments


class LabelError(PipelineError):
    """Bad labelling input."""


@dataclass(frozen=True)
class WordCounts:
    """How often each vocabulary word occurs in each text: a corpus is tokenised once, then summed per
    theme and again per sub-theme (tokenising is most of the labelling time)."""

    counts: csr_matrix  # (n_texts, n_words)
    vocabulary: np.ndarray  # (n_words,) in alphabetical order
    families: np.ndarray | None = None  # (n_words,) family number of each word (word_families)

    def rows(self, indices: np.ndarray) -> WordCounts:
        return WordCounts(self.counts[indices], self.vocabulary, self.families)


def word_counts(texts: Sequence[str]) -> WordCounts:
    """Candidate keywords of each text: words of three letters or more, lower-cased, minus stop words."""
    vectoriser = CountVectorizer(
        token_pattern=_WORD_REGEX, lowercase=True, stop_words=sorted(french_and_english() | _NOT_KEYWORDS)
    )
    try:
        counts = vectoriser.fit_transform(texts).tocsr()
    except ValueError:  # nothing but stop words and numbers
        return WordCounts(csr_matrix((len(texts), 0), dtype=np.int64), np.array([], dtype=object))
    vocabulary = vectoriser.get_feature_names_out()
    return WordCounts(counts, vocabulary, families(vocabulary))


def keywords(words: WordCounts, themes: np.ndarray, *, n_keywords: int = 8) -> dict[int, list[str]]:
    """Top ``n_keywords`` words per theme by class-based TF-IDF (the "Other" bucket gets none).

    The terms scored are word families (``word_families``: "entreprise" and "entreprises" are one), each
    shown in the form used most often in the theme's texts (ties: the form first in alphabetical
    order), so a theme never lists one word twice."""
    themes = np.asarray(themes)
    if words.counts.shape[0] != len(themes):
        raise LabelError(f"{words.counts.shape[0]} texts but {len(themes)} theme labels.")
    theme_ids = sorted(int(t) for t in np.unique(themes) if t != OTHER)
    if not theme_ids:
        return {}
    # Each theme is one document: the sum of its texts' word counts.
    in_theme = np.asarray(themes)[None, :] == np.array(theme_ids)[:, None]
    form_counts = (csr_matrix(in_theme.astype(np.int64)) @ words.counts).toarray().astype(float)
    family = words.families if words.families is not None else families(words.vocabulary)
    n_families = int(family.max()) + 1 if len(family) else 0
    to_family = csr_matrix(
        (np.ones(len(family)), (np.arange(len(family)), family)), shape=(len(family), n_families)
    )
    counts = np.asarray(form_counts @ to_family)  # (themes, families)
    # The words of each family: members[start[f]:start[f + 1]] (alphabetical within a family).
    members = np.argsort(family, kind="stable")
    start = np.searchsorted(family[members], np.arange(n_families + 1))
    term_frequency = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    average_words = counts.sum() / len(theme_ids)
    inverse_frequency = np.log1p(average_words / np.maximum(counts.sum(axis=0), 1.0))
    scores = term_frequency * inverse_frequency
    # Verbs, adverbs and chat name no subject ("voudrais", "seulement", "stp"): skipped, judged only
    # on the best-scored words (the title stage's word rules; cheap at any vocabulary size).
    from .phrases import names_no_subject

    result = {}
    for row, theme in enumerate(theme_ids):
        chosen: list[str] = []
        for i in np.argsort(-scores[row], kind="stable"):
            if len(chosen) == n_keywords or counts[row, i] <= 0:
                break
            forms = members[start[i] : start[i + 1]]
            word = str(words.vocabulary[forms[int(np.argmax(form_counts[row, forms]))]])
            if not names_no_subject(word):
                chosen.append(word)
        result[theme] = chosen
    return result


def representative_quotes(
    vectors: np.ndarray,
    members: np.ndarray,
    centre: np.ndarray,
    *,
    n_quotes: int = 5,
    diversity: float = 0.3,
    eligible: np.ndarray | None = None,
) -> list[int]:
    """Indices (into ``vectors``) of up to ``n_quotes`` central, mutually distinct members of a theme.

    ``members`` are the row indices of the theme; ``eligible`` (a boolean mask over all rows) excludes
    texts that must not be quoted, e.g. those flagged for a health disclosure until a moderator clears
    them. ``diversity`` is the MMR weight of novelty against centrality.
    """
    members = np.asarray(members, dtype=int)
    if eligible is not None:
        members = members[np.asarray(eligible, dtype=bool)[members]]
    if len(members) == 0:
        return []
    candidates = vectors[members]
    relevance = candidates @ centre
    chosen: list[int] = []
    max_similarity = np.full(len(members), -np.inf)
    available = np.ones(len(members), dtype=bool)
    while len(chosen) < n_quotes and available.any():
        novelty_penalty = np.where(np.isfinite(max_similarity), max_similarity, 0.0)
        score = (1 - diversity) * relevance - diversity * novelty_penalty
        score[~available] = -np.inf
        pick = int(np.argmax(score))
        chosen.append(pick)
        available[pick] = False
        similarity = candidates @ candidates[pick]
        max_similarity = np.maximum(max_similarity, similarity)
        available &= similarity < 0.95  # a near-copy of a chosen quote adds nothing for the reader
    return [int(members[i]) for i in chosen]
