"""The probes (/healthz, /readyz) and the production server that `make serve` starts."""

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]
    assert client.head(reverse("healthz")).status_code == 200
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.django_db
def test_readyz_says_ok_when_the_database_answers(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200 and response.content == b"ok\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def silent_database():
    """A TCP port that accepts connections and never answers: a hung database server."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def test_the_production_server_stays_up_and_says_503_while_the_database_hangs(
    silent_database,
):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}},
        "SECRET_KEY": "test-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{silent_database}/kbsite",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "kbsite/gunicorn.conf.py"]
        + ["kbsite.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # up to 10 s to start
            try:
                status, body = get(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        assert (status, body) == (200, b"ok\n")
        started = time.monotonic()
        status, body = get(f"{base}/readyz")
        took = time.monotonic() - started
        assert (status, body) == (503, b"database unavailable\n")
        assert 1.5 < took < 3.5  # the connect timeout, not a stuck worker
        assert get(f"{base}/healthz")[0] == 200  # the worker still serves
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    # The access log goes to stdout, one line a request.
    assert output.count('"GET /healthz HTTP/1.1" 200') >= 2
    assert '"GET /readyz HTTP/1.1" 503' in output


def test_make_serve_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "MAKEFLAGS"}}
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "gunicorn" not in result.stdout  # it stopped before doing anything
