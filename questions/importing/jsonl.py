"""Our own JSON Lines export, one thread per line, read back: a backup restored, or
threads moved between sites. Unlike scraped files it carries curation state (answer
status, featuring, order, staff edits) and the thread's exact tags.
"""

import json
import re
from decimal import Decimal, InvalidOperation

from answers.models import Answer

from .sources import Item, ItemError
from .threads import AnswerData, DoctorData, ThreadData

_SOURCE_KEY_RE = re.compile(rb'"source_key"\s*:\s*"((?:[^"\\]|\\.)*)"')


def thread_from_json(item: Item) -> ThreadData:
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


def source_key_from_line(data: bytes) -> str:
    """The line's source key, found without decoding the whole line ("" if none)."""
    match = _SOURCE_KEY_RE.search(data)
    return json.loads(b'"' + match.group(1) + b'"') if match else ""
