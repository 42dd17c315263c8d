"""Shared fixtures for the pure pipeline tests: real French data and the offline USE model."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from analysis.pipeline.embed import UseMultilingualEmbedder
from tests.helpers import DATA


def sib200_rows() -> list[dict[str, str]]:
    """SIB-200 French sentences with their topic (train split)."""
    with open(DATA / "french" / "sib200-fra" / "train.tsv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def sib200_subset(categories: tuple[str, ...], per_category: int) -> tuple[list[str], np.ndarray]:
    """The first ``per_category`` sentences of each topic, and the topic index of each."""
    texts, labels = [], []
    for index, category in enumerate(categories):
        chosen = [r["text"] for r in sib200_rows() if r["category"] == category][:per_category]
        texts += chosen
        labels += [index] * len(chosen)
    return texts, np.array(labels)


def labelled_set(name: str) -> tuple[list[str], list[str]]:
    """A French set with human labels (tests/data/french): texts and the label of each."""
    sets = {
        "sib200-dev": ("sib200-fra/dev.tsv", "text", "category", "\t"),
        "ccc": ("ccc-propositions/ccc_proposals.csv", "proposal", "theme", ","),
    }
    file, text, label, delimiter = sets[name]
    path = DATA / "french" / file
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=delimiter))
    return [r[text] for r in rows], [r[label] for r in rows]


@pytest.fixture(scope="session")
def use_embedder() -> UseMultilingualEmbedder:
    return UseMultilingualEmbedder()


@pytest.fixture(scope="session")
def four_topics(use_embedder) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Texts, true topic labels and USE embeddings of 4 clearly different SIB-200 topics."""
    texts, labels = sib200_subset(("sports", "health", "geography", "politics"), 40)
    return texts, labels, use_embedder.embed(texts)


@pytest.fixture(scope="session")
def polis_data() -> Path:
    """The Pol.is open-data conversations copied into tests/data/polis."""
    return DATA / "polis"
