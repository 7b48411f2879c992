"""Where an import's input comes from: the paths given, streamed file by file, read once.

Paths may be files, directories (every *.txt below, sorted) or glob patterns. Each file is
read whole after a size check; a .jsonl file yields one item per non-blank line. Reading
never raises: an unreadable file becomes an item carrying its error, so that it is
reported as a failed file rather than stopping the run.
"""

import glob
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A thread's search vector must fit PostgreSQL's 1 MB tsvector, whatever the text: the
# worst we know (distinct short words) makes a vector 2.3 times the text's size, so
# 384 KiB of it (about 900 KB of vector) always fits, while a real thread page with a
# hundred answers is a tenth of that. Larger files are refused here, with the file named,
# before any parsing; a JSON Lines line has the same limit.
MAX_FILE_BYTES = 384 * 1024


class ImportPathError(Exception):
    """The paths given cannot be imported at all (a usage error, exit status 2)."""


class ItemError(Exception):
    def __init__(self, message: str, line: int | None = None):
        # Both in args, so the error survives the trip back from a parsing process.
        super().__init__(message, line)
        self.message, self.line = message, line

    def __str__(self):
        return self.message


@dataclass
class Item:
    """One unit of work: a text file, or one line of a JSON Lines file."""

    path: str
    source_file: str
    data: bytes | None = None
    error: ItemError | None = None
    line: int | None = None  # the JSON line number, for .jsonl items
    content_hash: str = ""
    # The file's modification time (seconds since the epoch): when the page was captured.
    modified: float | None = None
    source_key: str = ""
    # The parsed thread (a ThreadData), set once the item is parsed.
    thread: Any = None


# --- Finding the files ----------------------------------------------------------------


def _walk_txt(folder: Path) -> Iterator[str]:
    """Every *.txt below `folder`, in sorted order, without holding the list in memory.

    Not only regular files: a dangling link or an unreadable entry named *.txt is yielded
    so that it is reported as a failed file rather than skipped without a word.
    """
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".txt"):
                yield os.path.join(root, name)


def _expand(raw: str) -> Iterator[str | Path]:
    path = Path(raw)
    if path.is_dir():
        yield from _walk_txt(path)
    elif path.exists() or path.is_symlink():
        yield path
    elif glob.has_magic(raw):
        for match in sorted(glob.iglob(raw, recursive=True)):
            if match.endswith((".txt", ".jsonl")) and not Path(match).is_dir():
                yield Path(match)


def check_paths(paths: Iterable[str]) -> None:
    """Raise ImportPathError for a path that does not exist or yields nothing to import."""
    for raw in paths:
        path = Path(raw)
        if next(_expand(raw), None) is not None:
            continue
        if path.is_dir():
            raise ImportPathError(f"{raw}: no .txt files in this directory")
        if glob.has_magic(raw):
            raise ImportPathError(f"{raw}: the pattern matches no .txt or .jsonl files")
        raise ImportPathError(f"{raw}: no such file or directory")


class PathStream:
    """The files under the given paths, in order, each once; streamed, never listed.

    A corpus of millions of files costs no memory here. Only when several paths are given
    (and so may overlap) are the paths seen kept, to skip the duplicates.
    """

    def __init__(self, paths: Iterable[str], shard=None):
        self.paths = list(paths)
        self.shard = shard  # a questions.importing.shards.Shard: only its files
        self.duplicates = 0
        check_paths(self.paths)

    def __iter__(self) -> Iterator[str | Path]:
        if self.shard is None:
            yield from self._all()
            return
        for path in self._all():
            # A JSON Lines file is split by line, as it is read (iter_items).
            if str(path).endswith(".jsonl") or self.shard.takes(str(path)):
                yield path

    def _all(self) -> Iterator[str | Path]:
        if len(self.paths) == 1:
            yield from _expand(self.paths[0])
            return
        seen: set[str] = set()
        for raw in self.paths:
            for path in _expand(raw):
                key = os.path.abspath(path)
                if key in seen:
                    self.duplicates += 1
                    continue
                seen.add(key)
                yield path

    def count(self) -> int:
        """How many files there are (a second walk, for progress bars)."""
        return sum(1 for _ in PathStream(self.paths, self.shard))


def iter_items(paths: Iterable[str | Path]) -> Iterator[Item]:
    """Read each file (or each line of a .jsonl file) once, in order, never all at once."""
    shard = getattr(paths, "shard", None)
    for path in paths:
        name = str(path)
        base = os.path.basename(name)
        try:
            if name.endswith(".jsonl"):
                items = _iter_jsonl(Path(name))
                yield from (i for i in items if shard is None or shard.takes(i.path))
                continue
            # One open and an fstat: this loop runs 100,000 times on a re-import.
            with open(name, "rb") as handle:
                stat = os.fstat(handle.fileno())
                size = stat.st_size
                if size > MAX_FILE_BYTES:
                    raise ItemError(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
                data = handle.read()
            yield Item(path=name, source_file=base, data=data, modified=stat.st_mtime)
        except ItemError as exc:
            yield Item(path=name, source_file=base, error=exc)
        except OSError as exc:
            yield Item(path=name, source_file=base, error=ItemError(f"cannot read: {exc.strerror}"))


def _iter_jsonl(path: Path) -> Iterator[Item]:
    with path.open("rb") as handle:
        number = 0
        while raw := handle.readline(MAX_FILE_BYTES + 2):
            number += 1
            where = {"path": f"{path}:{number}", "source_file": path.name, "line": number}
            if len(raw.rstrip(b"\r\n")) > MAX_FILE_BYTES:
                # Skip the rest of the line without holding it: it may be any size.
                while raw and not raw.endswith(b"\n"):
                    raw = handle.readline(1024 * 1024)
                error = ItemError(f"the line is over the limit of {MAX_FILE_BYTES:,} bytes")
                yield Item(**where, error=error)
            elif raw.strip():
                yield Item(**where, data=raw.rstrip(b"\r\n"))
