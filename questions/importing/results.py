"""What an import says about each item and about the whole run."""

from collections import Counter
from dataclasses import dataclass, field

from questions.models import ImportRecord

from .sources import Item

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


def failed(item: Item, line: int | None, message: str) -> ItemResult:
    return ItemResult(item.path, Outcome.FAILED, line, message, None, item.content_hash)


def unchanged(item: Item, question_id: int) -> ItemResult:
    return ItemResult(item.path, Outcome.UNCHANGED, None, "", question_id, item.content_hash)


def stored(item: Item, outcome: str, question_id, kept: Counter | None = None) -> ItemResult:
    """The result of a parsed item written (or, on a dry run, that would be written)."""
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
