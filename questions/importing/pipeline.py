"""The reader thread of an import: files read ahead of the parsing, cut into batches.

The fork pool that parses batches, and threads_import itself, are still in the package's
__init__ (moving them is the next step of this split).
"""

import contextlib
import threading
from collections.abc import Iterator
from queue import Empty, Queue

from .sources import Item


def _read_ahead(items: Iterator[Item], depth: int) -> Iterator[Item]:
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


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
