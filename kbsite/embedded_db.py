"""An embedded PostgreSQL server for development and tests.

When ``DATABASE_URL`` is unset, settings call :func:`embedded_database` and the project runs
its own PostgreSQL (from the ``pgserver`` wheel) in a git-ignored folder. The server listens
on a unix socket only, so it never collides with another PostgreSQL on a TCP port. It is
started on first use and shared by every process of the project (runserver, its reloader,
management commands, pytest); the last of them to exit (normally, on Ctrl-C or on SIGTERM)
stops it. A process killed outright (SIGKILL) leaves the server running, and PostgreSQL's
write-ahead log keeps the data consistent; the next process reuses that server and forgets
the dead one.
"""

import contextlib
import json
import os
import signal
import sys
import threading
from pathlib import Path

DATABASE_NAME = "kbsite"


def _forget_dead_handles(pgdata: Path) -> None:
    # pgserver counts the processes using the server in this file and stops the server when
    # the last one exits. A killed process never removes itself, which would keep the server
    # running forever, so drop the pids that no longer exist before we add ours.
    import psutil

    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (FileNotFoundError, ValueError):
        return
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _exit_cleanly_on_sigterm() -> None:
    # `kill` sends SIGTERM, which ends Python without running atexit handlers, so pgserver
    # would never learn that this process is gone. Turn it into a normal exit, unless the
    # program already handles SIGTERM itself.
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _ensure_database(socket_dir: str, port: int, name: str) -> None:
    import psycopg2
    from psycopg2 import errors

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=socket_dir, port=port)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                # Another process may create it at the same moment.
                with contextlib.suppress(errors.DuplicateDatabase):
                    cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def embedded_database(folder: Path, name: str = DATABASE_NAME) -> dict:
    """Start (or reuse) the server kept in ``folder`` and return a DATABASES entry."""
    folder = Path(folder).resolve()
    pgdata, runtime = folder / "data", folder / "run"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    # pgserver keeps its inter-process lock in the user's runtime dir, read when the module
    # is imported; give it one inside our folder when the environment has none (CI, cron).
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver

    pgdata.mkdir(exist_ok=True)
    _forget_dead_handles(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    _exit_cleanly_on_sigterm()
    info = server.get_postmaster_info()
    socket_dir, port = str(info.socket_dir), info.port
    _ensure_database(socket_dir, port, name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "HOST": socket_dir,
        "PORT": str(port),
        "CONN_MAX_AGE": 0,
    }
