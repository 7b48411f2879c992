"""Shared fixtures: the seed files and the paths the tests read."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THREADS = ROOT / "fixtures" / "threads"


@pytest.fixture
def seed_dir() -> Path:
    return THREADS
