"""From answer starts to answers: each answer's headline, body and doctor, and truncation.

An answer runs from its start to the next one; a doctor block inside closes its body
(``docs/FORMAT.md``, "The parts, top to bottom"). Whether the scrape reached the end of the
page is judged last (:meth:`_Answers._judge_completeness`): a file cut off mid-answer
keeps what is complete, and its last answer is marked ``truncated`` or, when it is only a
stray headline or block scrap, dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lines import _join_units, _Unit
from .results import DoctorBlock
from .scoring import _Scoring
from .starts import _Start
from .text import _ends_mid_sentence
from .weights import _MAX_BLOCK_SCRAP_CHARS, _T_FIRST


@dataclass(slots=True)
class _Draft:
    headline: str | None
    body: str
    doctor: DoctorBlock | None
    line: int
    start: int  # index of the answer's first unit in the region
    units: list[_Unit]  # the body's units
    truncated: bool = False


class _Answers(_Scoring):
    """Building the answers; the headline scores come from :class:`_Scoring`.

    One of the parts of ``parser._ThreadParser``, whose ``__init__`` sets up the state
    read here: ``units``, ``blocks``, ``block_of`` and ``warnings``.
    """

    def _build_answers(self, starts: list[_Start]) -> list[_Draft]:
        drafts: list[_Draft] = []
        n = len(self.units)
        for k, start in enumerate(starts):
            end = starts[k + 1].index if k + 1 < len(starts) else n
            draft = self._draft(start, end)
            if draft is not None:
                drafts.append(draft)
        return drafts

    def _draft(self, start: _Start, end: int) -> _Draft | None:
        units = self.units
        headline = units[start.index].text if start.headline else None
        body_from = start.index + (1 if start.headline else 0)
        doctor = None
        body_end = end
        for j in range(body_from, end):
            block_index = self.block_of[j]
            if block_index is not None:
                doctor = self.blocks[block_index][2]
                body_end = j
                break
        line = units[start.index].line
        if body_end == body_from:
            if headline is None:
                self.warnings.append(f"line {line}: doctor block without an answer, dropped")
                return None
            # A headline and a doctor block with nothing between: the line is the answer.
            headline, body_from = None, start.index
        body_units = units[body_from:body_end]
        return _Draft(headline, _join_units(body_units), doctor, line, start.index, body_units)

    def _judge_completeness(
        self, drafts: list[_Draft], disclaimer: str | None, trailing_vote: bool, last: _Unit
    ) -> bool:
        """Decide whether the scrape reached the end of the page; may drop a cut-off stub.

        The rule: a file that ends with the site disclaimer (even a cut-off copy of it) is
        complete, because every answer comes before it. Without the disclaimer the file is
        incomplete when it ends
        - with a vote widget, or
        - in the middle of a sentence: the last line is not part of a doctor block, not a
          signature or sign-off, and does not end in closing punctuation (. ! ? ... quotes,
          brackets).
        Fewer answers than declared is not enough on its own: pages hide answers behind a
        "more" button, and the count mismatch is reported as a warning either way.

        When the cut leaves a last "answer" that is a single line reading as a headline, or
        a scrap of a doctor block, it is dropped; otherwise the last answer is kept and
        marked truncated.
        """
        if disclaimer is not None:
            return True
        if not trailing_vote and (
            (self.units and self.block_of[-1] is not None)
            or last.signoff
            or last.signature
            or not _ends_mid_sentence(last.text)
        ):
            return True
        reason = "a vote widget" if trailing_vote else f"line {last.line}, mid-sentence"
        self.warnings.append(f"the file is cut off: it ends with {reason}")
        if not drafts or not self.units or drafts[-1].units[-1] is not self.units[-1]:
            return False  # the cut is in the question or in the framing
        stub = drafts[-1]
        if stub.headline is None and stub.doctor is None and len(stub.units) == 1:
            # A lone line after the last complete answer: a headline whose answer was never
            # scraped, or the first characters of a doctor block. Neither is an answer.
            index = stub.start
            after_block = index > 0 and self.block_of[index - 1] is not None
            score = self._headline_score(index, context=False)
            if (after_block and len(last.text) <= _MAX_BLOCK_SCRAP_CHARS) or (
                score is not None and score >= _T_FIRST
            ):
                drafts.pop()
                self.warnings.append(f"line {stub.line}: dropped the cut-off line {last.text!r}")
                return False
        stub.truncated = True
        return False
