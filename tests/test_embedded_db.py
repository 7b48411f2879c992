"""The embedded PostgreSQL: used when DATABASE_URL is unset, started once, reused, durable."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

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
