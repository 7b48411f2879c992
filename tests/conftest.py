"""Shared fixtures: the seed files and the paths the tests read."""

import importlib
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THREADS = ROOT / "fixtures" / "threads"


@pytest.fixture
def seed_dir() -> Path:
    return THREADS


@pytest.fixture
def workdir(tmp_path, seed_dir):
    """A writable copy of the five sample threads."""
    return shutil.copytree(seed_dir, tmp_path / "threads")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Make sure the seeded vocabularies are there, even in a reused test database.

    Transactional tests (the live server, concurrent imports) flush every table when they
    end, data migrations included, and --reuse-db keeps that empty database for the next
    session. Seeding again (vocabularies, the Curators group) is idempotent.
    """
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    seed = importlib.import_module("questions.migrations.0002_seed_vocabularies").seed
    curators = importlib.import_module("answers.migrations.0002_curators_group")
    with django_db_blocker.unblock():
        # The data migrations' own functions, run against the migrated models' state.
        apps = MigrationLoader(connection).project_state().apps
        seed(apps, None)
        curators.create_curators(apps, None)


@pytest.fixture(autouse=True)
def _fresh_facet_index():
    """Each test starts with no facet index, as a new process would: the index of an
    earlier test may hold threads that its rolled-back transaction wrote."""
    from questions.facets import forget

    forget()
    yield
    forget()
