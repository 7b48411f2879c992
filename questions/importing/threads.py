"""The one description of a thread that travels through an import, whatever its format.

Both formats (scraped text in `scraped`, our JSON Lines export in `jsonl`) produce a
ThreadData; the parsing processes add its tags and search vector; the store writes it.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils.text import slugify

from answers.identity import name_key, place_key
from answers.models import Answer
from questions.tagging import KeywordIndex

from .sources import ItemError


@dataclass
class DoctorData:
    name: str | None
    credentials: str = ""
    place: str = ""
    specialty: str = ""
    rating: Decimal | None = None
    review_count: int | None = None
    # When the page showing these facts was captured: a doctor's row keeps the newest.
    captured_at: datetime | None = None
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
    # What the byline showed on the answer's page, when it differs from `doctor` (our
    # exports give a named doctor's newest facts there): place, specialty, rating and
    # review_count. None: the doctor block is what the page showed.
    shown: dict | None = None
    captured_at: datetime | None = None


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
    # When the page was captured; None: the file's modification time, else the import's.
    captured_at: datetime | None = None
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


# No page was captured before this; a file whose times were lost says 1970.
EARLIEST_CAPTURE = datetime(2000, 1, 1, tzinfo=UTC)


def plausible_capture(moment: datetime) -> bool:
    """Whether a page can have been captured then: not before EARLIEST_CAPTURE, and not
    in the future (a clock set wrong)."""
    return EARLIEST_CAPTURE <= moment <= datetime.now(UTC) + timedelta(days=1)


def capture_time(thread: ThreadData, modified: float | None, now: datetime) -> datetime:
    """When the thread's page was captured: what an export says, else the file's
    modification time when plausible, else the import's own time."""
    if thread.captured_at is not None:
        return thread.captured_at
    if modified is not None:
        moment = datetime.fromtimestamp(modified, UTC)
        if plausible_capture(moment):
            return moment
    return now


def match_tags(thread: ThreadData, keywords: KeywordIndex) -> tuple[set, set]:
    """(area ids, procedure ids) whose keywords the thread's text holds."""
    answers = (f"{a.headline}\n{a.body}" for a in thread.answers)
    return keywords.match(thread.title, thread.body, answers)


def title_source_key(title: str) -> str:
    """The source key of a file whose name carries no page id: its normalised title."""
    title = re.sub(r"\s*\((photos?|pictures?|pics?)\)\s*$", "", title, flags=re.IGNORECASE)
    return slugify(title)[:200] or "untitled"


# --- Checks the database columns need ------------------------------------------------


_FIELD_LIMITS = {"title": 500, "patient_sex": 40, "patient_treatment": 500}


def check_lengths(thread: ThreadData) -> None:
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
