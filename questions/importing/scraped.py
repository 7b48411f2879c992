"""Scraped thread files: text pages parsed by `questions.parsing` (see docs/FORMAT.md).

The source key is the hex page id in the scraper's file name, else the normalised title.
"""

import re

from questions.parsing import ParseError, decode_thread_bytes, parse_thread

from .inert import neutralise
from .sources import Item, ItemError
from .threads import AnswerData, DoctorData, ThreadData, title_source_key

SCRAPER_FILE_NAME = re.compile(r"^\d+_([0-9a-fA-F]{16})\.txt$")


def thread_from_text(item: Item) -> ThreadData:
    try:
        text = neutralise(decode_thread_bytes(item.data))
        parsed = parse_thread(text)
    except ParseError as exc:
        raise ItemError(exc.message, exc.line) from exc
    source_key = source_key_from_name(item.source_file) or title_source_key(parsed.title)
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


def source_key_from_name(source_file: str) -> str:
    """The page id in a scraper's file name, or "" for a file named otherwise."""
    match = SCRAPER_FILE_NAME.match(source_file)
    return match.group(1).lower() if match else ""
