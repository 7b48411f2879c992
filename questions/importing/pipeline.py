"""How an import keeps both cores busy: a reader thread reads files ahead, and on imports of
more than one batch two forked processes parse and tag them ahead of the batch being
written, and have PostgreSQL build the new threads' search vectors over their own
connections, so that the importing process's writes never wait for English text analysis.

Only bytes go to a parsing process and only ThreadData (or an ItemError) comes back; a
process never writes a row.
"""

import contextlib
import multiprocessing
import multiprocessing.util
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from queue import Empty, Queue

from django.db import connection

from questions.tagging import KeywordIndex

from .formats import thread_from_item
from .sources import Item, ItemError
from .threads import ThreadData, match_tags
from .vectors import VECTOR_SQL, search_texts


def read_ahead(items: Iterator[Item], depth: int) -> Iterator[Item]:
    """`items`, produced by a reader thread up to `depth` ahead of the consumer.

    Reading files releases the GIL, so the disk works while this thread hashes, parses
    and talks to the database.
    """
    done = object()
    queue: Queue = Queue(maxsize=depth)
    failure: list[BaseException] = []
    stop = threading.Event()

    def reader():
        try:
            for item in items:
                if stop.is_set():
                    return
                queue.put(item)
        except BaseException as exc:  # handed to the consumer, raised there
            failure.append(exc)
        finally:
            queue.put(done)

    thread = threading.Thread(target=reader, name="import-reader", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not done:
            yield item
        if failure:
            raise failure[0]
    finally:
        stop.set()
        while thread.is_alive():  # unblock a reader waiting on a full queue
            with contextlib.suppress(Empty):
                queue.get_nowait()
            thread.join(timeout=0.05)


def batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def to_payload(item: Item) -> tuple:
    """What a parsing process needs of an item: small, and cheap to pickle."""
    return (item.data, item.source_file, item.line, item.content_hash)


def parse_payload(payload: tuple, keywords: KeywordIndex | None):
    """Bytes to ThreadData (with its auto tags) or an ItemError. Pure: no database."""
    data, source_file, line, content_hash = payload
    item = Item(path="", source_file=source_file, data=data, line=line)
    item.content_hash = content_hash
    try:
        thread = thread_from_item(item)
    except ItemError as exc:
        return exc
    if thread.areas is None and keywords is not None:
        thread.auto_tags = match_tags(thread, keywords)
    return thread


@dataclass
class Worker:
    """What a parsing process holds for the run."""

    keywords: KeywordIndex
    tag_names: dict[str, dict[int, str]]
    # Connection parameters for building search vectors; None on a dry run.
    database: dict | None
    link: object = None  # the process's own connection

    def start(self) -> None:
        if self.database is None:
            return
        try:
            self.link = connection.get_new_connection(self.database)
            self.link.autocommit = True
        except connection.Database.Error:
            return  # the importing process builds the vectors itself
        # Closed when the process ends normally (the pool is closed, not terminated).
        multiprocessing.util.Finalize(self, self.link.close, exitpriority=10)

    def add_search_vectors(self, threads: list[ThreadData]) -> None:
        """Have PostgreSQL build the search vectors of scraped threads, in this process.

        English text analysis is most of the database's work on a first import; done
        here, over this process's own connection, it runs beside the importing process's
        writes instead of inside them. Any failure just leaves it to the INSERT.
        """
        threads = [t for t in threads if t.areas is None and t.auto_tags is not None]
        if self.link is None or not threads:
            return
        columns: list[list[str]] = [[], [], [], []]
        for thread in threads:
            tag_text, answer_text = search_texts(thread, thread.auto_tags, self.tag_names)
            for column, value in zip(
                columns, (thread.title, tag_text, thread.body, answer_text), strict=True
            ):
                column.append(value)
        try:
            with self.link.cursor() as cursor:
                cursor.execute(VECTOR_SQL, columns)
                vectors = cursor.fetchall()
        except connection.Database.Error:
            return  # the INSERT builds them instead
        for thread, (vector,) in zip(threads, vectors, strict=True):
            thread.search_vector = vector


# The Worker of this parsing process, set by the pool's initializer.
_worker: Worker | None = None


def _init_worker(worker: Worker) -> None:
    global _worker
    _worker = worker
    worker.start()


def parse_chunk(payloads: list[tuple]) -> list:
    """parse_payload for each, in a parsing process, plus the new threads' vectors."""
    results = [parse_payload(payload, _worker.keywords) for payload in payloads]
    _worker.add_search_vectors([r for r in results if isinstance(r, ThreadData)])
    return results


@contextlib.contextmanager
def parsing_pool(workers: int, worker: Worker):
    """Processes that parse files, for imports of more than one batch; None for none."""
    if workers < 1:
        yield None
        return
    # Forked children inherit our database socket but never use it: each opens its own
    # connection. (Closing ours here would drop the import lock.)
    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers, initializer=_init_worker, initargs=(worker,))
    try:
        yield pool
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
