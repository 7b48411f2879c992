"""The embedded PostgreSQL: used when DATABASE_URL is unset, started once, reused, durable."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
embedded_only = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="DATABASE_URL points at another server"
)


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


CONNECT = textwrap.dedent("""
    import sys, psycopg2
    from kbsite.embedded_db import embedded_database
    db = embedded_database(sys.argv[1], name="probe")
    conn = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    conn.autocommit = True
    cur = conn.cursor()
""")


@embedded_only
@pytest.mark.django_db
def test_it_uses_the_embedded_server_over_a_unix_socket_in_the_project():
    host = settings.DATABASES["default"]["HOST"]
    assert Path(host).is_relative_to(ROOT / ".pgdata")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('listen_addresses')")
        assert cursor.fetchone()[0] == ""  # no TCP port to collide with


def test_it_starts_on_first_use_and_a_second_process_reuses_the_data(tmp_path):
    folder = str(tmp_path / "pg")
    run_python(
        CONNECT + "cur.execute('CREATE TABLE kept (v text); INSERT INTO kept VALUES (1)')", folder
    )
    out = run_python(
        CONNECT + "cur.execute('SELECT v FROM kept'); print(cur.fetchone()[0])", folder
    )
    assert out.stdout.strip() == "1"
    # The last process to exit stopped the server: nothing is left running.
    assert not (Path(folder) / "data" / "postmaster.pid").exists()


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_it_stays_consistent_when_its_process_is_killed(tmp_path, how):
    folder = str(tmp_path / "pg")
    code = CONNECT + textwrap.dedent("""\
        cur.execute('CREATE TABLE kept (v int)')
        cur.execute('INSERT INTO kept SELECT generate_series(1, 1000)')
        print('ready', flush=True)
        import time; time.sleep(60)
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", code, folder],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(how)
        proc.wait(timeout=30)
        # SIGTERM is a clean exit: the last user gone, the server stops with it.
        pid_file = Path(folder) / "data" / "postmaster.pid"
        assert pid_file.exists() == (how == signal.SIGKILL)
        out = run_python(
            CONNECT + "cur.execute('SELECT count(*) FROM kept'); print(cur.fetchone()[0])", folder
        )
        assert out.stdout.strip() == "1000"
        # The killed process was forgotten, so the last live one stopped the server.
        assert not (Path(folder) / "data" / "postmaster.pid").exists()
    finally:
        proc.kill()


# --- The handle file, and stopping `make run` -------------------------------------------
#
# pgserver lists the processes using the server in data/.handle_pids.json and stops the
# server when the last one exits. A process killed while writing it used to leave it
# empty, and every later process then failed on reading it.

PROBE = CONNECT + "cur.execute('SELECT 1'); print(cur.fetchone()[0])"


@pytest.fixture(scope="module")
def template_cluster(tmp_path_factory) -> Path:
    """A stopped, initialised server folder; copied for each test (initdb takes seconds)."""
    folder = tmp_path_factory.mktemp("template") / "pg"
    run_python(PROBE, str(folder))
    return folder


@pytest.fixture
def cluster(template_cluster, tmp_path) -> Path:
    folder = tmp_path / "pg"
    # cp -a keeps the owner: as root, pgserver runs the server as its own system user.
    subprocess.run(["cp", "-a", str(template_cluster), str(folder)], check=True)
    yield folder
    # A failing test must not leave its server running.
    pid = server_pid(folder)
    if pid is not None and not gone(pid, within=0):
        with contextlib.suppress(psutil.Error):
            psutil.Process(pid).terminate()


def handle_pids(folder: Path) -> list[int] | None:
    path = folder / "data" / ".handle_pids.json"
    return json.loads(path.read_text()) if path.exists() else None


def server_pid(folder: Path) -> int | None:
    pid_file = folder / "data" / "postmaster.pid"
    return int(pid_file.read_text().split("\n", 1)[0]) if pid_file.exists() else None


def gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


@pytest.mark.parametrize("content", ["", "[4242, ", '{"pids": [4242]}'])
@pytest.mark.parametrize("running", [False, True], ids=["stopped", "left running"])
def test_an_empty_or_corrupt_handle_file_counts_as_no_handles(cluster, content, running):
    if running:
        # A process killed outright leaves the server running, as `make run` did.
        proc = subprocess.Popen(
            [sys.executable, "-c", PROBE + "\nimport time; time.sleep(60)", str(cluster)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "1"
        proc.kill()
        proc.wait(timeout=10)
        left = server_pid(cluster)
        assert left is not None and psutil.pid_exists(left)
    (cluster / "data" / ".handle_pids.json").write_text(content)

    out = run_python(PROBE, str(cluster))

    assert out.stdout.strip() == "1"
    # The command was the only user: it stopped the server and left a valid, empty list.
    assert server_pid(cluster) is None
    assert handle_pids(cluster) in ([], None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_page(url: str, proc: subprocess.Popen, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


@pytest.mark.parametrize("group", [False, True], ids=["the server process", "its group"])
def test_a_sigterm_to_make_run_stops_the_embedded_server(cluster, group):
    # `make run`'s server: runserver with its autoreloader, a parent that restarts a child.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DEBUG="1",
        SECRET_KEY="dev-only-not-secret",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PAGE_CACHE_SECONDS="0",
        EMBEDDED_DB_DIR=str(cluster),
    )
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a group of its own, as a terminal gives `make run`
    )
    try:
        wait_for_page(f"http://127.0.0.1:{port}/healthz", proc)
        postgres = server_pid(cluster)
        assert postgres is not None and len(handle_pids(cluster)) == 2  # reloader and server

        os.killpg(proc.pid, signal.SIGTERM) if group else proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)

        assert gone(postgres), "the embedded PostgreSQL is still running"
        assert server_pid(cluster) is None
        assert handle_pids(cluster) in ([], None)
        assert run_python(PROBE, str(cluster)).stdout.strip() == "1"  # and the next one starts
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
