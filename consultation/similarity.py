"""Find existing proposals similar to a draft, so that citizens vote instead of duplicating.

TF-IDF over word unigrams and bigrams plus character n-grams (robust to plurals and typos in French),
cosine similarity, scikit-learn. Pure: no Django import.
"""

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.pipeline import FeatureUnion


def most_similar(draft: str, texts: Sequence[str], *, limit: int = 5, threshold: float = 0.2) -> list[int]:
    """Indexes of `texts` most similar to `draft`, best first, keeping only cosine >= threshold."""
    if not draft.strip() or not texts:
        return []
    vectoriser = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode")),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)),
        ]
    )
    try:
        matrix = vectoriser.fit_transform([draft, *texts])
    except ValueError:  # only stop words / empty vocabulary
        return []
    # Each half is L2-normalised, so the cosine of the concatenation is the mean of the two cosines.
    scores = cosine_similarity(matrix[0], matrix[1:]).ravel()
    order = np.argsort(-scores, kind="stable")[:limit]
    return [int(i) for i in order if scores[i] >= threshold]
