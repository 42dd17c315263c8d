"""The pipeline's ``EmbeddingCache`` backed by the ``EmbeddingVector`` table.

Several embed tasks may write the same text at the same time (a re-delivered chunk, two consultations
sharing a sentence): ``bulk_create(ignore_conflicts=True)`` on the (model id, text hash) unique key makes
every write idempotent, and the first vector stored wins (same model, same text, same vector).
"""

from collections.abc import Sequence

import numpy as np

from .models import EmbeddingVector

# Keeps each IN (...) list and each INSERT well under the database's parameter limits.
_BATCH = 500


class DatabaseEmbeddingCache:
    def get_many(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        hashes = list(hashes)
        for start in range(0, len(hashes), _BATCH):
            rows = EmbeddingVector.objects.filter(
                model_id=model_id, text_hash__in=hashes[start : start + _BATCH]
            ).values_list("text_hash", "vector")
            for text_hash, blob in rows:
                found[text_hash] = np.frombuffer(bytes(blob), dtype=np.float32)
        return found

    def set_many(self, model_id: str, vectors: dict[str, np.ndarray]) -> None:
        rows = [
            EmbeddingVector(
                model_id=model_id,
                text_hash=text_hash,
                dimensions=len(vector),
                vector=np.ascontiguousarray(vector, dtype=np.float32).tobytes(),
            )
            for text_hash, vector in vectors.items()
        ]
        EmbeddingVector.objects.bulk_create(rows, batch_size=_BATCH, ignore_conflicts=True)
