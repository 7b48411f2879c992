"""Beyond one machine, proved on this one: app servers that share nothing but PostgreSQL
and Redis, and a streaming read replica.

The rig (tests/scale_rig.py) starts a PostgreSQL primary and a standby fed from it by
streaming replication (pg_basebackup -R), both logging every statement, and real
gunicorn servers (`make serve`'s configuration) on free ports. Skipped, with the
reason, only when a component cannot start here: Redis, or the PostgreSQL binaries.
"""

import os
import re
import socket
import time
import uuid
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from tests.scale_rig import ROOT, Browser, Cluster, Server, make_folder, manage, remove_folder

REDIS_URL = os.environ.get("SCALE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ADMIN = "/admin/"
PASSWORD = "scale-test-only-password"


def _redis_answers() -> bool:
    where = urlparse(REDIS_URL)
    try:
        with socket.create_connection((where.hostname, where.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    if not _redis_answers():
        pytest.skip(f"Redis does not answer at {REDIS_URL} (set SCALE_TEST_REDIS_URL)")
    try:
        import pgserver  # noqa: F401
    except ImportError:
        pytest.skip("the pgserver wheel (PostgreSQL binaries) is not installed")
    logs = tmp_path_factory.mktemp("servers")
    primary = Cluster(make_folder())
    standby = Cluster(make_folder())
    servers = []
    try:
        primary.init().start()
        primary.execute("CREATE DATABASE kbsite", database="postgres")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))},
            "DJANGO_SETTINGS_MODULE": "kbsite.settings",
            "SECRET_KEY": "scale-test-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "",
            "DATABASE_URL": primary.url("kbsite"),
            "REDIS_URL": REDIS_URL,
            # Its own keys: other test runs may share this Redis.
            "CACHE_KEY_PREFIX": f"kbsite-test-{uuid.uuid4().hex[:12]}",
            "SECURE_COOKIES": "0",  # plain HTTP here
            "PAGE_CACHE_SECONDS": "600",
            "ADMIN_URL": ADMIN,
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "import_threads", str(ROOT / "fixtures" / "threads"), "-v0")
        staff = {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
        manage(staff, "createsuperuser", "--noinput", "--username=staff", "--email=s@x.example")
        standby.standby_of(primary).start()

        def serve(name, **extra):
            server = Server({**env, **extra}, logs / f"{name}.log").start()
            servers.append(server)
            return server

        yield SimpleNamespace(primary=primary, standby=standby, serve=serve, env=env)
    finally:
        for server in servers:
            server.stop()
        standby.stop()
        primary.stop()
        remove_folder(standby.folder)
        remove_folder(primary.folder)


def threads(primary: Cluster) -> list[tuple[int, str]]:
    return primary.execute(
        "SELECT id, '/questions/' || id || '/' || slug || '/' FROM questions_question"
        " WHERE is_published ORDER BY id"
    )


def question_total(html: str) -> int:
    return int(re.search(r'class="results-count">(\d+) question', html)[1])


def test_two_servers_share_pages_and_an_admin_edit_shows_on_both_at_once(rig):
    one, two = rig.serve("one"), rig.serve("two")
    visitor = Browser()
    (first_id, first_url), (_, other_url) = threads(rig.primary)[:2]

    # Both serve the same pages, from the one cache in Redis (the second server answers
    # with the page the first one stored, under the same ETag).
    pages = {}
    for path in ("/", first_url, other_url):
        a, b = visitor.get(one.base + path), visitor.get(two.base + path)
        assert a.status == b.status == 200
        assert a.body == b.body and a.headers["ETag"] == b.headers["ETag"]
        pages[path] = a
    total = question_total(pages["/"].text)

    # Static files: hashed names, the same bytes from either server, cacheable for ever.
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', pages["/"].text)
    assert css, "the stylesheet's name is not hashed"
    a, b = visitor.get(one.base + css[1]), visitor.get(two.base + css[1])
    assert a.status == b.status == 200 and a.body == b.body
    assert (
        "immutable" in a.headers["Cache-Control"]
        and "max-age=315360000" in a.headers["Cache-Control"]
    )

    # Staff unpublish a thread through server one...
    staff = Browser()
    staff.log_in(one.base, ADMIN + "login/", "staff", PASSWORD)
    changelist = ADMIN + "questions/question/"
    assert staff.admin_action(one.base, changelist, "unpublish", [first_id]).status == 302

    # ... and server two, asked next, no longer shows it anywhere: its cached pages are
    # out of date (the data version in Redis moved on) and its facet index caught up
    # from the change log in PostgreSQL.
    assert visitor.get(two.base + first_url).status == 404
    home = visitor.get(two.base + "/")
    assert question_total(home.text) == total - 1
    assert first_url not in home.text
    assert visitor.get(one.base + "/").body == home.body
    # A page the edit did not touch still comes from the cache, under the new version.
    again = visitor.get(two.base + other_url)
    assert again.status == 200 and again.headers["ETag"] != pages[other_url].headers["ETag"]

    # A staff session made on server one is good on server two: sessions live in
    # PostgreSQL, not in a process.
    assert staff.get(two.base + changelist).status == 200
    assert staff.admin_action(two.base, changelist, "publish", [first_id]).status == 302
    assert question_total(visitor.get(one.base + "/").text) == total


def wait_for_replay(rig, timeout=30.0) -> None:
    """Until the standby has replayed everything the primary has written."""
    (target,) = rig.primary.execute("SELECT pg_current_wal_lsn()::text")[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (done,) = rig.standby.execute(
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", params=[target]
        )[0]
        if done:
            return
        time.sleep(0.05)
    raise AssertionError("the standby did not catch up")


def content_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if re.search(r'FROM "(questions|answers)_', s)]


def test_public_pages_read_the_replica_and_everything_else_the_primary(rig):
    server = rig.serve("replicated", DATABASE_REPLICA_URL=rig.standby.url("kbsite"))
    (_, url), (third_id, third_url) = threads(rig.primary)[1:3]
    visitor = Browser()
    wait_for_replay(rig)

    # A visitor's thread page: its content from the replica, none from the primary. The
    # facet index's change-log check is the one read the primary answers (by design).
    primary_at, standby_at = rig.primary.log_size(), rig.standby.log_size()
    assert visitor.get(server.base + url).status == 200
    replica_reads = content_reads(rig.standby.statements_since(standby_at))
    primary_reads = content_reads(rig.primary.statements_since(primary_at))
    assert any('FROM "questions_question"' in s for s in replica_reads)
    assert any('FROM "answers_answer"' in s for s in replica_reads)
    assert primary_reads == []

    # The list page: rows from the replica; the facet index follows the primary's change
    # log (its queries name no quoted table: content_reads leaves them out).
    primary_at, standby_at = rig.primary.log_size(), rig.standby.log_size()
    assert visitor.get(server.base + "/?sort=answers").status == 200
    assert content_reads(rig.standby.statements_since(standby_at))
    assert all(
        "questions_threadchange" in s
        for s in content_reads(rig.primary.statements_since(primary_at))
    )

    # Staff: the admin, and the public pages they look at, read the primary only.
    staff = Browser()
    staff.log_in(server.base, ADMIN + "login/", "staff", PASSWORD)
    standby_at = rig.standby.log_size()
    assert staff.get(server.base + ADMIN + "questions/question/").status == 200
    assert staff.get(server.base + url + "?staff").status == 200
    assert content_reads(rig.standby.statements_since(standby_at)) == []

    # The replica falls behind: replay paused. Staff unpublish a thread; the visitor's
    # next page must not come from the stale replica, nor be cached from it.
    assert visitor.get(server.base + third_url).status == 200
    rig.standby.execute("SELECT pg_wal_replay_pause()")
    try:
        response = staff.admin_action(
            server.base, ADMIN + "questions/question/", "unpublish", [third_id]
        )
        assert response.status == 302
        cookies = response.headers.get_all("Set-Cookie") or []
        assert any(c.startswith("kb_primary=") for c in cookies)  # pinned to the primary
        standby_at = rig.standby.log_size()
        assert visitor.get(server.base + third_url).status == 404
        assert content_reads(rig.standby.statements_since(standby_at)) == []
    finally:
        rig.standby.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay(rig)
    standby_at = rig.standby.log_size()
    assert visitor.get(server.base + third_url + "?again").status == 404
    assert content_reads(rig.standby.statements_since(standby_at))  # the replica again
    staff.admin_action(server.base, ADMIN + "questions/question/", "publish", [third_id])


def test_a_replica_that_cannot_be_reached_costs_no_page(rig):
    folder = make_folder()
    try:
        gone = Cluster(folder)  # never started: nothing listens there
        server = rig.serve("dead-replica", DATABASE_REPLICA_URL=gone.url("kbsite"))
        (_, url) = threads(rig.primary)[0]
        response = Browser().get(server.base + url)
        assert response.status == 200
    finally:
        remove_folder(folder)
