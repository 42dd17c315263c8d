from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def polis_data() -> Path:
    """The Pol.is open-data conversations in ../shared/data/polis (never copied into the repo)."""
    default = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    folder = Path(os.environ.get("PACTE_SHARED_DATA", default)) / "polis"
    if not folder.is_dir():
        pytest.fail(f"shared Pol.is data not found at {folder}: set PACTE_SHARED_DATA")
    return folder
