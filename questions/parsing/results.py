"""What the parser returns: the thread, its answers and their doctor blocks, or a ParseError.

Two fields go beyond the parts ``docs/FORMAT.md`` lists: ``ParsedAnswer.truncated`` (the
file was cut off inside that answer) and ``ParsedThread.details`` (the details line as
written).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


class ParseError(ValueError):
    """The file cannot be read as a thread page; ``message`` says why, ``line`` where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class DoctorBlock:
    """The lines under an answer that name its doctor. Missing parts are None or ""."""

    name: str | None
    credentials: str
    place: str
    specialty: str
    rating: Decimal | None
    review_count: int | None


@dataclass(frozen=True)
class ParsedAnswer:
    position: int  # 1-based, in page order
    headline: str | None
    body: str
    doctor: DoctorBlock | None
    line: int  # 1-based line of the file where the answer starts
    truncated: bool = False  # the file was cut off inside this answer


@dataclass(frozen=True)
class ParsedThread:
    title: str
    question: str
    age: int | None
    sex: str
    treatment: str
    declared_answer_count: int | None
    answers: tuple[ParsedAnswer, ...]
    disclaimer: str | None
    complete: bool
    warnings: tuple[str, ...]
    details: str | None = None  # the details line as written, when there is one
