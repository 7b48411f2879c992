"""The store: writes a batch of parsed threads, set-based, in one transaction.

A batch costs a fixed number of queries whatever its size: doctors resolved in bulk
(answers.identity), new questions by one INSERT that also builds their search vectors,
answers by COPY, tags in bulk. A changed page updates its thread in place: new answers are
added, changed ones updated, and answers that staff edited or hid are left exactly as
staff left them; staff fixes to the thread's own text stay too. Every written thread is
announced through `threads_changed`, the site's one "threads changed" point.
"""

from collections import Counter, defaultdict

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from answers.identity import DoctorDirectory
from answers.models import Answer
from kbsite.db import copy_rows, insert_rows
from questions.models import Procedure, Question, TaggedArea, TaggedProcedure, TreatmentArea
from questions.services import threads_changed
from questions.tagging import KeywordIndex, questions_apply_auto_tags

from .results import Changes, ItemResult, Outcome, failed, stored, unchanged
from .sources import Item
from .threads import AnswerData, ThreadData, capture_time, match_tags
from .vectors import NEW_QUESTION_VECTOR, search_texts

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
    "captured_at",
    "last_imported_at",
    "is_published",
    "updated_at",
]


# What a batch can lose to another import running at the same time, and win on a retry:
# the same thread stored first (the unique source key), or rows this batch needed locked
# in an order PostgreSQL had to break (a deadlock; row locks are taken in one order,
# doctors then questions, each by key or id, so this is rare).
_RACE_CONSTRAINTS = {"question_unique_source_key", "doctor_unique_identity"}
_RACE_CODES = {"40P01", "40001"}  # deadlock_detected, serialization_failure
RACE_RETRIES = 5


def _lost_race(exc: DatabaseError) -> bool:
    cause = exc.__cause__
    code = getattr(cause, "pgcode", None)
    if code in _RACE_CODES:
        return True
    diag = getattr(cause, "diag", None)
    return code == "23505" and getattr(diag, "constraint_name", None) in _RACE_CONSTRAINTS


def existing_rows(keys: set[str]) -> dict[str, dict]:
    """The stored questions with these source keys, by key: what an import compares."""
    if not keys:
        return {}
    rows = Question.objects.filter(source_key__in=keys).values(
        "id", "source_key", "content_hash", "edited_by_staff"
    )
    return {row["source_key"]: row for row in rows}


def _latest_per_page(pending):
    """A page scraped twice in one batch: the later file wins, as it would in two runs.

    Returns ({source key: (index, item)}, [(index, item) superseded]).
    """
    latest: dict[str, tuple[int, Item]] = {}
    superseded: list[tuple[int, Item]] = []
    for index, item in pending:
        if item.source_key in latest:
            superseded.append(latest[item.source_key])
        latest[item.source_key] = (index, item)
    return latest, superseded


def _doctor_blocks(threads) -> list:
    return [a.doctor for t in threads for a in t.answers if a.doctor and a.doctor.name]


def settle_unchanged(pending, known, results):
    """Record the items whose stored thread already has their content as unchanged;
    return the others."""
    left = []
    for index, item in pending:
        row = known.get(item.source_key)
        if row and row["content_hash"] == item.content_hash:
            results[index] = unchanged(item, row["id"])
        else:
            left.append((index, item))
    return left


class ThreadStore:
    """Writes parsed threads for one import run; caches doctors and tags for the run."""

    def __init__(self, *, keywords: KeywordIndex, doctors: DoctorDirectory | None):
        self.keywords = keywords
        self.doctors = doctors  # None on a dry run, which writes nothing
        self.tag_ids: dict[str, dict[str, int]] = {}
        self.tag_names: dict[str, dict[int, str]] = {}
        for facet, model in (("areas", TreatmentArea), ("procedures", Procedure)):
            rows = model.objects.values_list("slug", "id", "name")
            self.tag_ids[facet] = {slug: pk for slug, pk, _ in rows}
            self.tag_names[facet] = {pk: name for _, pk, name in rows}

    def store_safely(self, pending, known) -> dict[int, ItemResult]:
        """Write `pending` [(index, item)] in one transaction; results by index.

        `known` maps source keys to existing_rows() rows, and learns what is written.
        """
        results: dict[int, ItemResult] = {}
        now = timezone.now()
        self._date(pending, now)  # first: the doctors' facts are dated by their pages
        doctor_ids = self._resolve_doctors(pending)
        for _attempt in range(RACE_RETRIES):
            try:
                with transaction.atomic():
                    results.update(self._store(pending, known, doctor_ids, now))
                return results
            except DatabaseError as exc:
                self.doctors.reload()
                if not _lost_race(exc):
                    break
            # Another import stored some of these threads first: look again. What it
            # stored from the same file is unchanged now, the rest is written on retry.
            known.update(existing_rows({item.source_key for _, item in pending}))
            pending = settle_unchanged(pending, known, results)
            if not pending:
                return results
        # The database refused something in this batch; find the file at fault by
        # storing one file at a time, each in its own transaction.
        for index, item in pending:
            try:
                with transaction.atomic():
                    known.update(existing_rows({item.source_key}))
                    results.update(self._store([(index, item)], known, None, now))
            except DatabaseError as exc:
                self.doctors.reload()
                message = str(exc).strip().splitlines()[0]
                results[index] = failed(item, None, f"database refused it: {message}")
        return results

    def _resolve_doctors(self, pending) -> dict[int, int] | None:
        """Find or create the batch's doctors, in a transaction of their own.

        Committed before the batch's threads: doctors are shared by thousands of threads,
        and created or refreshed inside the batch's transaction they stayed locked while
        it wrote, so concurrent imports took turns. A batch that then fails leaves its
        new doctors without answers: in no public list, and reused by the next import.
        None when the database refused them: the batch then resolves its own, inside.
        """
        latest, _ = _latest_per_page(pending)
        blocks = _doctor_blocks(item.thread for _, item in latest.values())
        for _attempt in range(RACE_RETRIES):
            try:
                with transaction.atomic():
                    return self.doctors.resolve(blocks)
            except DatabaseError as exc:
                self.doctors.reload()
                if not _lost_race(exc):
                    break
        return None

    def _store(self, pending, known, doctor_ids, now) -> dict[int, ItemResult]:
        latest, superseded = _latest_per_page(pending)
        threads = [item.thread for _, item in latest.values()]
        if doctor_ids is None:
            doctor_ids = self.doctors.resolve(_doctor_blocks(threads))
        tags = {thread.source_key: self._tag_ids(thread) for thread in threads}
        changes: defaultdict[int, Changes] = defaultdict(Changes)  # of updated threads
        new_rows, updated = self._question_rows(
            threads, known, doctor_ids, tags, changes=changes, now=now
        )
        # A new thread is written once: its answer facts come from the parsed file and its
        # search vector is built by the INSERT, not by a second pass over the rows.
        by_key = {
            key: pk
            for pk, key in insert_rows(
                Question,
                new_rows,
                returning=["id", "source_key"],
                computed={
                    "search_vector": NEW_QUESTION_VECTOR,
                    "doctor_specialties": "string_to_array(v.specialty_lines, E'\\n')",
                },
            )
        }
        new_keys = set(by_key)
        if updated:
            Question.objects.bulk_update(updated, _QUESTION_UPDATE_FIELDS)
            by_key.update((q.source_key, q.id) for q in updated)

        updated_ids = [q.id for q in updated]
        kept = self._store_answers(threads, by_key, doctor_ids, set(updated_ids), changes)
        self._store_tags(threads, by_key, tags)
        # Updated threads may keep staff tags and answers: derive theirs from the rows.
        threads_changed(question_ids=updated_ids)
        # New threads were written with their derived facts: only tell the site.
        threads_changed(question_ids=[by_key[key] for key in new_keys], refresh=False)

        results = {}
        for index, item in latest.values():
            outcome = Outcome.CREATED if item.source_key in new_keys else Outcome.UPDATED
            qid = by_key[item.source_key]
            results[index] = stored(item, outcome, qid, kept, changes.get(qid))
        for index, item in superseded:
            results[index] = stored(item, Outcome.UPDATED, by_key[item.source_key])
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
    def _date(pending, now) -> None:
        """Give each thread its capture time, and each doctor block the time its facts
        were seen (our exports give a named doctor's own, which may be later)."""
        for _, item in pending:
            thread = item.thread
            thread.captured_at = capture_time(thread, item.modified, now)
            for answer in thread.answers:
                answer.captured_at = answer.captured_at or thread.captured_at
                if answer.doctor is not None and not thread.curated:
                    answer.doctor.captured_at = answer.captured_at

    def _question_rows(self, threads, known, doctor_ids, tags, *, changes, now) -> tuple:
        """Rows to insert for new threads, and stored questions updated from their files."""
        # Locked, in id order: another import updating some of the same threads waits
        # here for this batch, and two never wait for each other.
        ids = [known[t.source_key]["id"] for t in threads if t.source_key in known]
        stored_questions = {
            q.id: q for q in Question.objects.filter(id__in=ids).order_by("id").select_for_update()
        }
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
                question = stored_questions[row["id"]]
                values = self._values(thread, now, text=not question.edited_by_staff)
                changes[question.pk].fields.update(
                    name for name, value in values.items() if getattr(question, name) != value
                )
                for name, value in values.items():
                    setattr(question, name, value)
                updated.append(question)
        return new_rows, updated

    @staticmethod
    def _values(thread: ThreadData, now, *, text: bool) -> dict:
        """Question field values from a file; the text ones only when `text` is true."""
        values = {
            "declared_answer_count": thread.declared_answer_count,
            "is_complete": thread.complete,
            "source_file": thread.source_file,
            "content_hash": thread.content_hash,
            "captured_at": thread.captured_at,
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

    def _store_answers(self, threads, by_key, doctor_ids, updated_ids, changes) -> Counter:
        """Create and update answers; return {question id: answers kept for staff}."""
        existing: dict[tuple[int, int], Answer] = {}
        if updated_ids:
            for answer in Answer.objects.filter(question_id__in=updated_ids):
                existing[(answer.question_id, answer.position)] = answer
        create, update, kept = [], [], Counter()
        for thread in threads:
            qid = by_key[thread.source_key]
            for data in thread.answers:
                fields = answer_fields(data, doctor_ids, curated=thread.curated)
                current = existing.get((qid, data.position))
                if current is None:
                    if qid in updated_ids:
                        changes[qid].added += 1
                    create.append(
                        {**_NEW_ANSWER, **fields, "question_id": qid, "position": data.position}
                    )
                elif current.edited_by_staff or current.status == Answer.Status.HIDDEN:
                    kept[qid] += 1  # staff work: leave it exactly as it is
                else:
                    current._changed = [k for k, v in fields.items() if getattr(current, k) != v]
                    if current._changed:
                        # A page captured again dates every answer anew: not a change to say.
                        if set(current._changed) - {"captured_at"}:
                            changes[qid].updated += 1
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
            return thread.auto_tags or match_tags(thread, self.keywords)
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
            values["tag_text"], values["answer_text"] = search_texts(thread, tags, self.tag_names)
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


def answer_fields(data: AnswerData, doctor_ids: dict[int, int], *, curated: bool) -> dict:
    """Model field values for an answer. Curation fields only come from our own exports.

    The byline fields keep what the answer's page showed, named doctor or not.
    """
    doctor = data.doctor
    named = doctor is not None and bool(doctor.name)
    shown = data.shown
    if shown is None and doctor is not None:
        shown = {name: getattr(doctor, name) for name in _SHOWN}
    fields = {
        "headline": data.headline,
        "body": data.body,
        "doctor_id": doctor_ids[id(doctor)] if named else None,
        # Cut as the doctor's own row cuts them: the columns hold 200 characters.
        "byline_place": shown["place"][:200] if shown else "",
        "byline_specialty": shown["specialty"][:200] if shown else "",
        "byline_rating": shown["rating"] if shown else None,
        "byline_review_count": shown["review_count"] if shown else None,
        "captured_at": data.captured_at,
    }
    if curated:
        fields.update(
            status=data.status,
            is_featured=data.is_featured,
            sort_order=data.sort_order,
            edited_by_staff=data.edited_by_staff,
        )
    return fields


_SHOWN = ("place", "specialty", "rating", "review_count")
