"""The two input formats, each turned into the same ThreadData.

- Scraped text files, parsed by `questions.parsing` (the format is docs/FORMAT.md). The
  source key is the hex page id in the scraper's file name, else the normalised title.
- Our own JSON Lines export, one thread per line, which also carries curation state
  (answer status, featuring, order, staff edits, and exact tags).

Errors are ItemError with the line they concern, so a bad file fails alone.
"""

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.text import slugify

from answers.identity import name_key, place_key
from answers.models import Answer
from questions.parsing import ParseError, decode_thread_bytes, parse_thread

from .sources import Item, ItemError

SCRAPER_FILE_NAME = re.compile(r"^\d+_([0-9a-fA-F]{16})\.txt$")


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
            self.name_key = name_key(self.name)
        self.place_key = place_key(self.place)


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


# --- Checks the database columns need ------------------------------------------------


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
