import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from analysis.pipeline.embed import UseMultilingualEmbedder


class CountingEmbedder:
    """The real multilingual embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self._inner = UseMultilingualEmbedder()
        self.model_id = self._inner.model_id
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return self._inner.embed(texts)

    @property
    def embedded(self) -> int:
        return sum(self.calls)


@pytest.fixture(scope="session")
def use_embedder():
    return UseMultilingualEmbedder()


@pytest.fixture
def counting_embedder():
    return CountingEmbedder()


def ccc_proposals() -> list[dict[str, str]]:
    """The 146 proposals of the Convention Citoyenne pour le Climat, with their ground-truth themes."""
    path = Path(settings.PACTE_SHARED_DATA) / "french" / "ccc-propositions"
    files = sorted(path.glob("*.csv"))
    if not files:
        pytest.fail(f"CCC proposals not found in {path}; set PACTE_SHARED_DATA")
    with open(files[0], encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def ccc():
    return ccc_proposals()
