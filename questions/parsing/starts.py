"""Where answers start in the answer region.

*Hard* starts are certain: the start of the region, the line after a doctor block, and a
vote-widget line (the short line before it, if it looks like a headline, is that answer's
headline). *Soft* starts are guessed where answers are separated by nothing but blank lines
(``docs/FORMAT.md``, "Variations and what happens to them"), from the scores of
``scoring``: both readings of a line, headline or first body line, compete.

Answers in one file look alike: a guessed headline ending in a full stop costs more in files
whose answers close with doctor blocks or that show no real headline at all, and the "one
vote widget per answer" penalty is lifted once two answers without one are certain. The
best-scoring starts are taken greedily, never leaving an answer without a body, and never
more than the declared answer count allows. Files with no markers and no headlines at all
fall back to one answer per paragraph, again capped by the declared count.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass

from .lines import _never_starts
from .scoring import _UNSCORED, _Scoring, _start_evidence
from .text import _pronoun_balance
from .weights import (
    _MAX_HEADLINE_SENTENCES,
    _MIN_VOTE_WIDGETS,
    _MIN_VOTELESS_ANSWERS,
    _NO_HEADLINES_STOP_PENALTY,
    _NORMAL_VOTE_GAP,
    _SOFT_STOP_PENALTY,
    _T_DECLARED,
    _T_FIRST,
    _T_FREE,
    _T_HEADLINE_EVIDENCE,
    _T_VOTE,
    _VOTE_FILE_PENALTY,
    _W_GAP_BEFORE_VOTE,
    _W_PARAGRAPH_BASE,
)


@dataclass(slots=True)
class _Start:
    """An answer (or, at index 0 without a count line, the question) begins at ``index``."""

    index: int
    headline: bool


class _Starts(_Scoring):
    """Finding the answer starts; the scores come from :class:`_Scoring`.

    One of the parts of ``parser._ThreadParser``, whose ``__init__`` sets up the state
    read and written here: ``units``, ``blocks``, ``block_of``, ``typical_gap``,
    ``title_is_question``, ``_vote_starts``, ``_stop_penalty`` and ``_soft_candidates``.
    """

    def _answer_starts(self, declared: int | None, *, question_mode: bool) -> list[_Start]:
        """Where answers start in the region (index 0 is the question in question mode)."""
        units = self.units
        n = len(units)
        if n == 0:
            return [_Start(0, False)] if question_mode else []
        starts = self._hard_starts(question_mode)
        by_index = {s.index: s for s in starts}
        order = [s.index for s in starts]

        for s in starts:
            if not s.headline and s.index not in self._vote_starts:
                if question_mode and s.index == 0:
                    continue
                s.headline = self._first_line_is_headline(s.index, order)

        hard_answers = len(starts) - (1 if question_mode else 0)
        cap = None if declared is None else max(0, declared - hard_answers)
        votes = sum([u.vote for u in units])
        penalty = _VOTE_FILE_PENALTY if votes >= _MIN_VOTE_WIDGETS else 0.0
        threshold = (_T_FREE if cap is None else _T_DECLARED) + penalty
        self._stop_penalty = self._soft_stop_penalty(by_index)
        added = self._soft_starts(by_index, order, threshold, cap)
        if penalty and self._voteless_answers(by_index, question_mode) >= _MIN_VOTELESS_ANSWERS:
            # Some pages print the vote widget under only some answers: once two answers
            # without one are certain (after a doctor block, or scoring high even with the
            # penalty), a missing widget says nothing and the penalty is lifted.
            more_cap = None if cap is None else cap - added
            added += self._soft_starts(by_index, order, threshold - penalty, more_cap)

        if not self.blocks and votes == 0 and not any(s.headline for s in by_index.values()):
            # No markers and no headlines: one answer per paragraph, capped by the count.
            if cap is not None:
                cap -= added
            self._paragraph_starts(by_index, order, cap, question_mode)

        if question_mode and not by_index[0].headline:
            self._keep_question_apart(by_index, order)
        return [by_index[i] for i in order]

    def _soft_stop_penalty(self, by_index: dict[int, _Start]) -> float:
        """How much a guessed headline loses for ending in a full stop (see the constants)."""
        for j, unit in enumerate(self.units):
            if self.block_of[j] is not None or unit.ending == "stop":
                continue
            start = by_index.get(j)
            if start is not None:
                if start.headline:
                    return _SOFT_STOP_PENALTY if self.blocks else 0.0
                continue
            score = self._headline_score(j)
            if score is not None and score >= _T_HEADLINE_EVIDENCE:
                return _SOFT_STOP_PENALTY if self.blocks else 0.0
        return _NO_HEADLINES_STOP_PENALTY

    def _voteless_answers(self, by_index: dict[int, _Start], question_mode: bool) -> int:
        """How many of the answers found so far have no vote widget."""
        return sum(
            1 for i in by_index if i not in self._vote_starts and not (question_mode and i == 0)
        )

    def _hard_starts(self, question_mode: bool) -> list[_Start]:
        """Certain starts: the region's start, after each doctor block, at each vote widget
        (or at the headline just before it)."""
        units = self.units
        starts = [_Start(0, False)]
        if units[0].vote:
            self._vote_starts.add(0)
        block_of = self.block_of
        for i in range(1, len(units)):
            if block_of[i] is not None:
                continue  # inside a block: neither after one nor a vote-widget start
            if block_of[i - 1] is not None and starts[-1].index != i:
                starts.append(_Start(i, False))  # after a block
            if not units[i].vote:
                continue
            last = starts[-1]
            head = i - 1
            if self._vote_headline(head, last, question_mode):
                if last.index == head:
                    last.headline = True
                else:
                    starts.append(_Start(head, True))
                self._vote_starts.add(head)
            else:
                if last.index != i:
                    starts.append(_Start(i, False))
                self._vote_starts.add(i)
        return starts

    def _vote_headline(self, head: int, last: _Start, question_mode: bool) -> bool:
        """Is the unit before a vote-widget line that answer's headline?"""
        if self.block_of[head] is not None:
            return False
        if question_mode and head == 0 and not self.title_is_question:
            return False  # the patient's question, unless a details line completed it
        if last.index != head:
            # The previous answer must keep a body line of its own.
            body_from = last.index + (1 if last.headline else 0)
            if head <= body_from:
                return False
        score = self._headline_score(head, context=False)
        if score is None:
            return False
        unit, vote_unit = self.units[head], self.units[head + 1]
        if unit.sentences > _MAX_HEADLINE_SENTENCES:
            return False
        if vote_unit.vote_gap > max(_NORMAL_VOTE_GAP, self.typical_gap):
            score += _W_GAP_BEFORE_VOTE
        return score >= _T_VOTE

    def _first_line_is_headline(self, index: int, order: list[int]) -> bool:
        body_end = self._body_end(index, order)
        if index + 1 >= body_end:
            return False
        score = self._headline_score(index)
        return score is not None and score >= _T_FIRST

    def _body_end(self, index: int, order: list[int]) -> int:
        """End (exclusive) of the body of the answer holding ``index``: next start or block."""
        k = bisect_left(order, index + 1)
        end = order[k] if k < len(order) else len(self.units)
        for j in range(index + 1, end):
            if self.block_of[j] is not None:
                return j
        return end

    def _soft_starts(
        self, by_index: dict[int, _Start], order: list[int], threshold: float, cap: int | None
    ) -> int:
        """Add the best-scoring guessed starts; returns how many were added."""
        candidates = self._soft_candidates
        if candidates is None:
            # The scores do not change between calls (only the threshold and cap do), so
            # the sorted candidates are kept for the second call; lines that became starts
            # meanwhile are skipped below.
            candidates = self._soft_candidates = self._score_soft_candidates(by_index)
        added = 0
        for neg_score, j, not_headline in candidates:
            if -neg_score < threshold or (cap is not None and added >= cap):
                break
            headline = not not_headline
            if j not in by_index and self._can_start(j, headline, by_index, order):
                by_index[j] = _Start(j, headline)
                insort(order, j)
                added += 1
        return added

    def _score_soft_candidates(self, by_index: dict[int, _Start]) -> list[tuple[float, int, bool]]:
        """Both readings of every line that may start an answer, best first, as
        ``(-score, index, not headline)``."""
        candidates: list[tuple[float, int, bool]] = []
        block_of = self.block_of
        stop_penalty = self._stop_penalty
        units = self.units
        scores = self._scores
        headline_score = self._headline_score
        for j in range(1, len(units)):
            if j in by_index or block_of[j] is not None:
                continue
            unit = units[j]
            # Both readings compete: a headline-like line with no body line after it (a
            # doctor block follows) cannot be a headline, but may still open an answer
            # that has none ("Results take 2 weeks." after a sign-off and extra blanks).
            headline = scores[j]
            if headline is _UNSCORED:
                headline = headline_score(j)
            if headline is not None:
                if unit.ending == "stop":
                    headline -= stop_penalty
                candidates.append((-headline, j, False))
            if unit.never_starts or units[j - 1].leads_on:
                continue  # as _plain_score, without the call
            plain = self._plain_score(j)
            if plain is not None:
                candidates.append((-plain, j, True))
        # At equal scores the headline reading comes first (False sorts before True).
        candidates.sort()
        return candidates

    def _can_start(
        self, j: int, headline: bool, by_index: dict[int, _Start], order: list[int]
    ) -> bool:
        """Would an answer starting at ``j`` leave every answer with a body line?"""
        k = bisect_left(order, j)
        previous = by_index[order[k - 1]]
        if j <= previous.index + (1 if previous.headline else 0):
            return False
        if not headline:
            return True
        return j + 1 < self._body_end(j, order)

    def _paragraph_starts(
        self,
        by_index: dict[int, _Start],
        order: list[int],
        cap: int | None,
        question_mode: bool,
    ) -> None:
        """Fallback for files of bare paragraphs: each paragraph may be an answer."""
        candidates: list[tuple[float, int]] = []
        for j in range(1, len(self.units)):
            if j in by_index:
                continue
            unit, prev = self.units[j], self.units[j - 1]
            if not unit.group_first or _never_starts(unit, prev):
                continue
            if question_mode and not unit.greeting and _pronoun_balance(unit.text) <= 0:
                continue  # reads like more of the patient's question
            score = _W_PARAGRAPH_BASE + _start_evidence(unit, prev, self.typical_gap)
            candidates.append((score, j))
        candidates.sort(key=lambda c: (-c[0], c[1]))
        added = 0
        for _score, j in candidates:
            if cap is not None and added >= cap:
                break
            if self._can_start(j, False, by_index, order):
                by_index[j] = _Start(j, False)
                insort(order, j)
                added += 1

    def _keep_question_apart(self, by_index: dict[int, _Start], order: list[int]) -> None:
        """Without a count line, a doctor block inside the question means the first answer
        had neither headline nor vote widget: the question is then its first paragraph."""
        end = order[1] if len(order) > 1 else len(self.units)
        if not any(self.block_of[j] is not None for j in range(end)):
            return
        block_start = next(j for j in range(end) if self.block_of[j] is not None)
        split = next((j for j in range(1, block_start) if self.units[j].group_first), None)
        if split is None:
            split = 1 if block_start > 1 else block_start
        if split == 0 or split in by_index:
            return
        by_index[split] = _Start(split, False)
        insort(order, split)
        by_index[split].headline = self._first_line_is_headline(split, order)

    # -- scores ------------------------------------------------------------------------
