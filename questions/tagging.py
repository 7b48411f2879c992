"""Automatic treatment-area and procedure tags from the keyword lists staff keep.

Matching works on words, not substrings: "mesobotox" does not match "botox", and
"crow's feet", "crows feet" and "crow’s feet" all match the same keyword. Each text is
tokenised once and its one- to four-word runs are looked up in a dict, so tagging costs
the same whatever the number of keywords.

Title and question weigh most; answers may add a tag only when several of them agree,
so one passing mention in one answer does not tag a thread.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from kbsite.db import insert_rows

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
MAX_PHRASE_WORDS = 4

# A tag applies when its score reaches THRESHOLD: a title or question hit is enough,
# answers need two of them to agree.
TITLE_WEIGHT, QUESTION_WEIGHT, ANSWER_WEIGHT, THRESHOLD = 3, 3, 1, 2


def _tokens(text: str) -> list[str]:
    # Tagging reads every word of every thread on import, so each step here is one call
    # into C: str.replace rather than a translate() table, and the apostrophes dropped
    # from all tokens at once (tokens never hold a newline).
    text = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    tokens = _WORD.findall(text)
    if tokens and "'" in text:
        tokens = "\n".join(tokens).replace("'", "").split("\n")
    return tokens


def _phrase(keyword: str) -> tuple[str, ...]:
    return tuple(_tokens(keyword))


@dataclass(frozen=True)
class KeywordIndex:
    """Keyword phrase (as a tuple of tokens) -> ids of the tags it points to, per facet."""

    areas: dict[tuple[str, ...], frozenset[int]]
    procedures: dict[tuple[str, ...], frozenset[int]]
    first_words: frozenset[str] = frozenset()

    def __post_init__(self):
        words = {phrase[0] for index in (self.areas, self.procedures) for phrase in index}
        object.__setattr__(self, "first_words", frozenset(words))

    @classmethod
    def load(cls) -> "KeywordIndex":
        from questions.models import Procedure, TreatmentArea

        return cls(areas=cls._build(TreatmentArea), procedures=cls._build(Procedure))

    @staticmethod
    def _build(model) -> dict[tuple[str, ...], frozenset[int]]:
        index: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for tag_id, name, keywords in model.objects.values_list("id", "name", "keywords"):
            for keyword in [name, *keywords.splitlines()]:
                phrase = _phrase(keyword)
                if 0 < len(phrase) <= MAX_PHRASE_WORDS:
                    index[phrase].add(tag_id)
        return {phrase: frozenset(ids) for phrase, ids in index.items()}

    def _hits(self, tokens: list[str]) -> tuple[set[int], set[int]]:
        """(area ids, procedure ids) whose keywords occur in `tokens`."""
        areas: set[int] = set()
        procedures: set[int] = set()
        starts = self.first_words
        if starts.isdisjoint(tokens):
            return areas, procedures
        # Almost no word begins a keyword: one set lookup per word rules it out.
        for start in [i for i, token in enumerate(tokens) if token in starts]:
            for length in range(1, MAX_PHRASE_WORDS + 1):
                phrase = tuple(tokens[start : start + length])
                if ids := self.areas.get(phrase):
                    areas |= ids
                if ids := self.procedures.get(phrase):
                    procedures |= ids
        return areas, procedures

    def match(self, title: str, question: str, answers: Iterable[str]) -> tuple[set, set]:
        """Return (area ids, procedure ids) for a thread's texts."""
        scores = (defaultdict(int), defaultdict(int))
        weighted = [(title, TITLE_WEIGHT), (question, QUESTION_WEIGHT)]
        weighted += [(text, ANSWER_WEIGHT) for text in answers]
        for text, weight in weighted:
            for facet, found in enumerate(self._hits(_tokens(text))):
                for tag_id in found:
                    scores[facet][tag_id] += weight
        areas, procedures = (
            {tag_id for tag_id, score in facet.items() if score >= THRESHOLD} for facet in scores
        )
        return areas, procedures


@dataclass(frozen=True)
class RetagReport:
    questions_changed: int = 0
    added: int = 0
    removed: int = 0

    def __str__(self):
        return (
            f"{self.questions_changed:,} threads changed: "
            f"{self.added:,} tags added, {self.removed:,} removed"
        )


def questions_apply_auto_tags(*, wanted: dict[int, tuple[set, set]]) -> RetagReport:
    """Make each question's auto tags exactly `wanted[question_id] = (areas, procedures)`.

    Only rows with auto=True are removed; a tag that staff set by hand is never touched,
    and an auto tag that staff already set is not added twice.
    """
    from questions.models import TaggedArea, TaggedProcedure

    added = removed = 0
    changed: set[int] = set()
    ids = list(wanted)
    for facet, model in enumerate((TaggedArea, TaggedProcedure)):
        # question id -> {tag id: (row id, auto)}
        current: dict[int, dict[int, tuple[int, bool]]] = defaultdict(dict)
        for row_id, qid, tag_id, auto in model.objects.filter(
            content_object_id__in=ids
        ).values_list("id", "content_object_id", "tag_id", "auto"):
            current[qid][tag_id] = (row_id, auto)
        stale_rows, new_rows = [], []
        for qid, facets in wanted.items():
            want, have = facets[facet], current.get(qid, {})
            stale = [
                row_id for tag_id, (row_id, auto) in have.items() if auto and tag_id not in want
            ]
            new = want - have.keys()
            if stale or new:
                changed.add(qid)
            stale_rows += stale
            new_rows += [{"content_object_id": qid, "tag_id": t, "auto": True} for t in new]
        if stale_rows:
            removed += model.objects.filter(pk__in=stale_rows).delete()[0]
        if new_rows:
            insert_rows(model, new_rows, ignore_conflicts=True)
            added += len(new_rows)
    return RetagReport(questions_changed=len(changed), added=added, removed=removed)


def questions_retag(*, question_ids: Iterable[int] | None = None, batch_size=500) -> RetagReport:
    """Re-run auto-tagging with the current keyword lists; None means every thread."""
    from answers.models import Answer
    from questions.models import Question
    from questions.services import threads_changed

    index = KeywordIndex.load()
    queryset = Question.objects.order_by("pk")
    if question_ids is not None:
        queryset = queryset.filter(pk__in=list(question_ids))
    total = RetagReport()
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        answers: dict[int, list[str]] = defaultdict(list)
        for qid, headline, body in Answer.objects.filter(
            question_id__in=chunk, status=Answer.Status.PUBLISHED
        ).values_list("question_id", "headline", "body"):
            answers[qid].append(f"{headline}\n{body}")
        wanted = {
            qid: index.match(title, body, answers.get(qid, []))
            for qid, title, body in Question.objects.filter(pk__in=chunk).values_list(
                "pk", "title", "body"
            )
        }
        with transaction.atomic():
            report = questions_apply_auto_tags(wanted=wanted)
            threads_changed(question_ids=chunk)
        total = RetagReport(
            questions_changed=total.questions_changed + report.questions_changed,
            added=total.added + report.added,
            removed=total.removed + report.removed,
        )
    return total
