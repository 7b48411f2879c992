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
answer facts and search vector; every written thread is announced by threads_changed.
"""

import contextlib
import hashlib
import multiprocessing
import multiprocessing.util
import os
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

from answers.identity import DoctorDirectory
from answers.models import Answer, Doctor
from kbsite.db import copy_rows, insert_rows
from questions.models import (
    ImportRecord,
    ImportRun,
    Procedure,
    Question,
    TaggedArea,
    TaggedProcedure,
    TreatmentArea,
)
from questions.services import search_vector_sql, threads_changed
from questions.tagging import KeywordIndex, questions_apply_auto_tags

from .formats import (  # noqa: F401  (re-exported, as for .sources)
    SCRAPER_FILE_NAME,
    AnswerData,
    DoctorData,
    ThreadData,
    _check_lengths,
    _source_key_without_parsing,
    _thread_from_json,
    _thread_from_text,
    title_source_key,
)
from .pipeline import _batches, _read_ahead
from .sources import (  # noqa: F401  (re-exported: the command and tests import them here)
    MAX_FILE_BYTES,
    ImportPathError,
    Item,
    ItemError,
    PathStream,
    check_paths,
    iter_items,
)

BATCH_SIZE = 500
# Batches being parsed while one is written (see threads_import).
PARSE_AHEAD = 2
# Files a parsing process takes at a time; their search vectors take one query.
PARSE_CHUNK = 25
# Threads written between two refreshes of the planner's statistics (_PlannerStatistics),
# and at least this many for one at the end of a run.
ANALYZE_EVERY = 25_000
ANALYZE_AT_END = 2_000
# Any constant works; it only has to be the same for every import process.
IMPORT_LOCK_KEY = 7_346_217_001
Outcome = ImportRecord.Outcome


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
    with locked_fast_commit(dry_run, on_wait):
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
