"""Match stage: how close each query text is to each document, by TF-IDF cosine similarity. Used to
suggest which themes of a synthesis a panel recommendation answers (a person confirms every link).

Words of three letters or more, lower-cased, French and English stop words removed, accents kept (the
tokeniser of the label stage), then unigrams and bigrams weighted by TF-IDF fitted on the queries and
documents together, and the cosine of their L2-normalised vectors. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .label import _NOT_KEYWORDS, _WORD_REGEX
from .stopwords import french_and_english


def similarities(queries: Sequence[str], documents: Sequence[str]) -> np.ndarray:
    """(len(queries), len(documents)) cosine similarities in [0, 1]; all zeros when the texts share no
    word that is not a stop word (or one side is empty)."""
    if not queries or not documents:
        return np.zeros((len(queries), len(documents)))
    vectoriser = TfidfVectorizer(
        token_pattern=_WORD_REGEX,
        lowercase=True,
        stop_words=sorted(french_and_english() | _NOT_KEYWORDS),
        ngram_range=(1, 2),
        sublinear_tf=True,
    )
    try:
        matrix = vectoriser.fit_transform([*queries, *documents])
    except ValueError:  # nothing but stop words
        return np.zeros((len(queries), len(documents)))
    q, d = matrix[: len(queries)], matrix[len(queries) :]
    return np.clip((q @ d.T).toarray(), 0.0, 1.0)


def best_matches(
    query: str, documents: Sequence[str], *, limit: int = 3, minimum: float = 0.02
) -> list[tuple[int, float]]:
    """Indices of the documents closest to `query` with their score, best first: at most `limit`, each
    at least `minimum` (a score under it means a word or two in common by chance)."""
    scores = similarities([query], documents)[0] if documents else np.zeros(0)
    order = np.argsort(-scores, kind="stable")[:limit]
    return [(int(i), float(scores[i])) for i in order if scores[i] >= minimum]
