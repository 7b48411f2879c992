"""Our own JSON Lines export, one thread per line, read back: a backup restored, or
threads moved between sites. Unlike scraped files it carries curation state (answer
status, featuring, order, staff edits) and the thread's exact tags.

Every line is checked against THREAD (`schema`) before anything is made of it: a line
that does not fit fails alone with `field: what is wrong`.
"""

import json
import re
from decimal import Decimal

from answers.models import Answer

from .inert import neutralise
from .schema import (
    INTEGER,
    MAX_DEPTH,
    SMALLINT,
    Boolean,
    Choice,
    Integer,
    Invalid,
    ListOf,
    Moment,
    Number,
    Object,
    Slug,
    Text,
    deeper_than,
)
from .sources import Item, ItemError
from .threads import AnswerData, DoctorData, ThreadData

_SOURCE_KEY_RE = re.compile(rb'"source_key"\s*:\s*"((?:[^"\\]|\\.)*)"')
SOURCE_KEY_MAX = 255
# More than any real page has; the bound keeps a hostile line's work bounded too.
MAX_ANSWERS = 1000
MAX_TAGS = 100

# The column limits of answers.models and questions.models, as the export writes them.
DOCTOR = Object(
    {
        "name": Text(max_length=200, null=True, default=None),
        "credentials": Text(max_length=100, null=True),
        "place": Text(max_length=200, null=True),
        "specialty": Text(max_length=200, null=True),
        # Stars, as the source pages give them; the column holds one decimal.
        "rating": Number(low=0, high=5, null=True),
        "review_count": Integer(low=0, high=INTEGER, null=True),
        # When the page showing a named doctor's rating and reviews was captured.
        "facts_captured_at": Moment(null=True, default=None),
    },
    null=True,
)
# What a named doctor's byline showed on this answer's page (the doctor block above holds
# the doctor's newest facts). Absent in exports made before snapshots were kept.
SHOWN = Object(
    {
        "place": Text(max_length=200, null=True),
        "specialty": Text(max_length=200, null=True),
        "rating": Number(low=0, high=5, null=True),
        "review_count": Integer(low=0, high=INTEGER, null=True),
    },
    null=True,
    default=None,
)
ANSWER = Object(
    {
        "position": Integer(low=1, high=SMALLINT, required=True),
        "headline": Text(max_length=500, null=True),
        "body": Text(required=True),
        "status": Choice(Answer.Status.values, default=Answer.Status.PUBLISHED),
        "featured": Boolean(default=False),
        "sort_order": Integer(low=-SMALLINT - 1, high=SMALLINT, default=0),
        "edited_by_staff": Boolean(default=False),
        "doctor": DOCTOR,
        "shown": SHOWN,
        "captured_at": Moment(null=True, default=None),
    }
)
THREAD = Object(
    {
        "source_key": Text(max_length=SOURCE_KEY_MAX, blank=False, required=True),
        "source_file": Text(max_length=500, null=True),
        "captured_at": Moment(null=True, default=None),
        "title": Text(max_length=500, blank=False, required=True),
        "body": Text(required=True),
        "details": Object(
            {
                "age": Integer(low=0, high=150, null=True),
                "sex": Text(max_length=40, null=True),
                "treatment": Text(max_length=500, null=True),
            },
            null=True,
            default={"age": None, "sex": "", "treatment": ""},
        ),
        "declared_answer_count": Integer(low=0, high=INTEGER, null=True),
        "complete": Boolean(default=True),
        "disclaimer": Text(null=True, default=None),
        "published": Boolean(default=True),
        "areas": ListOf(Slug(), max_items=MAX_TAGS, null=True, default=[]),
        "procedures": ListOf(Slug(), max_items=MAX_TAGS, null=True, default=[]),
        "answers": ListOf(ANSWER, max_items=MAX_ANSWERS, required=True),
    }
)


def thread_from_json(item: Item) -> ThreadData:
    obj = _checked(_decoded(item.data))
    answers = [
        AnswerData(
            position=raw["position"],
            headline=raw["headline"],
            body=raw["body"],
            doctor=_doctor(raw["doctor"]),
            shown=_shown(raw["shown"]),
            captured_at=raw["captured_at"],
            status=raw["status"],
            is_featured=raw["featured"],
            sort_order=raw["sort_order"],
            edited_by_staff=raw["edited_by_staff"],
        )
        for raw in obj["answers"]
    ]
    details = obj["details"]
    return ThreadData(
        source_key=obj["source_key"],
        source_file=obj["source_file"] or item.source_file,
        content_hash=item.content_hash,
        title=obj["title"],
        body=obj["body"],
        age=details["age"],
        sex=details["sex"],
        treatment=details["treatment"],
        declared_answer_count=obj["declared_answer_count"],
        complete=obj["complete"],
        disclaimer=obj["disclaimer"],
        answers=answers,
        areas=list(dict.fromkeys(obj["areas"])),
        procedures=list(dict.fromkeys(obj["procedures"])),
        published=obj["published"],
        curated=True,
        captured_at=obj["captured_at"],
    )


def _decoded(data: bytes):
    if deeper_than(data, MAX_DEPTH):
        raise ItemError(f"not a JSON object: nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ItemError(f"not a JSON object: {exc}") from exc


def _checked(obj) -> dict:
    if not isinstance(obj, dict):
        raise ItemError("not a JSON object")
    try:
        cleaned = THREAD.clean(obj, "")
        positions: set[int] = set()
        for index, answer in enumerate(cleaned["answers"]):
            if answer["position"] in positions:
                where = f"answers[{index}].position"
                raise Invalid(where, f"{answer['position']} is used twice")
            positions.add(answer["position"])
    except Invalid as exc:
        raise ItemError(str(exc)) from None
    return cleaned


def _doctor(raw: dict | None) -> DoctorData | None:
    if raw is None:
        return None
    return DoctorData(
        name=raw["name"] or None,
        credentials=raw["credentials"],
        place=raw["place"],
        specialty=raw["specialty"],
        rating=_stars(raw["rating"]),
        review_count=raw["review_count"],
        captured_at=raw["facts_captured_at"],
    )


def _shown(raw: dict | None) -> dict | None:
    if raw is None:
        return None
    return {**raw, "rating": _stars(raw["rating"])}


def _stars(rating: float | None) -> Decimal | None:
    # Through str: 4.7 stays 4.7, not the binary fraction nearest to it.
    return Decimal(str(rating)) if rating is not None else None


def source_key_from_line(data: bytes) -> str:
    """The line's source key, found without decoding the whole line ("" if none, or if it
    cannot be a key: such a line is decoded, and fails with its reason)."""
    match = _SOURCE_KEY_RE.search(data)
    if not match:
        return ""
    try:
        key = neutralise(json.loads(b'"' + match.group(1) + b'"'))
        key.encode("utf-8")
    except (ValueError, UnicodeError):
        return ""
    return key if 0 < len(key) <= SOURCE_KEY_MAX else ""
