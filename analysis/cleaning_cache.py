"""The pipeline's ``CleaningCache`` read from the contributions of earlier runs.

Each ``Contribution`` row keeps what cleaning found for its source text under ``clean_key``
("<rules version>:<max_chars>:<sha256 of the source text>"), so a rerun cleans only the texts that are
new or edited. Reading the rows rather than a table of its own means a GDPR erasure, which deletes the
rows, leaves no cleaned copy behind. Writing is ``prepare_run``'s job when it saves the rows.
"""

from collections.abc import Sequence

from .models import Contribution
from .pipeline.clean import RULES_VERSION, CleanedText

# Keeps each IN (...) list well under the database's parameter limits.
_BATCH = 500


def clean_key(max_chars: int, source_hash: str) -> str:
    return f"{RULES_VERSION}:{max_chars}:{source_hash}"


class ContributionCleaningCache:
    def get_many(self, max_chars: int, hashes: Sequence[str]) -> dict[str, CleanedText]:
        found: dict[str, CleanedText] = {}
        keys = [clean_key(max_chars, h) for h in hashes]
        for start in range(0, len(keys), _BATCH):
            rows = Contribution.objects.filter(clean_key__in=keys[start : start + _BATCH]).values_list(
                "clean_key",
                "text",
                "scrubbed",
                "health_flag",
                "truncated",
                "likely_other_language",
            )
            for key, text, scrubbed, flag, truncated, other in rows:
                found[key.rsplit(":", 1)[1]] = CleanedText(
                    text=text,
                    scrubbed=tuple(scrubbed),
                    health_flag=flag,
                    health_excerpt=None,  # not stored (analysis/models.py)
                    truncated=truncated,
                    likely_other_language=other,
                )
        return found

    def set_many(self, max_chars: int, cleaned: dict[str, CleanedText]) -> None:
        """Nothing to do: the rows ``prepare_run`` saves are the cache."""
