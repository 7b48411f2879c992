"""What an import says about each item and about the whole run."""

from collections import Counter
from dataclasses import dataclass, field

from questions.models import ImportRecord

from .sources import Item

Outcome = ImportRecord.Outcome

# The summary line names this many incomplete files, then says how many more there are:
# an operator can open a few, and a run of 100,000 cut-off files still prints one line.
INCOMPLETE_NAMED = 3

# Question fields an update can change, as the operator reads them; the rest of what
# an import writes (hash, times) is provenance.
_FIELD_LABELS = {
    "title": "title",
    "body": "question",
    "patient_age": "patient details",
    "patient_sex": "patient details",
    "patient_treatment": "patient details",
    "declared_answer_count": "answer count",
    "disclaimer": "disclaimer",
    "is_complete": "completeness",
    "is_published": "published",
    "source_file": "file name",
    "captured_at": "capture date",
}


@dataclass
class Changes:
    """What an update changed in a stored thread, for the operator's per-file line."""

    fields: set[str] = field(default_factory=set)  # Question field names
    added: int = 0  # answers
    updated: int = 0

    def describe(self) -> str:
        parts = []
        labels = list(dict.fromkeys(_FIELD_LABELS[f] for f in _FIELD_LABELS if f in self.fields))
        if labels:
            parts.append(f"{', '.join(labels)} changed")
        answers = [
            f"{count} {'answer' if count == 1 else 'answers'} {verb}"
            for count, verb in ((self.added, "added"), (self.updated, "changed"))
            if count
        ]
        if answers:
            parts.append(", ".join(answers))
        return "; ".join(parts) or "nothing shown changed"


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
    changes: Changes | None = None  # of an update written (None on a dry run)

    def report(self) -> str:
        """The file's line at verbosity 2: ``PATH: outcome[, incomplete][: details]``."""
        head = f"{self.path}: {self.outcome}" + (", incomplete" if self.incomplete else "")
        details = [self.changes.describe()] if self.changes else []
        if self.message:
            details.append(self.message)
        return f"{head}: {'; '.join(details)}" if details else head


@dataclass
class ImportSummary:
    run_id: int | None
    total: int = 0
    counts: Counter = field(default_factory=Counter)
    incomplete: int = 0
    incomplete_paths: list[str] = field(default_factory=list)  # the first INCOMPLETE_NAMED
    kept_staff_answers: int = 0
    duplicate_paths: int = 0
    seconds: float = 0.0
    failures: list[ItemResult] = field(default_factory=list)

    def add(self, results: list[ItemResult], on_result=None) -> None:
        for result in results:
            self.total += 1
            self.counts[result.outcome] += 1
            if result.incomplete:
                self.incomplete += 1
                if len(self.incomplete_paths) < INCOMPLETE_NAMED:
                    self.incomplete_paths.append(result.path)
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

    def incomplete_note(self) -> str:
        """``2 incomplete: a.txt, b.txt`` or ``7 incomplete: a, b, c and 4 more``; "" for none."""
        if not self.incomplete:
            return ""
        named = ", ".join(self.incomplete_paths)
        more = self.incomplete - len(self.incomplete_paths)
        return f"{self.incomplete:,} incomplete: {named}" + (f" and {more:,} more" if more else "")


def failed(item: Item, line: int | None, message: str) -> ItemResult:
    return ItemResult(item.path, Outcome.FAILED, line, message, None, item.content_hash)


def unchanged(item: Item, question_id: int) -> ItemResult:
    return ItemResult(item.path, Outcome.UNCHANGED, None, "", question_id, item.content_hash)


def stored(
    item: Item,
    outcome: str,
    question_id,
    kept: Counter | None = None,
    changes: Changes | None = None,
) -> ItemResult:
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
        changes=changes,
    )
