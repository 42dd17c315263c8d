"""Shared pools for the sortition tests: generated, skewed like real volunteer pools, with housemates."""

from __future__ import annotations

import numpy as np
import pytest

from deliberation.sortition import (
    ProgressEvent,
    Quota,
    SelectionResult,
    Volunteer,
    load_reference_shares,
    propose_quotas,
    select,
)

# Over-educated, older, more women than the census, like self-selected volunteer pools.
SKEW = {
    "age": {"18-24": 0.5, "25-34": 0.7, "35-49": 0.9, "50-64": 1.3, "65+": 1.4},
    "education": {"no_diploma": 0.4, "secondary": 0.6, "bac": 1.0, "higher": 1.9},
    "gender": {"woman": 1.1, "man": 0.9},
}
POOL_SIZE = 240
PANEL_SIZE = 20
SEED = "assises-2026-panel-1"


def skewed_pool(size: int, seed: int, categories: tuple[str, ...]) -> list[Volunteer]:
    """Volunteers drawn from INSEE shares distorted by SKEW; every 8th and 9th share a home."""
    shares = load_reference_shares()
    rng = np.random.default_rng(seed)
    columns = {}
    for category in categories:
        names = sorted(shares[category])
        weights = np.array([shares[category][n] * SKEW.get(category, {}).get(n, 1.0) for n in names])
        columns[category] = rng.choice(names, size=size, p=weights / weights.sum())
    volunteers = []
    for i in range(size):
        home = f"{i - 1} rue de la Paix" if i % 8 == 1 else f"{i} rue de la Paix"
        volunteers.append(Volunteer(f"p{i:04d}", {c: str(columns[c][i]) for c in categories}, home))
    return volunteers


@pytest.fixture(scope="session")
def pool() -> list[Volunteer]:
    return skewed_pool(POOL_SIZE, seed=7, categories=("gender", "age", "education", "region"))


@pytest.fixture(scope="session")
def census_quotas() -> list[Quota]:
    return propose_quotas(load_reference_shares(), PANEL_SIZE, tolerance=0.2)


@pytest.fixture(scope="session")
def selection(pool, census_quotas) -> tuple[SelectionResult, list[ProgressEvent]]:
    """One full leximin selection shared by the tests (the slow part, a few seconds)."""
    events: list[ProgressEvent] = []
    result = select(pool, census_quotas, PANEL_SIZE, SEED, progress=events.append)
    return result, events
