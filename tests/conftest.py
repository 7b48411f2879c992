"""Shared fixtures: the seed files and the paths the tests read."""

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THREADS = ROOT / "fixtures" / "threads"


@pytest.fixture
def seed_dir() -> Path:
    return THREADS


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Make sure the seeded vocabularies are there, even in a reused test database.

    Transactional tests (the live server, concurrent imports) flush every table when they
    end, data migrations included, and --reuse-db keeps that empty database for the next
    session. Seeding again is idempotent.
    """
    from django.apps import apps

    seed = importlib.import_module("questions.migrations.0002_seed_vocabularies").seed
    with django_db_blocker.unblock():
        seed(apps, None)
