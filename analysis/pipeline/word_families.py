"""Word families for the keywords: the forms of one word ("entreprise", "entreprises"; "hôpital",
"hôpitaux"; "élu", "élues") count as one keyword, shown in the form the theme's texts use most.

The rule, light and without a model (French and English):

1. The word's lemma from ``simplemma`` (a dictionary lookup, already used by the title stage, its
   dictionaries in the wheel), French first then English: "hôpitaux" -> "hôpital", "publiques" ->
   "public", "chercheuses" -> "chercheur", "policies" -> "policy". A lemma that is a verb's infinitive
   (-er, -ir, -re, -oir) is not taken: simplemma maps some nouns to a verb ("donnée" -> "donner",
   "taxes" -> "taxer", "data" -> "dater"), which would join a noun with the verb's forms; the word
   itself is kept then.
2. A plural ending is removed from what step 1 gives, for the words the dictionary does not know:
   a final "s" (not "ss", the result 3 letters or more: "datas" -> "data", "accès" and "accè" are one
   form anyway) and a final "x" after "eu" or "eau" ("jeux" -> "jeu", "bureaux" -> "bureau").

Two words are of one family when this gives the same key. The rule groups only inflections: it never
joins two different words of one root ("décision" and "décider" stay apart); a final "e" is not
removed (it would join "port" and "porte"), so an unknown word's feminine stays a word of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np

_VERB_LEMMA_ENDINGS = ("er", "ir", "re", "oir")


@lru_cache(maxsize=200_000)
def family_key(word: str) -> str:
    """The key of a lower-case word's family (see the module's docstring)."""
    import simplemma

    base = word
    if "-" not in word and "'" not in word:
        lemma = simplemma.lemmatize(word, lang=("fr", "en")).lower()
        if lemma != word and not lemma.endswith(_VERB_LEMMA_ENDINGS):
            base = lemma
    plural_s = base.endswith("s") and not base.endswith("ss")
    if (plural_s or base.endswith(("eux", "eaux"))) and len(base) >= 4:
        base = base[:-1]
    return base


def families(vocabulary: Iterable[str]) -> np.ndarray:
    """For each word of ``vocabulary``, the number of its family (0, 1, ...; in order of first word)."""
    numbers: dict[str, int] = {}
    keys = [family_key(str(word)) for word in vocabulary]
    return np.array([numbers.setdefault(key, len(numbers)) for key in keys], dtype=np.int64)
