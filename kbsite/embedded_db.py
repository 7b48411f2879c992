"""An embedded PostgreSQL server for development and tests.

When ``DATABASE_URL`` is unset, settings call :func:`embedded_database` and the project runs
its own PostgreSQL (from the ``pgserver`` wheel) in a git-ignored folder. The server listens
on a unix socket only, so it never collides with another PostgreSQL on a TCP port. It is
started on first use and shared by every process of the project (runserver, its reloader,
management commands, pytest); the last of them to exit (normally, on Ctrl-C or on SIGTERM)
stops it. A process killed outright (SIGKILL) leaves the server running, and PostgreSQL's
write-ahead log keeps the data consistent; the next process reuses that server and forgets
the dead one.

pgserver counts the processes using the server in ``data/.handle_pids.json``. Two of its
habits are mended here. It rewrote that file in place, so a process killed while writing
it left it empty, and every later process failed reading it (JSONDecodeError): the file is
now written atomically, and an unreadable one counts as no handles. And it only stops the
server when the exiting process is the last one listed, while a process killed outright
stays listed: on SIGTERM, runserver's reloader kills its serving child with SIGKILL and so
always left the server running. Each process now forgets dead ones when it starts and
again as it exits, before pgserver's own clean-up decides.
"""

import atexit
import contextlib
import json
import os
import signal
import sys
import threading
from pathlib import Path

DATABASE_NAME = "kbsite"
HANDLE_FILE = ".handle_pids.json"  # pgserver's name for it, in the data folder


class _HandleList:
    """pgserver's list of the processes using the server (its ``utils.DiskList``), read
    leniently and written atomically.

    pgserver only calls it with its inter-process lock held; :func:`_forget_dead_handles`
    takes the same lock.
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    def read(self) -> list[int] | None:
        """The pids listed; None when the file is missing, empty, cut short or not a list
        of pids."""
        try:
            pids = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(pids, list) or not all(type(pid) is int for pid in pids):
            return None
        return pids

    def get(self) -> list[int]:
        # An unreadable file counts as no handles: the server it describes is then stopped
        # by the next process to exit, which is better than no process starting again.
        return self.read() or []

    def put(self, pids: list[int]) -> None:
        # A new file renamed over the old: a reader sees the old list or the new, never a
        # half-written one, whenever the writer is killed.
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(pids))
        os.replace(temporary, self.path)

    def get_and_add(self, pid: int) -> list[int]:
        pids = self.get()
        if pid not in pids:
            self.put([*pids, pid])
        return pids

    def get_and_remove(self, pid: int) -> list[int]:
        pids = self.get()
        if pid in pids:
            self.put([p for p in pids if p != pid])
        return pids


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:  # not ours to inspect, but there
        return True


def _forget_dead_handles(pgdata: Path) -> None:
    # pgserver stops the server when the last process listed exits. A killed process never
    # removes itself, which would keep the server running forever, so drop the pids that
    # no longer exist: before we add ours, and again before pgserver decides at our exit.
    import pgserver

    handles = _HandleList(pgdata / HANDLE_FILE)
    with pgserver.PostgresServer._lock:
        pids = handles.read()
        if pids is None:
            if handles.path.exists():
                handles.put([])  # unreadable: no handles, and a valid file from now on
            return
        alive = [pid for pid in pids if _alive(pid)]
        if alive != pids:
            handles.put(alive)


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
    # pgserver builds its handle list from this name when a server object is made.
    pgserver.postgres_server.DiskList = _HandleList
    _forget_dead_handles(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    # atexit runs the last registered first: this runs before pgserver's own clean-up,
    # which stops the server only when this process is the last one listed.
    atexit.register(_forget_dead_handles, pgdata)
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
