"""A small production-like rig for the scale tests: real PostgreSQL clusters (a primary
and a streaming standby made with pg_basebackup), and real `make serve` servers
(gunicorn with kbsite/gunicorn.conf.py) on free ports, sharing them and the machine's
Redis.

The clusters use the PostgreSQL binaries of the pgserver wheel (the embedded server's),
listen on unix sockets in a temporary folder only and log every statement, so a test
can tell which server ran a query. As root, PostgreSQL runs as the `pgserver` user, as
the embedded server does.
"""

import contextlib
import http.cookiejar
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bin(name: str) -> str:
    import pgserver

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)


def _owner() -> str | None:
    """The system user PostgreSQL runs as: ours, or `pgserver` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("pgserver")
    except KeyError:
        subprocess.run(["useradd", "-s", "/bin/false", "pgserver"], check=True)
    return "pgserver"


class Cluster:
    """One PostgreSQL cluster in `folder`, on a unix socket in that folder."""

    PORT = 5432

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.user = _owner()

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, user=self.user, capture_output=True, timeout=120)

    def init(self) -> "Cluster":
        self._run(
            _bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "utf8"
        )
        return self

    def standby_of(self, primary: "Cluster") -> "Cluster":
        """A copy of `primary` that streams and replays its WAL (pg_basebackup -R)."""
        self._run(
            _bin("pg_basebackup"), "-D", str(self.data), "-h", str(primary.folder),
            "-p", str(self.PORT), "-U", "postgres", "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        return self

    def start(self) -> "Cluster":
        options = f"-h '' -k {self.folder} -c log_statement=all -c fsync=off"
        self._run(
            _bin("pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.log), "-o", options, "start"
        )
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def url(self, database: str = "postgres") -> str:
        host = urllib.parse.quote(str(self.folder), safe="")
        return f"postgres://postgres@{host}:{self.PORT}/{database}"

    def execute(self, sql: str, database: str = "kbsite", params=()) -> list[tuple]:
        import psycopg2

        conn = psycopg2.connect(self.url(database))
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            conn.close()

    def log_size(self) -> int:
        return self.log.stat().st_size

    def statements_since(self, offset: int) -> list[str]:
        """The statements this server logged after `offset` (a log_size())."""
        with self.log.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode(errors="replace")
        return re.findall(r"LOG:  statement: (.*)", text)


def make_folder() -> Path:
    # Short: a unix socket's path must fit in about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="kbs-"))
    user = _owner()
    if user:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    return folder


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode in (0, 1), result.stderr[-3000:]
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`make serve`'s gunicorn on a free port, with this environment."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2"}
        self.log = log
        self.process = None

    def start(self) -> "Server":
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "--config",
                    "kbsite/gunicorn.conf.py",
                    "kbsite.wsgi",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            with contextlib.suppress(OSError):
                if Browser().get(self.base + "/readyz").status == 200:
                    return self
            time.sleep(0.2)
        raise AssertionError(f"the server did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode(errors="replace")


class Browser:
    """A client with its own cookies, as one visitor's browser would have.

    Every request names the host `localhost`, whichever server it goes to, as requests
    passed on by a load balancer name the site's one public host."""

    HOST = "localhost"

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def get(self, url: str) -> Response:
        return self._open(urllib.request.Request(url, headers={"Host": self.HOST}))

    def post(self, url: str, data: dict) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        headers = {"Host": self.HOST, "Referer": url}
        return self._open(urllib.request.Request(url, data=body, headers=headers))

    def _open(self, request) -> Response:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def log_in(self, base: str, login_path: str, username: str, password: str) -> None:
        self.get(base + login_path)
        response = self.post(
            base + login_path,
            {
                "csrfmiddlewaretoken": self.cookie("csrftoken"),
                "username": username,
                "password": password,
                "next": "/",
            },
        )
        assert response.status == 302, response.text[-2000:]

    def admin_action(self, base: str, changelist: str, action: str, ids: list[int]) -> Response:
        self.get(base + changelist)
        return self.post(
            base + changelist,
            {
                "csrfmiddlewaretoken": self.cookie("csrftoken"),
                "action": action,
                "_selected_action": [str(pk) for pk in ids],
                "index": "0",
            },
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
