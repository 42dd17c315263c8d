"""The typographic apostrophe of French prose: l’accès, aujourd’hui, never the keyboard's straight '.

One rule for the French catalogue (``scripts/fr_typography.py`` rewrites its msgstr strings with it) and
for the French text that the platform writes itself from citizens' words (the synthesis's theme titles
and summaries, ``analysis.pipeline.typography``): a straight apostrophe between two letters becomes ’,
outside what is not prose, which keeps its straight one: HTML tags and their attributes
(``<a title='…'>``), <code>, <kbd>, <pre> and <samp> elements, `backticks`, and placeholders
(``%(name)s``, ``{name}``). A quote mark (a ' with a space or punctuation on one side) is not an
apostrophe and is left alone. Pure: no Django, nothing of the project."""

import re

APOSTROPHE = "\u2019"

# The parts of a text that are not French prose: an apostrophe there is left as it is.
NOT_PROSE = re.compile(
    r"<(code|kbd|pre|samp)\b.*?</\1\s*>"  # code shown as such
    r"|<[^<>]*>"  # a tag with its attributes
    r"|`[^`]*`"  # code between backticks
    r"|%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]"  # %(name)s
    r"|\{[^{}]*\}",  # {name}, {{ name }}
    re.S | re.I,
)
# A straight apostrophe between two letters (a letter: not a digit nor "_"), not escaped ("\n'" in a
# catalogue is a line break then a quote).
ELISION = re.compile(r"(?<=[^\W\d_])(?<!\\n)'(?=[^\W\d_])")


def straight_apostrophes(text: str) -> list[int]:
    """Indexes of straight apostrophes of French prose in ``text`` (l'été), outside HTML tags and
    attributes, code and placeholders (``NOT_PROSE``)."""
    hidden = [(m.start(), m.end()) for m in NOT_PROSE.finditer(text)]
    return [m.start() for m in ELISION.finditer(text) if not any(a <= m.start() < b for a, b in hidden)]


def typographic_apostrophes(text: str) -> str:
    """``text`` with each straight apostrophe of French prose (``straight_apostrophes``) made ’. For
    French text only: English keeps the keyboard's apostrophe, as the English interface writes it."""
    if "'" not in text:
        return text
    chars = list(text)
    for i in straight_apostrophes(text):
        chars[i] = APOSTROPHE
    return "".join(chars)
