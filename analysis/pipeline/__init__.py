"""Broad-listening pipeline (pure Python: numpy, scikit-learn; no Django).

One module per stage: ``clean``, ``dedupe``, ``embed``, ``reduce``, ``cluster``, ``label``,
``synthesise``; ``run.run_pipeline`` chains them. Every bad input raises a ``PipelineError``
(a ``ValueError``) with a message meant for the organiser.
"""

from .clean import CleaningCache, InMemoryCleaningCache
from .embed import (
    Embedder,
    EmbedderError,
    EmbeddingCache,
    InMemoryEmbeddingCache,
    SentenceTransformerEmbedder,
    UseMultilingualEmbedder,
    make_embedder,
)
from .errors import PipelineError
from .run import Contribution, PipelineParams, PipelineResult, run_pipeline
from .synthesise import Votes

__all__ = [
    "CleaningCache",
    "Contribution",
    "Embedder",
    "EmbedderError",
    "EmbeddingCache",
    "InMemoryCleaningCache",
    "InMemoryEmbeddingCache",
    "PipelineError",
    "PipelineParams",
    "PipelineResult",
    "SentenceTransformerEmbedder",
    "UseMultilingualEmbedder",
    "Votes",
    "make_embedder",
    "run_pipeline",
]
