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
- One import at a time. A PostgreSQL advisory lock serialises runs, so two operators
  importing the same files at once get no duplicates and no crash: the second run waits,
  then finds the files unchanged.

How it stays fast: files are streamed in batches of BATCH_SIZE; each batch costs a fixed
number of queries (COPY and set-based inserts and updates); doctors and the tagging
keywords are cached for the whole run. On imports of more than one batch, two parsing
processes parse and tag the files ahead of the batch being written, and have PostgreSQL
build the new threads' search vectors over their own connections, so that this process's
writes never wait for English text analysis. A new thread's row is written once, with its
answer facts and search vector; a changed thread is refreshed by question_refresh_derived.
"""

import contextlib
import functools
import glob
import hashlib
import json
import multiprocessing
import multiprocessing.util
import os
import re
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from queue import Empty, Queue

from django.db import DatabaseError, connection, reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

from answers.models import Answer, Doctor, DoctorAlias
from kbsite.db import copy_rows, insert_rows, update_rows
from questions.models import (
    ImportRecord,
    ImportRun,
    Procedure,
    Question,
    TaggedArea,
    TaggedProcedure,
    TreatmentArea,
)
from questions.parsing import ParseError, decode_thread_bytes, normalise_name, parse_thread
from questions.services import search_vector_sql, threads_changed
from questions.tagging import KeywordIndex, questions_apply_auto_tags

MAX_FILE_BYTES = 2 * 1024 * 1024
BATCH_SIZE = 500
# Batches being parsed while one is written (see threads_import).
PARSE_AHEAD = 2
# Files a parsing process takes at a time; their search vectors take one query.
PARSE_CHUNK = 25
# Threads written between two refreshes of the planner's statistics (_PlannerStatistics),
# and at least this many for one at the end of a run.
ANALYZE_EVERY = 25_000
ANALYZE_AT_END = 2_000
SCRAPER_FILE_NAME = re.compile(r"^\d+_([0-9a-fA-F]{16})\.txt$")
# Any constant works; it only has to be the same for every import process.
IMPORT_LOCK_KEY = 7_346_217_001
Outcome = ImportRecord.Outcome


# The same doctors answer thread after thread: normalise each spelling of a name once.
_name_key = functools.lru_cache(maxsize=100_000)(normalise_name)


class ImportPathError(Exception):
    """The paths given cannot be imported at all (a usage error, exit status 2)."""


# --- What one file or JSON line holds, whatever its format ----------------------------


@dataclass
class DoctorData:
    name: str | None
    credentials: str = ""
    place: str = ""
    specialty: str = ""
    rating: Decimal | None = None
    review_count: int | None = None
    # Matching keys, computed where the block is read: in the parsing processes.
    name_key: str = field(init=False, default="")
    place_key: str = field(init=False, default="")

    def __post_init__(self):
        if self.name:
            self.name_key = _name_key(self.name)
        self.place_key = _normal_place(self.place)


@dataclass
class AnswerData:
    position: int
    headline: str
    body: str
    doctor: DoctorData | None
    # Only our own exports carry curation state; scraped files never do.
    status: str = Answer.Status.PUBLISHED
    is_featured: bool = False
    sort_order: int = 0
    edited_by_staff: bool = False


@dataclass
class ThreadData:
    source_key: str
    source_file: str
    content_hash: str
    title: str
    body: str
    age: int | None = None
    sex: str = ""
    treatment: str = ""
    declared_answer_count: int | None = None
    complete: bool = True
    disclaimer: str | None = None
    answers: list[AnswerData] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # None: tag automatically from the keywords. A list: exactly these tag slugs.
    areas: list[str] | None = None
    procedures: list[str] | None = None
    # None: a scraped file, which says nothing about curation; keep what staff chose.
    published: bool | None = None
    # True for our own exports: they carry each answer's status, featuring and order.
    curated: bool = False
    # (area ids, procedure ids) matched from the keywords, when areas is None.
    auto_tags: tuple[set, set] | None = None
    # The weighted search vector (tsvector text) a parsing process had PostgreSQL build.
    search_vector: str | None = None


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
    source_key: str = ""
    thread: ThreadData | None = None


@dataclass
class ItemResult:
    path: str
    outcome: str
    line: int | None = None
    message: str = ""
    question_id: int | None = None
    content_hash: str = ""
    warnings: list[str] = field(default_factory=list)
    incomplete: bool = False


@dataclass
class ImportSummary:
    run_id: int | None
    total: int = 0
    counts: Counter = field(default_factory=Counter)
    incomplete: int = 0
    kept_staff_answers: int = 0
    duplicate_paths: int = 0
    seconds: float = 0.0
    failures: list[ItemResult] = field(default_factory=list)

    def add(self, results: list[ItemResult], on_result=None) -> None:
        for result in results:
            self.total += 1
            self.counts[result.outcome] += 1
            self.incomplete += result.incomplete
            if result.outcome == Outcome.FAILED:
                self.failures.append(result)
            if on_result:
                on_result(result)

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0

    def line(self, noun: str = "files") -> str:
        c = self.counts
        return (
            f"{self.total:,} {noun}: {c[Outcome.CREATED]:,} created, "
            f"{c[Outcome.UPDATED]:,} updated, {c[Outcome.UNCHANGED]:,} unchanged, "
            f"{c[Outcome.FAILED]:,} failed in {self.seconds:.1f} s ({self.rate:,.0f} {noun}/s)"
        )


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

    def __init__(self, paths: Iterable[str]):
        self.paths = list(paths)
        self.duplicates = 0
        check_paths(self.paths)

    def __iter__(self) -> Iterator[str | Path]:
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
        return sum(1 for _ in PathStream(self.paths))


def iter_items(paths: Iterable[str | Path]) -> Iterator[Item]:
    """Read each file (or each line of a .jsonl file) once, in order, never all at once."""
    for path in paths:
        name = str(path)
        base = os.path.basename(name)
        try:
            if name.endswith(".jsonl"):
                yield from _iter_jsonl(Path(name))
                continue
            # One open and an fstat: this loop runs 100,000 times on a re-import.
            with open(name, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > MAX_FILE_BYTES:
                    raise ItemError(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
                data = handle.read()
            yield Item(path=name, source_file=base, data=data)
        except ItemError as exc:
            yield Item(path=name, source_file=base, error=exc)
        except OSError as exc:
            yield Item(path=name, source_file=base, error=ItemError(f"cannot read: {exc.strerror}"))


def _iter_jsonl(path: Path) -> Iterator[Item]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                yield Item(
                    path=f"{path}:{number}",
                    source_file=path.name,
                    data=raw.rstrip(b"\r\n"),
                    line=number,
                )


# --- Turning an item into ThreadData --------------------------------------------------


def title_source_key(title: str) -> str:
    """The source key of a file whose name carries no page id: its normalised title."""
    title = re.sub(r"\s*\((photos?|pictures?|pics?)\)\s*$", "", title, flags=re.IGNORECASE)
    return slugify(title)[:200] or "untitled"


def _thread_from_text(item: Item) -> ThreadData:
    try:
        text = decode_thread_bytes(item.data)
        parsed = parse_thread(text)
    except ParseError as exc:
        raise ItemError(exc.message, exc.line) from exc
    match = SCRAPER_FILE_NAME.match(item.source_file)
    source_key = match.group(1).lower() if match else title_source_key(parsed.title)
    answers = [
        AnswerData(
            position=a.position,
            headline=a.headline or "",
            body=a.body,
            doctor=DoctorData(**_doctor_fields(a.doctor)) if a.doctor else None,
        )
        for a in parsed.answers
    ]
    return ThreadData(
        source_key=source_key,
        source_file=item.source_file,
        content_hash=item.content_hash,
        title=parsed.title,
        body=parsed.question,
        age=parsed.age,
        sex=parsed.sex,
        treatment=parsed.treatment,
        declared_answer_count=parsed.declared_answer_count,
        complete=parsed.complete,
        disclaimer=parsed.disclaimer,
        answers=answers,
        warnings=list(parsed.warnings),
    )


def _doctor_fields(block) -> dict:
    return {
        "name": block.name,
        "credentials": block.credentials or "",
        "place": block.place or "",
        "specialty": block.specialty or "",
        "rating": block.rating,
        "review_count": block.review_count,
    }


def _thread_from_json(item: Item) -> ThreadData:
    try:
        obj = json.loads(item.data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ItemError(f"not a JSON object: {exc}") from exc
    if not isinstance(obj, dict):
        raise ItemError("not a JSON object")
    if _holds_nul(obj):
        raise ItemError("a text holds a NUL character (\\u0000), which PostgreSQL cannot store")

    def need(mapping, key, kind, where="thread"):
        if key not in mapping:
            raise ItemError(f"{where} has no '{key}'")
        value = mapping[key]
        if not isinstance(value, kind):
            raise ItemError(f"{where} '{key}' has the wrong type")
        return value

    details = obj.get("details") or {}
    answers = []
    for index, raw in enumerate(need(obj, "answers", list), start=1):
        where = f"answer {index}"
        if not isinstance(raw, dict):
            raise ItemError(f"{where} is not an object")
        doctor = raw.get("doctor")
        if doctor is not None:
            if not isinstance(doctor, dict):
                raise ItemError(f"{where} 'doctor' is not an object")
            doctor = DoctorData(
                name=doctor.get("name"),
                credentials=doctor.get("credentials") or "",
                place=doctor.get("place") or "",
                specialty=doctor.get("specialty") or "",
                rating=_decimal(doctor.get("rating"), where),
                review_count=doctor.get("review_count"),
            )
        status = raw.get("status", Answer.Status.PUBLISHED)
        if status not in Answer.Status.values:
            raise ItemError(f"{where} has an unknown status {status!r}")
        answers.append(
            AnswerData(
                position=need(raw, "position", int, where),
                headline=raw.get("headline") or "",
                body=need(raw, "body", str, where),
                doctor=doctor,
                status=status,
                is_featured=bool(raw.get("featured", False)),
                sort_order=int(raw.get("sort_order", 0)),
                edited_by_staff=bool(raw.get("edited_by_staff", False)),
            )
        )
    return ThreadData(
        source_key=need(obj, "source_key", str),
        source_file=obj.get("source_file") or item.source_file,
        content_hash=item.content_hash,
        title=need(obj, "title", str),
        body=need(obj, "body", str),
        age=details.get("age"),
        sex=details.get("sex") or "",
        treatment=details.get("treatment") or "",
        declared_answer_count=obj.get("declared_answer_count"),
        complete=bool(obj.get("complete", True)),
        disclaimer=obj.get("disclaimer"),
        answers=answers,
        areas=list(obj.get("areas") or []),
        procedures=list(obj.get("procedures") or []),
        published=bool(obj.get("published", True)),
        curated=True,
    )


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\0" in value
    if isinstance(value, dict):
        return any(map(_holds_nul, value.values()))
    if isinstance(value, list):
        return any(map(_holds_nul, value))
    return False


def _decimal(value, where) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ItemError(f"{where} has a rating that is not a number") from exc


def _source_key_without_parsing(item: Item) -> str:
    """Cheap key for the unchanged check, so unchanged files are never parsed."""
    if item.line is not None:
        match = re.search(rb'"source_key"\s*:\s*"((?:[^"\\]|\\.)*)"', item.data)
        return json.loads(b'"' + match.group(1) + b'"') if match else ""
    match = SCRAPER_FILE_NAME.match(item.source_file)
    if match:
        return match.group(1).lower()
    return ""  # title-keyed files are keyed after parsing


# --- Storing --------------------------------------------------------------------------


_FIELD_LIMITS = {"title": 500, "patient_sex": 40, "patient_treatment": 500}


def _check_lengths(thread: ThreadData) -> None:
    values = {
        "title": thread.title,
        "patient_sex": thread.sex,
        "patient_treatment": thread.treatment,
    }
    for name, limit in _FIELD_LIMITS.items():
        if len(values[name]) > limit:
            raise ItemError(f"{name.replace('_', ' ')} is longer than {limit} characters", 1)
    for answer in thread.answers:
        if len(answer.headline) > 500:
            raise ItemError(f"answer {answer.position}: headline longer than 500 characters")


def _normal_place(place: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", place.casefold()))


class DoctorDirectory:
    """Every doctor's identity, cached for the run; finds or creates doctors in bulk."""

    def __init__(self):
        self.reload()

    def reload(self) -> None:
        self.by_key: dict[str, dict] = {}
        self.key_by_id: dict[int, str] = {}
        # normalised name -> {doctor id: identity key}, to place a block with no place line.
        self.ids_by_name: dict[str, dict[int, str]] = defaultdict(dict)
        self.slugs: set[str] = set()
        for row in Doctor.objects.values(
            "id",
            "identity_key",
            "slug",
            "rating",
            "review_count",
            "credentials",
            "place",
            "specialty",
        ):
            self._remember(row)
        # Identities that staff merged into another doctor resolve to the one they kept.
        for alias, doctor_id in DoctorAlias.objects.values_list("identity_key", "doctor_id"):
            key = self.key_by_id.get(doctor_id)
            if key is not None:
                self.by_key[alias] = self.by_key[key]
                self.ids_by_name[alias.split("|", 1)[0]][doctor_id] = key

    def _remember(self, row: dict) -> None:
        key = row["identity_key"]
        self.by_key[key] = row
        self.key_by_id[row["id"]] = key
        self.ids_by_name[key.split("|", 1)[0]][row["id"]] = key
        self.slugs.add(row["slug"])

    def identity(self, doctor: DoctorData) -> str:
        name = doctor.name_key
        if doctor.place:
            return f"{name}|{doctor.place_key}"
        # No place line: the same name elsewhere is the same doctor when there is just one.
        known = self.ids_by_name.get(name, {})
        return next(iter(known.values())) if len(known) == 1 else f"{name}|"

    def _slug(self, doctor: DoctorData) -> str:
        base = slugify(f"{doctor.name} {doctor.place}")[:200] or "doctor"
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def resolve(self, doctors: list[DoctorData]) -> dict[int, int]:
        """Map id(DoctorData) -> Doctor.pk, creating and refreshing rows in bulk.

        Rows are plain dicts: a model instance per doctor block cost more than the SQL.
        """
        created: dict[str, dict] = {}
        refreshed: dict[int, dict] = {}
        keys: dict[int, str] = {}
        for doctor in doctors:
            key = self.identity(doctor)
            keys[id(doctor)] = key
            row = self.by_key.get(key)
            if row is None:
                if key not in created:
                    slug = self._slug(doctor)
                    self.slugs.add(slug)
                    created[key] = {
                        "identity_key": key,
                        "slug": slug,
                        "name": doctor.name[:200],
                        "credentials": doctor.credentials[:100],
                        "place": doctor.place[:200],
                        "specialty": doctor.specialty[:200],
                        "rating": doctor.rating,
                        "review_count": doctor.review_count,
                    }
                else:
                    self._newer(created[key], doctor)
            else:
                target = refreshed.get(row["id"]) or {k: row[k] for k in _DOCTOR_SNAPSHOT}
                if self._newer(target, doctor):
                    refreshed[row["id"]] = target
        if created:
            rows = list(created.values())
            for pk, key in insert_rows(Doctor, rows, returning=["id", "identity_key"]):
                created[key]["id"] = pk
            for row in rows:
                self._remember(row)
        if refreshed:
            update_rows(Doctor, list(refreshed.values()))
            for pk, row in refreshed.items():
                self.by_key[self.key_by_id[pk]].update(row)
        return {ident: self.by_key[key]["id"] for ident, key in keys.items()}

    @staticmethod
    def _newer(target: dict, seen: DoctorData) -> bool:
        """Fold a snapshot into `target`; review counts only grow, so larger is newer."""
        changed = False
        if seen.review_count is not None and (
            target["review_count"] is None or seen.review_count > target["review_count"]
        ):
            target["review_count"], target["rating"] = seen.review_count, seen.rating
            changed = True
        for name, limit in _DOCTOR_TEXT.items():
            if not target[name] and getattr(seen, name):
                target[name] = getattr(seen, name)[:limit]
                changed = True
        return changed


def _match_tags(thread: ThreadData, keywords: KeywordIndex) -> tuple[set, set]:
    answers = (f"{a.headline}\n{a.body}" for a in thread.answers)
    return keywords.match(thread.title, thread.body, answers)


def _payload(item: Item) -> tuple:
    return (item.data, item.source_file, item.line, item.content_hash)


def _search_texts(thread: ThreadData, tags, tag_names) -> tuple[str, str]:
    """The texts of a new thread's search vector beyond title and question: its tag names
    and its published answers, as question_refresh_derived gathers them."""
    areas, procedures = tags
    tag_text = (
        " ".join(tag_names["areas"][i] for i in sorted(areas))
        + " "
        + " ".join(tag_names["procedures"][i] for i in sorted(procedures))
    )
    answer_text = " ".join(
        f"{a.headline} {a.body}" for a in thread.answers if a.status == Answer.Status.PUBLISHED
    )
    return tag_text, answer_text


_VECTOR_SQL = (
    "SELECT "
    + search_vector_sql(title="v.title", tags="v.tags", body="v.body", answers="v.answers")
    + "::text FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[])"
    + " WITH ORDINALITY AS v(title, tags, body, answers, n) ORDER BY v.n"
)


@dataclass
class _Worker:
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
            tag_text, answer_text = _search_texts(thread, thread.auto_tags, self.tag_names)
            for column, value in zip(
                columns, (thread.title, tag_text, thread.body, answer_text), strict=True
            ):
                column.append(value)
        try:
            with self.link.cursor() as cursor:
                cursor.execute(_VECTOR_SQL, columns)
                vectors = cursor.fetchall()
        except connection.Database.Error:
            return  # the INSERT builds them instead
        for thread, (vector,) in zip(threads, vectors, strict=True):
            thread.search_vector = vector


_worker: _Worker | None = None


def _init_worker(worker: _Worker) -> None:
    global _worker
    _worker = worker
    worker.start()


def _parse_chunk(payloads: list[tuple]) -> list:
    """_parse_payload for each, in a parsing process, plus the new threads' vectors."""
    results = [_parse_payload(payload, _worker.keywords) for payload in payloads]
    _worker.add_search_vectors([r for r in results if isinstance(r, ThreadData)])
    return results


def _parse_payload(payload: tuple, keywords: KeywordIndex | None):
    """Bytes to ThreadData (with its auto tags) or an ItemError. Pure: no database."""
    data, source_file, line, content_hash = payload
    item = Item(path="", source_file=source_file, data=data, line=line)
    item.content_hash = content_hash
    try:
        thread = _thread_from_json(item) if line is not None else _thread_from_text(item)
        _check_lengths(thread)
    except ItemError as exc:
        return exc
    if thread.areas is None and keywords is not None:
        thread.auto_tags = _match_tags(thread, keywords)
    return thread


@dataclass
class _Batch:
    items: list[Item]
    results: dict[int, ItemResult] = field(default_factory=dict)
    to_parse: list[int] = field(default_factory=list)
    parsed: list | None = None
    parsing: object | None = None  # an AsyncResult while a pool parses


class ThreadImporter:
    """One import run. Use `threads_import`, which builds and drives it."""

    def __init__(self, *, dry_run: bool, run: ImportRun | None):
        self.dry_run = dry_run
        self.run = run
        self.keywords = KeywordIndex.load()
        self.doctors = DoctorDirectory() if not dry_run else None
        self.tag_ids: dict[str, dict[str, int]] = {}
        self.tag_names: dict[str, dict[int, str]] = {}
        for facet, model in (("areas", TreatmentArea), ("procedures", Procedure)):
            rows = model.objects.values_list("slug", "id", "name")
            self.tag_ids[facet] = {slug: pk for slug, pk, _ in rows}
            self.tag_names[facet] = {pk: name for _, pk, name in rows}

    def start_batch(self, items: list[Item], pool=None) -> "_Batch":
        """Hash, skip what is unchanged, and start parsing the rest (in `pool` if given).

        Parsing happens outside transactions: a bad file fails here, alone.
        """
        batch = _Batch(items)
        for item in items:
            if item.data is not None and not item.error:
                item.content_hash = hashlib.sha256(item.data).hexdigest()
                item.source_key = _source_key_without_parsing(item)
        known = self._existing({item.source_key for item in items if item.source_key})
        for index, item in enumerate(items):
            if item.error:
                batch.results[index] = ItemResult(
                    item.path, Outcome.FAILED, item.error.line, item.error.message
                )
                continue
            row = known.get(item.source_key) if item.source_key else None
            if row and row["content_hash"] == item.content_hash:
                batch.results[index] = ItemResult(
                    item.path, Outcome.UNCHANGED, None, "", row["id"], item.content_hash
                )
            else:
                batch.to_parse.append(index)
        payloads = [_payload(items[i]) for i in batch.to_parse]
        if pool is not None and payloads:
            chunks = [payloads[i : i + PARSE_CHUNK] for i in range(0, len(payloads), PARSE_CHUNK)]
            batch.parsing = pool.map_async(_parse_chunk, chunks, chunksize=1)
        else:
            batch.parsed = [_parse_payload(payload, self.keywords) for payload in payloads]
        return batch

    def finish_batch(self, batch: "_Batch") -> list[ItemResult]:
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
                results[index] = ItemResult(
                    item.path,
                    Outcome.FAILED,
                    outcome.line,
                    outcome.message,
                    None,
                    item.content_hash,
                )
            else:
                item.thread, item.source_key = outcome, outcome.source_key
                pending.append((index, item))
        # Asked again now: earlier batches may have stored some of these pages meanwhile,
        # and title-keyed files only learn their key once parsed.
        known = self._existing({item.source_key for _, item in pending})
        still_pending = []
        for index, item in pending:
            row = known.get(item.source_key)
            if row and row["content_hash"] == item.content_hash:
                results[index] = ItemResult(
                    item.path, Outcome.UNCHANGED, None, "", row["id"], item.content_hash
                )
            else:
                still_pending.append((index, item))
        if self.dry_run:
            for index, item in still_pending:
                row = known.get(item.source_key)
                results[index] = self._result(
                    item, Outcome.UPDATED if row else Outcome.CREATED, None
                )
        elif still_pending:
            results.update(self._store_safely(still_pending, known))
        ordered = [results[i] for i in range(len(items))]
        if self.run:
            self._record(ordered)
        return ordered

    def _existing(self, keys: set[str]) -> dict[str, dict]:
        if not keys:
            return {}
        rows = Question.objects.filter(source_key__in=keys).values(
            "id", "source_key", "content_hash", "edited_by_staff"
        )
        return {row["source_key"]: row for row in rows}

    def _store_safely(self, pending, known) -> dict[int, ItemResult]:
        try:
            with transaction.atomic():
                return self._store(pending, known)
        except DatabaseError:
            # The database refused something in this batch; find the file at fault by
            # storing one file at a time, each in its own transaction.
            self.doctors.reload()
        results = {}
        for index, item in pending:
            try:
                with transaction.atomic():
                    known.update(self._existing({item.source_key}))
                    results.update(self._store([(index, item)], known))
            except DatabaseError as exc:
                self.doctors.reload()
                message = str(exc).strip().splitlines()[0]
                results[index] = ItemResult(
                    item.path,
                    Outcome.FAILED,
                    None,
                    f"database refused it: {message}",
                    None,
                    item.content_hash,
                )
        return results

    def _store(self, pending, known) -> dict[int, ItemResult]:
        now = timezone.now()
        # A page scraped twice in one batch: the later file wins, as it would in two runs.
        latest: dict[str, tuple[int, Item]] = {}
        superseded: list[tuple[int, Item]] = []
        for index, item in pending:
            if item.source_key in latest:
                superseded.append(latest[item.source_key])
            latest[item.source_key] = (index, item)
        threads = [item.thread for _, item in latest.values()]

        doctor_blocks = [a.doctor for t in threads for a in t.answers if a.doctor and a.doctor.name]
        doctor_ids = self.doctors.resolve(doctor_blocks)

        stored = Question.objects.in_bulk(
            [known[i.source_key]["id"] for _, i in latest.values() if i.source_key in known]
        )
        tags = {thread.source_key: self._tag_ids(thread) for thread in threads}
        new_rows, updated = [], []
        for thread in threads:
            row = known.get(thread.source_key)
            if row is None:
                new_rows.append(
                    {
                        "source_key": thread.source_key,
                        "first_imported_at": now,
                        "edited_by_staff": False,
                        "is_published": True,  # unless an export says (in _values)
                        **self._values(thread, now, text=True),
                        **self._derived(thread, doctor_ids, tags[thread.source_key]),
                    }
                )
            else:
                # Staff fixes to the thread's text stay; provenance still moves on.
                question = stored[row["id"]]
                values = self._values(thread, now, text=not question.edited_by_staff)
                for name, value in values.items():
                    setattr(question, name, value)
                updated.append(question)
        # A new thread is written once: its answer facts come from the parsed file and its
        # search vector is built by the INSERT, not by a second pass over the rows.
        by_key = {
            key: pk
            for pk, key in insert_rows(
                Question,
                new_rows,
                returning=["id", "source_key"],
                computed={
                    "search_vector": _NEW_QUESTION_VECTOR,
                    "doctor_specialties": "string_to_array(v.specialty_lines, E'\\n')",
                },
            )
        }
        new_keys = set(by_key)
        if updated:
            Question.objects.bulk_update(updated, _QUESTION_UPDATE_FIELDS)
            by_key.update((q.source_key, q.id) for q in updated)

        updated_ids = [q.id for q in updated]
        kept = self._store_answers(threads, by_key, doctor_ids, set(updated_ids))
        self._store_tags(threads, by_key, tags)
        # Updated threads may keep staff tags and answers: derive theirs from the rows.
        threads_changed(question_ids=updated_ids)
        # New threads were written with their derived facts: only tell the site.
        threads_changed(question_ids=[by_key[key] for key in new_keys], refresh=False)

        results = {}
        for index, item in latest.values():
            outcome = Outcome.CREATED if item.source_key in new_keys else Outcome.UPDATED
            results[index] = self._result(item, outcome, by_key[item.source_key], kept)
        for index, item in superseded:
            results[index] = self._result(item, Outcome.UPDATED, by_key[item.source_key])
            results[index].message = "superseded by a later file for the same page in this run"
        # Later batches must see what this one stored.
        staff_edited = {q.source_key for q in updated if q.edited_by_staff}
        for thread in threads:
            known[thread.source_key] = {
                "id": by_key[thread.source_key],
                "source_key": thread.source_key,
                "content_hash": thread.content_hash,
                "edited_by_staff": thread.source_key in staff_edited,
            }
        return results

    @staticmethod
    def _values(thread: ThreadData, now, *, text: bool) -> dict:
        """Question field values from a file; the text ones only when `text` is true."""
        values = {
            "declared_answer_count": thread.declared_answer_count,
            "is_complete": thread.complete,
            "source_file": thread.source_file,
            "content_hash": thread.content_hash,
            "last_imported_at": now,
        }
        if text:
            values.update(
                title=thread.title,
                slug=slugify(thread.title)[:120].strip("-") or "question",
                body=thread.body,
                patient_age=thread.age,
                patient_sex=thread.sex,
                patient_treatment=thread.treatment,
                disclaimer=thread.disclaimer,
            )
        if thread.published is not None:
            values["is_published"] = thread.published
        return values

    def _store_answers(self, threads, by_key, doctor_ids, updated_ids) -> dict[int, int]:
        """Create and update answers; return {question id: answers kept for staff}."""
        existing: dict[tuple[int, int], Answer] = {}
        if updated_ids:
            for answer in Answer.objects.filter(question_id__in=updated_ids):
                existing[(answer.question_id, answer.position)] = answer
        create, update, kept = [], [], Counter()
        for thread in threads:
            qid = by_key[thread.source_key]
            for data in thread.answers:
                fields = _answer_fields(data, doctor_ids, curated=thread.curated)
                current = existing.get((qid, data.position))
                if current is None:
                    create.append(
                        {**_NEW_ANSWER, **fields, "question_id": qid, "position": data.position}
                    )
                elif current.edited_by_staff or current.status == Answer.Status.HIDDEN:
                    kept[qid] += 1  # staff work: leave it exactly as it is
                else:
                    current._changed = [k for k, v in fields.items() if getattr(current, k) != v]
                    if current._changed:
                        for name in current._changed:
                            setattr(current, name, fields[name])
                        update.append(current)
        copy_rows(Answer, create)
        if update:
            names = sorted({name for answer in update for name in answer._changed})
            Answer.objects.bulk_update(update, [*names, "updated_at"])
        return kept

    def _tag_ids(self, thread: ThreadData) -> tuple[set[int], set[int]]:
        """(area ids, procedure ids): matched from the keywords, or as our export lists."""
        if thread.areas is None:
            return thread.auto_tags or _match_tags(thread, self.keywords)
        return tuple(
            {self.tag_ids[facet].get(slug) or self._create_tag(facet, slug) for slug in slugs}
            for facet, slugs in (("areas", thread.areas), ("procedures", thread.procedures))
        )

    def _derived(self, thread: ThreadData, doctor_ids, tags) -> dict:
        """What question_refresh_derived would store for a new thread, from its parsed
        answers: facts as values, and the search vector's texts as inputs of the INSERT."""
        published = [a for a in thread.answers if a.status == Answer.Status.PUBLISHED]
        specialties, named = set(), False
        for answer in published:
            doctor = answer.doctor
            if doctor is None:
                continue
            if doctor.name:
                named = True
                key = self.doctors.key_by_id[doctor_ids[id(doctor)]]
                specialty = self.doctors.by_key[key]["specialty"]
            else:
                specialty = doctor.specialty
            if specialty:
                specialties.add(specialty[:200])
        values = {
            "answer_count": len(published),
            "has_named_doctor": named,
            # unnest() would flatten an array column: it travels as lines of text.
            "specialty_lines": "\n".join(sorted(specialties)),
            "vector_text": thread.search_vector,
            "tag_text": "",
            "answer_text": "",
        }
        if thread.search_vector is None:
            values["tag_text"], values["answer_text"] = _search_texts(thread, tags, self.tag_names)
        return values

    def _store_tags(self, threads, by_key, tags) -> None:
        auto, explicit = {}, {}
        for thread in threads:
            qid = by_key[thread.source_key]
            if thread.areas is None:
                auto[qid] = tags[thread.source_key]
            else:
                explicit[qid] = tags[thread.source_key]
        if auto:
            questions_apply_auto_tags(wanted=auto)
        if explicit:
            # Our own exports say exactly which tags a thread has: restore those.
            TaggedArea.objects.filter(content_object_id__in=explicit).delete()
            TaggedProcedure.objects.filter(content_object_id__in=explicit).delete()
            for facet, model in enumerate((TaggedArea, TaggedProcedure)):
                rows = [
                    {"content_object_id": qid, "tag_id": tag_id, "auto": False}
                    for qid, facets in explicit.items()
                    for tag_id in facets[facet]
                ]
                insert_rows(model, rows, ignore_conflicts=True)

    def _create_tag(self, facet: str, slug: str) -> int:
        model = TreatmentArea if facet == "areas" else Procedure
        tag, _ = model.objects.get_or_create(
            slug=slug, defaults={"name": slug.replace("-", " ").capitalize()}
        )
        self.tag_ids[facet][slug] = tag.id
        self.tag_names[facet][tag.id] = tag.name
        return tag.id

    @staticmethod
    def _result(item: Item, outcome: str, question_id, kept: Counter | None = None) -> ItemResult:
        thread = item.thread
        warnings = list(thread.warnings)
        if kept and kept.get(question_id):
            warnings.append(f"kept {kept[question_id]} answer(s) as staff left them")
        if not thread.complete and not any("incomplete" in w or "trunc" in w for w in warnings):
            warnings.append("the file looks cut off: thread marked incomplete")
        return ItemResult(
            item.path,
            outcome,
            None,
            "; ".join(warnings),
            question_id,
            item.content_hash,
            warnings,
            incomplete=not thread.complete,
        )

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


# Text a later snapshot may fill in, with its column's length.
_DOCTOR_TEXT = {
    name: Doctor._meta.get_field(name).max_length for name in ("credentials", "place", "specialty")
}
# What a refresh may change, with the id it is written back by.
_DOCTOR_SNAPSHOT = ["id", "rating", "review_count", *_DOCTOR_TEXT]
# The vector a parsing process built, else the same expression evaluated here.
_NEW_QUESTION_VECTOR = (
    "CASE WHEN v.vector_text IS NULL THEN "
    + search_vector_sql(title="v.title", tags="v.tag_text", body="v.body", answers="v.answer_text")
    + " ELSE v.vector_text::tsvector END"
)
# Defaults of the answer columns that scraped files never set.
_NEW_ANSWER = {
    "status": Answer.Status.PUBLISHED,
    "is_featured": False,
    "sort_order": 0,
    "edited_by_staff": False,
}

_QUESTION_UPDATE_FIELDS = [
    "title",
    "slug",
    "body",
    "patient_age",
    "patient_sex",
    "patient_treatment",
    "disclaimer",
    "declared_answer_count",
    "is_complete",
    "source_file",
    "content_hash",
    "last_imported_at",
    "is_published",
    "updated_at",
]


def _answer_fields(data: AnswerData, doctor_ids: dict[int, int], *, curated: bool) -> dict:
    """Model field values for an answer. Curation fields only come from our own exports."""
    doctor = data.doctor
    named = doctor is not None and bool(doctor.name)
    byline = doctor if doctor is not None and not named else None
    fields = {
        "headline": data.headline,
        "body": data.body,
        "doctor_id": doctor_ids[id(doctor)] if named else None,
        "byline_place": byline.place if byline else "",
        "byline_specialty": byline.specialty if byline else "",
        "byline_rating": byline.rating if byline else None,
        "byline_review_count": byline.review_count if byline else None,
    }
    if curated:
        fields.update(
            status=data.status,
            is_featured=data.is_featured,
            sort_order=data.sort_order,
            edited_by_staff=data.edited_by_staff,
        )
    return fields


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


def threads_import(
    *,
    paths: list[str],
    dry_run: bool = False,
    arguments: list[str] | None = None,
    on_result: Callable[[ItemResult], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
) -> ImportSummary:
    """Import every thread under `paths`; see the module docstring for the guarantees."""
    files = PathStream(paths)
    total = files.count()
    if on_start:
        on_start(total)
    started = time.monotonic()
    with _exclusive_session_async_commit(dry_run, on_wait):
        run = None
        if not dry_run:
            run = ImportRun.objects.create(arguments=arguments or list(paths))
        importer = ThreadImporter(dry_run=dry_run, run=run)
        statistics = _PlannerStatistics(active=not dry_run)
        summary = ImportSummary(run_id=run.pk if run else None)
        if workers is None:
            # Forking costs more than it saves on an import of one batch.
            workers = min(2, os.cpu_count() or 1) if total > batch_size else 0
        # The pool forks before the reader thread starts: never fork a process mid-thread.
        worker = _Worker(
            keywords=importer.keywords,
            tag_names=importer.tag_names,
            database=None if dry_run else connection.get_connection_params(),
        )
        with _parsing_pool(workers, worker) as pool:
            reading = _read_ahead(iter_items(files), depth=2 * batch_size)
            # While this process writes batch N, the pool parses the next ones. Two in
            # flight: parsing a batch takes less time than writing one, and the parsing
            # processes would otherwise wait, leaving a core idle.
            in_flight: deque[_Batch] = deque()
            for items in _batches(reading, batch_size):
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
    return summary


@contextlib.contextmanager
def _parsing_pool(workers: int, worker: _Worker):
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


class _PlannerStatistics:
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


class _exclusive_session_async_commit:
    """For a writing import's session: take the advisory lock that lets one import write
    at a time across processes, and turn synchronous_commit off (see __enter__); both are
    undone on exit. Named for both, since the second changes what a crash can lose.
    """

    def __init__(self, dry_run: bool, on_wait: Callable[[], None] | None):
        self.active, self.on_wait = not dry_run, on_wait

    def __enter__(self):
        if self.active:
            with connection.cursor() as cursor:
                # Commits need not wait for the disk: a crash can lose only the last
                # batches, never corrupt anything, and re-running the import (which is
                # idempotent) restores them. Each batch's commit was the main cost of
                # re-importing unchanged files.
                cursor.execute("SET synchronous_commit TO OFF")
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK_KEY])
                if not cursor.fetchone()[0]:
                    if self.on_wait:
                        self.on_wait()
                    cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK_KEY])
        return self

    def __exit__(self, *exc):
        if self.active:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
                cursor.execute("RESET synchronous_commit")
        return False
