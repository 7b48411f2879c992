"""Log records reach the console once, in development and in production alike.

Each case runs a fresh Python with the project's real settings (not the test settings),
as `make run` and `make serve` start it, logs through Django's loggers and ours, and
counts the lines on stderr. DATABASE_URL points nowhere: setting up Django opens no
connection, and the embedded server is not needed.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

EMIT = """
import logging
import django

django.setup()
logging.getLogger("django.request").warning("marker-request-warning")
logging.getLogger("django.request").error("marker-request-error")
logging.getLogger("django.utils.autoreload").info("marker-django-info")
logging.getLogger("questions.importing").warning("marker-own-warning")
logging.getLogger("questions.importing").info("marker-own-info")
"""


def stderr_lines(debug: bool) -> list[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kbsite.settings",
        SECRET_KEY="test-only-not-secret",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/nowhere",
        PAGE_CACHE_SECONDS="0",
    )
    if debug:
        env["DEBUG"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", EMIT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stderr.splitlines()


@pytest.mark.parametrize("debug", [True, False], ids=["development", "production"])
def test_every_warning_and_error_is_printed_once(debug):
    lines = stderr_lines(debug)

    for marker in ("marker-request-warning", "marker-request-error", "marker-own-warning"):
        assert [line for line in lines if marker in line] == [marker], lines


def test_django_information_stays_out_of_production():
    assert not [line for line in stderr_lines(debug=False) if "marker-django-info" in line]


def test_django_information_is_printed_once_in_development():
    # "Watching for file changes with StatReloader", for one: Django shows it when DEBUG.
    lines = stderr_lines(debug=True)

    assert [line for line in lines if "marker-django-info" in line] == ["marker-django-info"]
    assert not [line for line in lines if "marker-own-info" in line]
