import numpy as np
import pytest

from analysis.embedding_cache import DatabaseEmbeddingCache
from analysis.models import EmbeddingVector
from analysis.pipeline.embed import embed_with_cache

pytestmark = pytest.mark.django_db


def test_a_rerun_embeds_only_new_text_and_returns_the_same_vectors(counting_embedder, ccc):
    texts = [row["proposal"] for row in ccc[:12]]
    cache = DatabaseEmbeddingCache()

    first = embed_with_cache(counting_embedder, texts[:8], cache)
    assert counting_embedder.embedded == 8
    assert EmbeddingVector.objects.filter(model_id=counting_embedder.model_id).count() == 8

    # A fresh cache object reads the same table: only the four new texts are embedded.
    second = embed_with_cache(counting_embedder, texts, DatabaseEmbeddingCache())
    assert counting_embedder.embedded == 8 + 4
    np.testing.assert_allclose(second[:8], first, rtol=0, atol=1e-6)
    assert second.dtype == np.float32 and second.shape == (12, 512)


def test_concurrent_writers_of_the_same_text_store_it_once(counting_embedder):
    cache = DatabaseEmbeddingCache()
    vector = np.linspace(-1, 1, 512, dtype=np.float32)
    cache.set_many("m", {"h" * 64: vector})
    cache.set_many("m", {"h" * 64: vector * 2})  # a re-delivered chunk: ignored, no error
    assert EmbeddingVector.objects.count() == 1
    np.testing.assert_array_equal(cache.get_many("m", ["h" * 64, "x" * 64])["h" * 64], vector)
    assert cache.get_many("other-model", ["h" * 64]) == {}
