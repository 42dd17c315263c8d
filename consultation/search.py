"""Accent- and case-insensitive search in the proposals' text: "donnees", "DONNÉES" and "Données" find
"données". One normalisation, `fold` (accents stripped, ligatures spelled out, lower case), applied to
the words searched in Python and to the text in the database through ``unaccent``:

- PostgreSQL: the ``unaccent`` extension (migration 0009_unaccent creates it when the database user
  may; without it the search stays case-insensitive only, as before);
- SQLite (the embedded runtime): a Python ``unaccent`` function registered on each new connection
  (``register_sqlite_unaccent``, connected in ``ConsultationConfig.ready``).
"""

import unicodedata
from functools import cache

from django.db import connection
from django.db.models import Func, Q, TextField
from django.db.models.functions import Lower
from django.db.models.lookups import Contains

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """What the search compares: no accents, no ligatures, lower case."""
    return strip_accents(text).lower()


class Unaccent(Func):
    function = "UNACCENT"
    output_field = TextField()


def register_sqlite_unaccent(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give SQLite the ``unaccent`` function PostgreSQL's extension has."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, _sqlite_unaccent, deterministic=True)


def _sqlite_unaccent(value):
    return None if value is None else strip_accents(value)


@cache
def _postgres_has_unaccent(alias: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        return cursor.fetchone() is not None


def accent_insensitive() -> bool:
    if connection.vendor == "postgresql":
        return _postgres_has_unaccent(connection.alias)
    return connection.vendor == "sqlite"


def contains_word(field: str, word: str) -> Q:
    """`field` holds `word`, whatever the accents and the case (case only, on a PostgreSQL without the
    extension)."""
    if accent_insensitive():
        return Q(Contains(Lower(Unaccent(field)), fold(word)))
    return Q(**{f"{field}__icontains": word})
