"""Import scraped thread files, and our own JSON Lines exports, into the knowledge base.

`threads_import` is the service behind `manage.py import_threads`. How it stays correct:

- Idempotent. A thread is found by its source key (the hex page id in a scraper's file
  name, else the normalised title); a file whose content hash matches the stored one is
  reported unchanged before it is even parsed. A changed file updates its thread in place:
  new answers are added, changed ones updated, and answers that staff edited or hid are
  left exactly as staff left them.
- All or nothing per file. Files are parsed first, outside any transaction, so a bad file
  fails alone with `PATH:LINE: reason`. A batch is then written in one transaction; if
  the database refuses it, the batch is retried one file at a time so that only the file
  at fault fails.
- Any number at a time. Runs on one machine or several, on the same files or on
  `--shard K/N` slices of one corpus, never duplicate a thread, a doctor or a tag and
  never deadlock: the unique constraints decide who stores a thread first, and a batch
  that lost such a race is retried, finding those threads stored (`store`).

How it stays fast: files are streamed in batches of BATCH_SIZE; each batch costs a fixed
number of queries (COPY and set-based inserts and updates); doctors and the tagging
keywords are cached for the whole run. On imports of more than one batch, two parsing
processes parse and tag the files ahead of the batch being written, and have PostgreSQL
build the new threads' search vectors over their own connections, so that this process's
writes never wait for English text analysis. A new thread's row is written once, with its
answer facts and search vector; every written thread is announced by threads_changed.

The package, in the order an imported file moves through it:

- `sources`: the paths given, streamed file by file and read once (size and read errors).
- `pipeline`: the reader thread, batches, and the parsing processes.
- `formats`, with `scraped` and `jsonl`: bytes to one ThreadData (`threads`).
- `vectors`: a new thread's search vector, built beside the writes.
- `store`: the batched, set-based writes.
- `session`: the run's lock, the commit mode and the planner statistics.
- `shards`: which files a `--shard K/N` run takes.
- `results`: what each item and the run come to.
"""

import hashlib
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, reset_queries
from django.utils import timezone

from answers.identity import DoctorDirectory
from kbsite.db import copy_rows
from questions.models import ImportRecord, ImportRun
from questions.services import change_log_prune
from questions.tagging import KeywordIndex

from .formats import source_key_without_parsing
from .pipeline import (
    Worker,
    batches,
    parse_chunk,
    parse_payload,
    parsing_pool,
    read_ahead,
    to_payload,
)
from .results import ImportSummary, ItemResult, Outcome, failed, stored, unchanged
from .session import PlannerStatistics, import_session
from .shards import Shard
from .sources import ImportPathError, Item, ItemError, PathStream, check_paths, iter_items
from .store import ThreadStore, existing_rows, settle_unchanged

__all__ = [
    "ImportPathError",
    "ImportSummary",
    "ItemResult",
    "Outcome",
    "Shard",
    "check_paths",
    "threads_import",
]

BATCH_SIZE = 500
# Batches being parsed while one is written (see threads_import).
PARSE_AHEAD = 2
# Files a parsing process takes at a time; their search vectors take one query.
PARSE_CHUNK = 25
# Threads written between two refreshes of the planner's statistics (PlannerStatistics),
# and at least this many for one at the end of a run.
ANALYZE_EVERY = 25_000
ANALYZE_AT_END = 2_000


@dataclass
class Batch:
    items: list[Item]
    results: dict[int, ItemResult] = field(default_factory=dict)
    to_parse: list[int] = field(default_factory=list)
    parsed: list | None = None
    parsing: object | None = None  # an AsyncResult while a pool parses


class ThreadImporter:
    """One import run, batch by batch. Use `threads_import`, which builds and drives it."""

    def __init__(self, *, dry_run: bool, run: ImportRun | None):
        self.dry_run = dry_run
        self.run = run
        self.keywords = KeywordIndex.load()
        doctors = DoctorDirectory() if not dry_run else None
        self.store = ThreadStore(keywords=self.keywords, doctors=doctors)

    def start_batch(self, items: list[Item], pool=None) -> Batch:
        """Hash, skip what is unchanged, and start parsing the rest (in `pool` if given).

        Parsing happens outside transactions: a bad file fails here, alone.
        """
        batch = Batch(items)
        for item in items:
            if item.data is not None and not item.error:
                item.content_hash = hashlib.sha256(item.data).hexdigest()
                item.source_key = source_key_without_parsing(item)
        known = existing_rows({item.source_key for item in items if item.source_key})
        for index, item in enumerate(items):
            if item.error:
                batch.results[index] = failed(item, item.error.line, item.error.message)
                continue
            row = known.get(item.source_key) if item.source_key else None
            if row and row["content_hash"] == item.content_hash:
                batch.results[index] = unchanged(item, row["id"])
            else:
                batch.to_parse.append(index)
        payloads = [to_payload(items[i]) for i in batch.to_parse]
        if pool is not None and payloads:
            chunks = [payloads[i : i + PARSE_CHUNK] for i in range(0, len(payloads), PARSE_CHUNK)]
            batch.parsing = pool.map_async(parse_chunk, chunks, chunksize=1)
        else:
            batch.parsed = [parse_payload(payload, self.keywords) for payload in payloads]
        return batch

    def finish_batch(self, batch: Batch) -> list[ItemResult]:
        """Store what was parsed, record every item, and return results in order."""
        items, results = batch.items, batch.results
        if batch.parsing is not None:
            parsed = [outcome for chunk in batch.parsing.get() for outcome in chunk]
        else:
            parsed = batch.parsed
        pending: list[tuple[int, Item]] = []
        for index, outcome in zip(batch.to_parse, parsed, strict=True):
            item = items[index]
            if isinstance(outcome, ItemError):
                results[index] = failed(item, outcome.line, outcome.message)
            else:
                item.thread, item.source_key = outcome, outcome.source_key
                pending.append((index, item))
        # Asked again now: earlier batches may have stored some of these pages meanwhile,
        # and title-keyed files only learn their key once parsed.
        known = existing_rows({item.source_key for _, item in pending})
        still_pending = settle_unchanged(pending, known, results)
        if self.dry_run:
            for index, item in still_pending:
                outcome = Outcome.UPDATED if item.source_key in known else Outcome.CREATED
                results[index] = stored(item, outcome, None)
        elif still_pending:
            results.update(self.store.store_safely(still_pending, known))
        ordered = [results[i] for i in range(len(items))]
        if self.run:
            self._record(ordered)
        return ordered

    def _record(self, results: list[ItemResult]) -> None:
        # Through COPY: a re-import of 100,000 unchanged files writes 100,000 records, and
        # they were most of its cost as INSERTs.
        copy_rows(
            ImportRecord,
            [
                {
                    "run_id": self.run.pk,
                    "path": r.path[:1000],
                    "content_hash": r.content_hash,
                    "outcome": r.outcome,
                    "line": r.line,
                    "message": r.message,
                    "question_id": r.question_id,
                }
                for r in results
            ],
        )


def threads_import(
    *,
    paths: list[str],
    dry_run: bool = False,
    arguments: list[str] | None = None,
    on_result: Callable[[ItemResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    shard: Shard | None = None,
) -> ImportSummary:
    """Import every thread under `paths` (those of `shard` only, if given); see the
    module docstring for the guarantees."""
    files = PathStream(paths, shard=shard)
    total = files.count()
    if on_start:
        on_start(total)
    started = time.monotonic()
    with import_session(dry_run, arguments or list(paths)) as run:
        importer = ThreadImporter(dry_run=dry_run, run=run)
        statistics = PlannerStatistics(active=not dry_run)
        summary = ImportSummary(run_id=run.pk if run else None)
        if workers is None:
            # Forking costs more than it saves on an import of one batch.
            workers = min(2, os.cpu_count() or 1) if total > batch_size else 0
        # The pool forks before the reader thread starts: never fork a process mid-thread.
        worker = Worker(
            keywords=importer.keywords,
            tag_names=importer.store.tag_names,
            database=None if dry_run else connection.get_connection_params(),
        )
        with parsing_pool(workers, worker) as pool:
            reading = read_ahead(iter_items(files), depth=2 * batch_size)
            # While this process writes batch N, the pool parses the next ones. Two in
            # flight: parsing a batch takes less time than writing one, and the parsing
            # processes would otherwise wait, leaving a core idle.
            in_flight: deque[Batch] = deque()
            for items in batches(reading, batch_size):
                in_flight.append(importer.start_batch(items, pool))
                if len(in_flight) > PARSE_AHEAD:
                    summary.add(importer.finish_batch(in_flight.popleft()), on_result)
                    statistics.maybe_refresh(summary, every=ANALYZE_EVERY)
                # With DEBUG on, Django keeps every SQL string; bulk statements are large.
                reset_queries()
            while in_flight:
                summary.add(importer.finish_batch(in_flight.popleft()), on_result)
            statistics.maybe_refresh(summary, every=ANALYZE_AT_END)
        summary.duplicate_paths = files.duplicates
        summary.seconds = time.monotonic() - started
        if run:
            _finish_run(run, summary)
    return summary


def _finish_run(run: ImportRun, summary: ImportSummary) -> None:
    change_log_prune()
    c = summary.counts
    ImportRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        files_total=summary.total,
        created=c[Outcome.CREATED],
        updated=c[Outcome.UPDATED],
        unchanged=c[Outcome.UNCHANGED],
        failed=c[Outcome.FAILED],
        duration=summary.seconds,
    )
