"""What an import does to its database session: its run's lock, the commit mode, fresh
planner statistics once it has written many rows, and the runs a killed import left."""

import contextlib

from django.db import connection, transaction
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL

from answers.models import Answer, Doctor
from questions.models import ImportRecord, ImportRun, Question, TaggedArea, TaggedProcedure

from .results import ImportSummary, Outcome


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
def import_session(dry_run: bool, arguments: list[str]):
    """Start a run: yield its ImportRun, holding the run's lock (None on a dry run).

    First, the runs whose process died are marked interrupted. For the run's length
    synchronous_commit is off: commits need not wait for the disk. A crash can lose only
    the last batches, never corrupt anything, and re-running the import (which is
    idempotent) restores them. Each batch's commit was the main cost of re-importing
    unchanged files. Both are undone on the way out, whatever happened; a run that ends
    in an exception stays unfinished, and the next run marks it interrupted.
    """
    if dry_run:
        yield None
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        runs_mark_interrupted()
        run = _run_start(arguments)
        try:
            yield run
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_CLASS, _run_key(run.pk)]
                )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


# Several imports may run at once, on one machine or several: what kept them apart once
# (one global advisory lock) is now the unique constraints, ON CONFLICT, row locks taken
# in one order, and a batch retried when another run stored some of its threads first
# (questions.importing.store). What remains of a lock is each run's own: held by its
# database session for as long as the run lives, it tells a live run from one whose
# process died. Advisory locks of two int4 keys: this class, and the run's id.
RUN_LOCK_CLASS = 1_735_921_001


def _run_key(run_id: int) -> int:
    return run_id % 2**31  # int4; ids that far apart never run at the same time


def _run_start(arguments: list[str]) -> ImportRun:
    """Record a new run and hold its lock for as long as this session lives.

    Both in one transaction: no other session can see the run before its lock is held,
    so none can take it for a dead one (runs_mark_interrupted).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        run = ImportRun.objects.create(arguments=arguments)
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK_CLASS, _run_key(run.pk)])
    return run


# True while some session holds the lock of the ImportRun row at hand (an annotation of
# ImportRun querysets). An advisory lock of two int4 keys shows in pg_locks as classid,
# objid and objsubid 2.
RUN_LOCK_HELD_SQL = (
    "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND classid = %s::oid AND objid = mod(questions_importrun.id, 2147483648)::oid"
    " AND objsubid = 2)"
)
RUN_LOCK_HELD_PARAMS = (RUN_LOCK_CLASS,)


def runs_mark_interrupted() -> int:
    """Mark the runs left unfinished by a process that died as interrupted.

    A run whose lock no session holds died: its session, and so its lock, went with
    it. Its counts are set from the file records it wrote before it died. Returns how
    many.
    """
    outcomes = ("created", "updated", "unchanged", "failed")
    running = RawSQL(RUN_LOCK_HELD_SQL, RUN_LOCK_HELD_PARAMS, output_field=BooleanField())
    stale = ImportRun.objects.filter(finished_at__isnull=True, interrupted=False)
    stale = stale.alias(running=running).filter(running=False)
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
