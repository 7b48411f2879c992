"""What an import does to its database session: the import lock, the commit mode, fresh
planner statistics once it has written many rows, and the runs a killed import left."""

import contextlib
from collections.abc import Callable

from django.db import connection
from django.db.models import Count, Q

from answers.models import Answer, Doctor
from questions.models import ImportRecord, ImportRun, Question, TaggedArea, TaggedProcedure

from .results import ImportSummary, Outcome

# Any constant works; it only has to be the same for every import process.
IMPORT_LOCK_KEY = 7_346_217_001


class PlannerStatistics:
    """ANALYZE the tables an import fills, once it has written many rows.

    PostgreSQL plans with statistics that autovacuum refreshes only some time after a
    large import. Until then it may plan the importer's own lookups by source key, and the
    public pages, for the tables as they were (empty, on a first import). Measured on
    100,000 new threads, a re-import right after the first one ran at 8,300 files/s before
    autovacuum caught up and at over 10,000 once it had.
    """

    MODELS = (Question, Answer, Doctor, TaggedArea, TaggedProcedure, ImportRecord)

    def __init__(self, *, active: bool):
        self.active = active
        self.analyzed_at = 0  # threads written when last analysed

    def maybe_refresh(self, summary: ImportSummary, *, every: int) -> None:
        written = summary.counts[Outcome.CREATED] + summary.counts[Outcome.UPDATED]
        if self.active and written - self.analyzed_at >= every:
            with connection.cursor() as cursor:
                tables = [connection.ops.quote_name(m._meta.db_table) for m in self.MODELS]
                cursor.execute(f"ANALYZE {', '.join(tables)}")
            self.analyzed_at = written


@contextlib.contextmanager
def locked_fast_commit(dry_run: bool, on_wait: Callable[[], None] | None):
    """Hold the import lock, and turn synchronous_commit off, for this session.

    The lock: a session-level advisory lock, so one writing import runs at a time across
    processes; a second run calls `on_wait` and waits, then finds the files unchanged.

    synchronous_commit off: commits need not wait for the disk. A crash can lose only the
    last batches, never corrupt anything, and re-running the import (which is idempotent)
    restores them. Each batch's commit was the main cost of re-importing unchanged files.
    Both are undone on the way out. A dry run writes nothing and does neither.
    """
    if dry_run:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK_KEY])
        if not cursor.fetchone()[0]:
            if on_wait:
                on_wait()
            cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
            cursor.execute("RESET synchronous_commit")


# True while some session holds the import lock. A bigint advisory key shows in pg_locks
# split into two 32-bit halves.
IMPORT_LOCK_HELD_SQL = (
    "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND classid = %s::oid AND objid = %s::oid AND objsubid = 1)"
)
IMPORT_LOCK_HELD_PARAMS = (IMPORT_LOCK_KEY >> 32, IMPORT_LOCK_KEY & 0xFFFFFFFF)


def runs_mark_interrupted() -> int:
    """Mark the runs left unfinished as interrupted; call it holding the import lock.

    Whoever holds the lock is the only import running, so every other unfinished run
    belongs to a process that died: its session, and so its lock, went with it. Its
    counts are set from the file records it wrote before it died. Returns how many.
    """
    outcomes = ("created", "updated", "unchanged", "failed")
    stale = ImportRun.objects.filter(finished_at__isnull=True, interrupted=False)
    counts = stale.annotate(
        n_files_total=Count("records"),
        **{
            f"n_{outcome}": Count("records", filter=Q(records__outcome=outcome))
            for outcome in outcomes
        },
    )
    marked = 0
    for run in counts:
        marked += ImportRun.objects.filter(pk=run.pk, interrupted=False).update(
            interrupted=True,
            **{name: getattr(run, f"n_{name}") for name in ("files_total", *outcomes)},
        )
    return marked
