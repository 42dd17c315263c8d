"""Embedders return unit vectors offline; the cache makes a rerun embed only new text."""

import numpy as np
import pytest

from analysis.pipeline.embed import (
    EmbedderError,
    InMemoryEmbeddingCache,
    SentenceTransformerEmbedder,
    chunks,
    embed_with_cache,
    make_embedder,
)
from tests.helpers import CountingEmbedder

from .conftest import sib200_rows


def test_use_vectors_are_unit_float32_and_multilingual(use_embedder):
    vectors = use_embedder.embed(
        ["Le chat dort sur le canapé.", "The cat sleeps on the sofa.", "Impôts et taxes."]
    )
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]  # same meaning across languages is closer


def test_rerun_embeds_only_new_texts(use_embedder):
    texts = [r["text"] for r in sib200_rows()[:60]]
    cache = InMemoryEmbeddingCache()
    counting = CountingEmbedder(use_embedder)

    first = embed_with_cache(counting, texts[:50], cache)
    assert counting.embedded == 50

    counting.reset()
    second = embed_with_cache(counting, texts[:50] + texts[50:] + texts[:3], cache)
    assert counting.texts == texts[50:]  # only the 10 new texts, each once
    assert np.array_equal(second[:50], first)
    assert np.array_equal(second[60:], first[:3])


def test_cache_is_keyed_by_model(use_embedder):
    cache = InMemoryEmbeddingCache()
    counting = CountingEmbedder(use_embedder)
    embed_with_cache(counting, ["un texte"], cache)
    counting.model_id = "another-model"
    embed_with_cache(counting, ["un texte"], cache)
    assert counting.texts == ["un texte", "un texte"]


@pytest.mark.model
def test_bundled_minilm_loads_offline_and_embeds():
    embedder = make_embedder("sentence-transformers")
    vectors = embedder.embed(["Data sharing should be opt-in.", "Health data must stay private."])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert "minilm" in embedder.model_id.lower()


def test_missing_model_path_is_a_clear_error(tmp_path):
    with pytest.raises(EmbedderError, match="does not exist"):
        SentenceTransformerEmbedder(tmp_path / "no-such-model")


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(EmbedderError, match="Unknown embedding backend"):
        make_embedder("word2vec")


def test_chunks_cover_every_index_once():
    spans = list(chunks(10, 4))
    assert [list(s) for s in spans] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
