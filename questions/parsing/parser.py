"""Parsing one file's text: :func:`parse_thread` and the parser object that runs the layers.

**Framing** (``docs/FORMAT.md``, "The parts, top to bottom"): reject banner pages, take the
title, the answer-count line, the details line (``age : 30 sex: female treatment : ...``),
the question, and the site disclaimer at the very end (``regions``). What lies between the
frame's parts is the answer region, where doctor blocks (``blocks``), answer starts
(``starts``) and the answers themselves (``answers``) are found.
"""

from __future__ import annotations

from .answers import _Answers
from .blocks import _find_blocks
from .lines import _describe, _join_units, _scan, _typical_gap, _Unit
from .regions import _find_count_line, _parse_details, _split_disclaimer, _take_details
from .results import DoctorBlock, ParsedAnswer, ParsedThread, ParseError
from .scoring import _UNSCORED
from .starts import _Starts
from .text import _alnum_key, _normalised_lines, _stems
from .vocabulary import _BANNER_RE, _COUNT_RE, _PHOTO_SUFFIX_RE
from .weights import _DETAILS_SEARCH_UNITS, _SOFT_STOP_PENALTY


def parse_thread(text: str) -> ParsedThread:
    """Parse one thread file's text. Raises :class:`ParseError` for unusable files."""
    lines = _normalised_lines(text)
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        if not text:
            raise ParseError("empty file", line=1)
        raise ParseError(f"file holds only whitespace ({len(lines)} lines)", line=1)
    if _BANNER_RE.match(lines[first]):
        raise ParseError(
            "banner page with no question: the file starts with the site banner "
            "('Get the real deal on beauty treatments...') followed by loose answers, "
            "not a title and a question",
            line=first + 1,
        )
    return _ThreadParser(lines).parse()


class _ThreadParser(_Starts, _Answers):
    """Holds one file's units while the layers run; its parts by concern are
    :class:`~.starts._Starts` (with :class:`~.scoring._Scoring`) and
    :class:`~.answers._Answers`. All of its state is set up here, in ``__init__``."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.warnings: list[str] = []
        self.title_is_question = False
        # Headline scores by unit index, with and without context (see _headline_score).
        self._scores: list[float | None | object] = []
        self._intrinsic_scores: list[float | None | object] = []
        self._vote_starts: set[int] = set()  # starts fixed by a vote widget
        self._stop_penalty = _SOFT_STOP_PENALTY
        # Set by parse() from the title, before any answer is looked for.
        self.title_stems: frozenset[str] | set[str] = frozenset()
        self.title_key = ""
        self._key_bytes = b""
        # The answer region and what is known of each of its units (see _set_region).
        self.units: list[_Unit] = []
        self._soft_candidates: list[tuple[float, int, bool]] | None = None
        self.blocks: list[tuple[int, int, DoctorBlock]] = []
        self.block_of: list[int | None] = []
        self.typical_gap = 0

    # -- framing: the layers in order -----------------------------------------------

    def parse(self) -> ParsedThread:
        units, trailing_vote = _scan(self.lines)
        if not units:
            raise ParseError("no title: the file holds only page-template lines", line=1)
        title_unit = units[0]
        title = title_unit.text
        if _COUNT_RE.match(title):
            raise ParseError("no title: the file starts with the answer count line", 1)
        units = units[1:]
        topic = _PHOTO_SUFFIX_RE.sub("", title) if "(" in title else title
        self.title_stems = _stems(topic)
        self.title_key = _alnum_key(topic)
        self._key_bytes = self.title_key.encode()

        units, disclaimer, disclaimer_cut = _split_disclaimer(units)
        if disclaimer_cut:
            self.warnings.append("the site disclaimer is cut short")

        count_at, declared = _find_count_line(units)
        if count_at is not None:
            question_units, region = units[:count_at], units[count_at + 1 :]
            details_unit = _take_details(question_units)
        else:
            # No count line: the question runs until the first answer start, found below.
            question_units, region = [], units
            details_unit = _take_details(region, limit=_DETAILS_SEARCH_UNITS)
            self.title_is_question = details_unit is not None

        self._set_region(region)
        starts = self._answer_starts(declared, question_mode=count_at is None)
        if count_at is None:
            if starts and starts[0].headline:
                question_units = []  # title and details line are the whole question
            else:
                question_end = starts[1].index if len(starts) > 1 else len(region)
                question_units, starts = region[:question_end], starts[1:]

        question = _join_units(question_units)
        if not question and details_unit is None:
            # A details line alone is enough: the title is then the whole question.
            line = title_unit.line if count_at is None else units[count_at].line
            raise ParseError("no question text after the title", line=line)

        age, sex, treatment = _parse_details(details_unit, self.warnings)
        drafts = self._build_answers(starts)
        last_unit = self.units[-1] if self.units else (question_units or [title_unit])[-1]
        complete = self._judge_completeness(drafts, disclaimer, trailing_vote, last_unit)
        return self._thread(
            drafts,
            title=title,
            question=question,
            age=age,
            sex=sex,
            treatment=treatment,
            declared=declared,
            disclaimer=disclaimer,
            complete=complete,
            details=details_unit.text if details_unit is not None else None,
        )

    def _set_region(self, region: list[_Unit]) -> None:
        """Describe the answer region's units, find its doctor blocks and size the per-unit
        tables to it."""
        self.units = region
        for unit in region:
            _describe(unit)
        self._scores = [_UNSCORED] * len(region)
        self._intrinsic_scores = [_UNSCORED] * len(region)
        self.blocks, self.block_of = _find_blocks(region)
        self.typical_gap = _typical_gap(region)

    def _thread(self, drafts, *, declared, **fields) -> ParsedThread:
        """The finished thread: numbered answers, and a warning when the count is off."""
        # ParsedAnswer's fields in order: position, headline, body, doctor, line, truncated.
        answers = tuple(
            ParsedAnswer(i, d.headline, d.body, d.doctor, d.line, d.truncated)
            for i, d in enumerate(drafts, start=1)
        )
        if not answers:
            self.warnings.append("no answers found")
        elif declared is not None and len(answers) != declared:
            self.warnings.append(f"declared {declared} answers, found {len(answers)}")

        return ParsedThread(
            declared_answer_count=declared,
            answers=answers,
            warnings=tuple(self.warnings),
            **fields,
        )

    # -- doctor blocks -----------------------------------------------------------------
