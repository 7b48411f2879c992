"""Read replicas: which database each query of a request goes to.

With DATABASE_REPLICA_URL set, the public pages read the site's content (questions,
answers, tags) from a PostgreSQL streaming replica; the primary ("default") keeps
everything else. A read goes to the primary when:

- it is not part of a public page request: the admin, imports, commands, migrations;
- the request is not a GET or HEAD, carries a session (staff, who may preview what they
  just saved) or the pin cookie (a visitor who wrote moments ago, see PIN_COOKIE);
- the request has already written, or the read runs inside a transaction: both must see
  their own writes, which a replica has not replayed yet;
- it reads anything but the content apps (sessions, users, admin log): a replica is
  never asked about accounts;
- the replica has not yet replayed the newest data change. Every commit that changes
  threads records the primary's WAL position (note_primary_position, on the same
  threads_changed signal that moves the page cache's data version on), and a request's
  first replica read compares it with the replica's replay position. Without this a
  page built on a lagging replica right after an edit would be cached under the new
  data version and stay stale for PAGE_CACHE_SECONDS on every server.
- the replica cannot be reached: the page is still served, from the primary.

The facet index (questions.facets) keeps reading the change log on the primary, so it
never goes backwards or misses an entry whichever replica a request reads.
"""

import contextvars
import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections

from kbsite.pagecache import CACHE_ERRORS

logger = logging.getLogger(__name__)

PRIMARY = "default"
# Apps whose tables public pages read, and so may come from a replica.
CONTENT_APPS = frozenset({"questions", "answers", "taggit"})
# Set on a response to a request that wrote: that browser reads the primary a while.
PIN_COOKIE = "kb_primary"
# The primary's WAL position after the newest data change, as a number of bytes.
POSITION_KEY = "primary-wal-position"


@dataclass
class RequestReads:
    """What the current request may read from: set by ReplicaReadMiddleware."""

    replica: str | None  # the replica chosen for this request, None for the primary
    checked: bool = False  # the replica's replay position has been compared
    wrote: bool = False


_reads: contextvars.ContextVar[RequestReads | None] = contextvars.ContextVar(
    "replica_reads", default=None
)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if (
            reads is None
            or reads.replica is None
            or reads.wrote
            or model._meta.app_label not in CONTENT_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        if not reads.checked:
            reads.checked = True
            if not replica_caught_up(reads.replica):
                reads.replica = None
                return PRIMARY
        return reads.replica

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None:
            reads.wrote = True  # from now on this request reads its own writes
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's very rows

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY  # replicas follow the primary's schema through replication


def replica_caught_up(alias: str) -> bool:
    """Has `alias` replayed the newest recorded data change? False when unreachable."""
    try:
        wanted = cache.get(POSITION_KEY)
    except CACHE_ERRORS:
        return False  # no way to tell: the primary is always right
    try:
        with connections[alias].cursor() as cursor:
            # A replica in recovery reports what it replayed; a server that is not one
            # (a second alias for the same server) is as current as it gets.
            cursor.execute(
                "SELECT coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn()) - '0/0'"
            )
            (replayed,) = cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Replica %s unreachable, reading the primary: %s", alias, exc)
        return False
    return wanted is None or replayed >= wanted


def note_primary_position(**kwargs) -> None:
    """Receiver of questions.signals.threads_changed (after the commit): remember where
    the primary's WAL is, so that no request reads these changes' absence off a replica.

    Kept as a maximum: a writer that commits a little earlier but reports a little later
    must not move it back."""
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'")
        (position,) = cursor.fetchone()
    try:
        if (cache.get(POSITION_KEY) or 0) < position:
            cache.set(POSITION_KEY, position, timeout=None)
    except CACHE_ERRORS:
        logger.warning("Cache unreachable: the primary's WAL position was not recorded")


class ReplicaReadMiddleware:
    """Choose, per request, whether its content reads may go to a replica."""

    def __init__(self, get_response):
        if not settings.REPLICA_DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        reads = RequestReads(replica=self._replica_for(request))
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if reads.wrote or request.method not in ("GET", "HEAD", "OPTIONS"):
            # The next few requests of this browser read its own write.
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def _replica_for(self, request) -> str | None:
        if (
            request.method not in ("GET", "HEAD")
            or request.path_info.startswith(self.admin_prefix)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or PIN_COOKIE in request.COOKIES
        ):
            return None
        return random.choice(settings.REPLICA_DATABASES)
