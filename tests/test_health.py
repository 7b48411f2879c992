"""The probes (/healthz, /readyz) and the production server that `make serve` starts."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
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


def start_server(database_url: str, port: int, **extra_env) -> subprocess.Popen:
    """`make serve`'s gunicorn, with its committed config, on `port`: one worker."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}},
        "SECRET_KEY": "test-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        **extra_env,
    }
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "kbsite/gunicorn.conf.py"]
        + ["kbsite.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


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
    server = start_server(f"postgres://postgres@127.0.0.1:{silent_database}/kbsite", port)
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


@pytest.mark.parametrize("missing", ["SECRET_KEY", "SITE_URL"])
def test_make_serve_refuses_to_start_without_a_secret_key_or_a_site_url(missing):
    env = {k: v for k, v in os.environ.items() if k != "MAKEFLAGS"}
    env |= {"SECRET_KEY": "test-only-not-secret", "SITE_URL": "https://answers.example.org"}
    del env[missing]
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    assert "gunicorn" not in result.stdout  # it stopped before doing anything


# Another session must see the thread: a real commit, restored like the other such tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_whose_query_runs_past_the_statement_timeout_is_a_503(client):
    from django.db import connection

    from tests.factories import make_question

    make_question()
    # Another session holds the questions table: the page's query waits, as a runaway
    # one would, until statement_timeout cancels it.
    blocker = connection.get_new_connection(connection.get_connection_params())
    try:
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE questions_question IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 300")
        started = time.monotonic()
        response = client.get("/")
        assert time.monotonic() - started < 3
    finally:
        blocker.rollback()
        blocker.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Busy right now" in response.content
    assert client.get("/").status_code == 200  # and the next request is served


def test_the_web_processes_bound_every_query_and_commands_do_not():
    show = (
        "import os, sys; {setup}; from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('SHOW statement_timeout'); "
        "print(cursor.fetchone()[0])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DB_STATEMENT_TIMEOUT_MS"}
    env.update(SECRET_KEY="test-only-not-secret", DJANGO_SETTINGS_MODULE="kbsite.settings")

    def timeout_in(setup: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", show.format(setup=setup)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout.strip()

    assert timeout_in("import kbsite.wsgi") == "5s"
    assert timeout_in("import django; django.setup()") == "0"


class SwitchableProxy:
    """A TCP port in front of the test database that is silent (accepts, never answers)
    until `forward` is set, and then passes connections through: a database that hangs,
    then comes back."""

    def __init__(self, settings_dict):
        host, port = settings_dict["HOST"] or "localhost", int(settings_dict["PORT"] or 5432)
        if host.startswith("/"):  # the embedded server: a unix socket
            self.upstream = (socket.AF_UNIX, f"{host}/.s.PGSQL.{port}")
        else:
            self.upstream = (socket.AF_INET, (host, port))
        self.forward = False
        self.held = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.forward:
                self.held.append(client)
                continue
            server = socket.socket(self.upstream[0])
            server.connect(self.upstream[1])
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.listener.close()
        for client in self.held:
            client.close()


@pytest.mark.django_db
def test_pages_say_503_while_the_database_hangs_and_recover_when_it_returns():
    from django.db import connection

    proxy = SwitchableProxy(connection.settings_dict)
    port = free_port()
    name, user = connection.settings_dict["NAME"], connection.settings_dict["USER"]
    url = f"postgres://{user}@127.0.0.1:{proxy.port}/{name}"
    server = start_server(url, port, PAGE_CACHE_SECONDS="0", STATIC_PLAIN="1")
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):  # up to 15 s to start (the master waits 2 s for the database)
            try:
                get(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        started = time.monotonic()
        status, body = get(f"{base}/")
        assert time.monotonic() - started < 3.5
        assert status == 503 and b"Busy right now" in body

        proxy.forward = True
        deadline = time.monotonic() + 10
        while (status := get(f"{base}/")[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status == 200
        assert get(f"{base}/readyz")[0] == 200
    finally:
        server.terminate()
        server.communicate(timeout=30)
        proxy.close()
