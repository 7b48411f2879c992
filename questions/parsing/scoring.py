"""How much a line reads as the start of an answer: with a headline, or without one.

Where answers are parted by nothing but blank lines (``docs/FORMAT.md``, "Variations and
what happens to them"), every line gets a score for "a headline that starts an answer"
(short, no final full stop, shares topic words with the title, after a sign-off or extra
blank lines, before a greeting...) and one for "an answer that starts without a headline"
(opens with a greeting after a sign-off...). ``starts`` lets both readings compete. The
weights are those of ``weights``.
"""

from __future__ import annotations

from operator import itemgetter

from .lines import _never_starts, _Unit
from .text import _ALNUM_CHARS, _NON_ALNUM_BYTES, _folded_words, _is_title_case, _stems_from_words
from .vocabulary import _FIRST_PERSON_OR_YOU
from .weights import (
    _ENDING_SCORES,
    _LONG_HEADLINE_CHARS,
    _MANY_TOPIC_WORDS,
    _MEDIUM_HEADLINE_WORDS,
    _SHORT_HEADLINE_WORDS,
    _T_FIRST,
    _W_AFTER_BLOCK,
    _W_AFTER_LEAD_IN,
    _W_AFTER_SIGNOFF,
    _W_EXTRA_GAP,
    _W_GAP_AFTER,
    _W_GAP_BEFORE,
    _W_GREETING,
    _W_GREETING_NEXT,
    _W_HASHTAG,
    _W_LONG_NEXT,
    _W_LOWER_START,
    _W_MID_PARAGRAPH,
    _W_OVER_120_CHARS,
    _W_PERSONAL_STOP,
    _W_PLAIN_BASE,
    _W_REPEATS_TITLE,
    _W_SIGNOFF_NEXT,
    _W_TITLE_CASE,
    _W_TOPIC_WORD_1,
    _W_TOPIC_WORDS_2,
    _W_TWO_SENTENCES,
    _W_WORDS_LONG,
    _W_WORDS_MEDIUM,
    _W_WORDS_SHORT,
)

_FIRST_FIVE = itemgetter(slice(0, 5))  # a word's stem, as text._stems_from_words cuts it
_UNSCORED = object()  # a headline score not yet worked out (None means "cannot be one")


class _Scoring:
    """The scores of the answer region's units, cached per unit.

    One of the parts of ``parser._ThreadParser``, whose ``__init__`` sets up the state
    read here: ``units``, ``block_of``, ``typical_gap``, the title's ``title_stems``,
    ``title_key`` and ``_key_bytes``, and the caches ``_scores`` and ``_intrinsic_scores``.
    """

    def _headline_score(self, j: int, *, context: bool = True) -> float | None:
        """How much the unit at ``j`` reads as an answer's headline; None when it cannot be.

        ``context`` adds what the neighbouring lines say (sign-off before, greeting after,
        extra blank lines); the vote-widget rule already knows the position, so it skips it.
        Scores are cached: several rules ask about the same line.
        """
        if not context:
            return self._intrinsic_score(j)
        score = self._scores[j]
        if score is _UNSCORED:
            intrinsic = self._intrinsic_scores[j]
            if intrinsic is _UNSCORED:
                intrinsic = self._intrinsic_score(j)
            score = None if intrinsic is None else intrinsic + self._context_score(j)
            self._scores[j] = score
        return score  # type: ignore[return-value]

    def _intrinsic_score(self, j: int) -> float | None:
        """``_headline_score(j, context=False)``, cached."""
        score = self._intrinsic_scores[j]
        if score is _UNSCORED:
            unit = self.units[j]
            score = self._intrinsic_headline_score(unit) if unit.headline_shaped else None
            self._intrinsic_scores[j] = score
        return score  # type: ignore[return-value]

    def _intrinsic_headline_score(self, unit: _Unit) -> float | None:
        """What the line itself says: length, ending, capitals, topic words, hashtags."""
        if not unit.headline_shaped:
            return None
        text = unit.text
        folded = text.casefold()
        words = _folded_words(folded)
        if unit.words <= _SHORT_HEADLINE_WORDS:
            score = _W_WORDS_SHORT
        else:
            score = _W_WORDS_MEDIUM if unit.words <= _MEDIUM_HEADLINE_WORDS else _W_WORDS_LONG
        if len(text) > _LONG_HEADLINE_CHARS:
            score += _W_OVER_120_CHARS
        if unit.sentences == 2:
            score += _W_TWO_SENTENCES
        ending = unit.ending
        score += _ENDING_SCORES[ending]
        if ending == "stop" and not _FIRST_PERSON_OR_YOU.isdisjoint(words):
            score += _W_PERSONAL_STOP
        if unit.lower_start:
            score += _W_LOWER_START
        if _is_title_case(text, unit.tokens):
            score += _W_TITLE_CASE
        # Topic words shared with the title. Most lines share none, and that is found by
        # one set operation on all five-letter prefixes: shorter words' prefixes are too
        # short to be stems, and stopwords only matter when a prefix is shared.
        title_stems = self.title_stems
        if not title_stems.isdisjoint(map(_FIRST_FIVE, words)):
            overlap = len(_stems_from_words(words) & title_stems)
            score += (
                _W_TOPIC_WORDS_2
                if overlap >= _MANY_TOPIC_WORDS
                else _W_TOPIC_WORD_1
                if overlap
                else 0.0
            )
        if self._has_title_key(folded):
            score += _W_REPEATS_TITLE
        if "#" in text:
            score += _W_HASHTAG
        return score

    def _has_title_key(self, folded: str) -> bool:
        """``_alnum_key(text) == self.title_key`` for the case-folded ``text``."""
        key = self.title_key
        if len(folded) < len(key):
            return False  # the key only drops characters
        if key:
            # A line starting or ending with a letter or digit starts or ends its key so.
            first, last = folded[0], folded[-1]
            if (first in _ALNUM_CHARS and first != key[0]) or (
                last in _ALNUM_CHARS and last != key[-1]
            ):
                return False
        # The key keeps ASCII letters and digits only: drop the rest of ASCII and the
        # rest of Unicode, with byte operations (much faster than _NON_ALNUM_RE.sub).
        return folded.encode("ascii", "ignore").translate(None, _NON_ALNUM_BYTES) == self._key_bytes

    def _context_score(self, j: int) -> float:
        """What the neighbouring lines say about the line at ``j`` being a headline."""
        units, block_of, typical_gap = self.units, self.block_of, self.typical_gap
        unit = units[j]
        score = 0.0
        if not unit.group_first:
            score += _W_MID_PARAGRAPH
        if j > 0:
            prev = units[j - 1]
            if block_of[j - 1] is not None or prev.signoff or prev.signature:
                score += _W_AFTER_BLOCK
            elif prev.leads_on:
                score += _W_AFTER_LEAD_IN
        if unit.gap > typical_gap:
            score += _W_GAP_BEFORE
        if j + 1 < len(units) and block_of[j + 1] is None:
            nxt = units[j + 1]
            if nxt.greeting:
                score += _W_GREETING_NEXT
            elif nxt.signoff or nxt.signature:
                score += _W_SIGNOFF_NEXT
            elif nxt.long:
                score += _W_LONG_NEXT
            if nxt.gap > typical_gap:
                score += _W_GAP_AFTER
        return score

    def _plain_score(self, j: int) -> float | None:
        """How much the unit at ``j`` reads as the first line of an answer with no headline."""
        unit, prev = self.units[j], self.units[j - 1]
        if _never_starts(unit, prev):
            return None
        if self.block_of[j - 1] is None:
            prev_headline = self._headline_score(j - 1)
            if prev_headline is not None and prev_headline >= _T_FIRST:
                return None  # the answer would start at that headline instead
        score = _W_PLAIN_BASE
        if not unit.group_first:
            score += _W_MID_PARAGRAPH
        return score + _start_evidence(unit, prev, self.typical_gap)


def _start_evidence(unit: _Unit, prev: _Unit, typical_gap: int) -> float:
    """What says that an answer starts at ``unit``, with a headline or without: a greeting,
    a sign-off or signature just before it, extra blank lines before it.

    The no-headline score and the bare-paragraph fallback (``starts``) both add it, so
    that both readings of a line weigh the same facts the same. (The weights are multiples
    of 0.5, so sums are exact whatever the order of the additions.)
    """
    score = 0.0
    if unit.greeting:
        score += _W_GREETING
    if prev.signoff or prev.signature:
        score += _W_AFTER_SIGNOFF
    if unit.gap > typical_gap:
        score += _W_EXTRA_GAP
    return score
