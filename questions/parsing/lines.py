"""Lines as units: what surrounds each non-blank line, and what the line looks like.

**Scanning** (:func:`_scan`) turns the normalised lines into *units*, one per non-blank
line, remembering how many blank lines came before each and whether a vote-widget
template line (``{{ voteCount ...``) or a noise line (``You might also like...``) was
dropped just before it (``docs/FORMAT.md``, "The parts, top to bottom"). Units are lines,
not paragraphs, because some files have no blank lines at all and others put single line
breaks inside a paragraph; bodies are later rejoined with ``"\\n"`` inside a paragraph and
``"\\n\\n"`` between paragraphs, exactly as written (:func:`_join_units`).

**Describing** (:func:`_describe`) works out, once per unit of the answer region, all that
the scoring rules need about the line alone: greeting, sign-off, signature, bullet, ending,
whether it can be a headline, and its readings as a doctor-block line.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .block_lines import (
    _parse_name_line,
    _parse_place_line,
    _parse_rating,
    _place_has_headline_words,
)
from .text import _ending
from .vocabulary import (
    _BANNER_FULL_RE,
    _NOISE_LINES,
    _NOT_BANNER_START,
    _NOT_BULLET_START,
    _NOT_COUNT_START,
    _NOT_GREETING_START,
    _NOT_SIGNATURE_START,
    _NOT_SIGNOFF_START,
    _SENTENCE_TAIL,
    _findall_sentence_breaks,
    _match_banner,
    _match_bullet,
    _match_count,
    _match_greeting,
    _match_signature,
    _match_signoff,
)
from .weights import (
    _LONG_LINE_CHARS,
    _LONG_LINE_SENTENCES,
    _MAX_GREETING_ONLY_WORDS,
    _MAX_HEADLINE_CHARS,
    _MAX_HEADLINE_SENTENCES,
    _MAX_NAME_LINE_CHARS,
    _MAX_NOISE_CHARS,
    _MAX_PLACE_LINE_CHARS,
    _MAX_SIGNATURE_CHARS,
    _MAX_SIGNOFF_CHARS,
)


class _Unit:
    """One non-blank, non-junk line, with what surrounded it and what it looks like.

    A plain class with slots, not a dataclass: the parser makes one per line and the
    scoring rules read its attributes many times, so everything they need about the line
    alone is worked out once, by :func:`_describe`, and stored here.
    """

    __slots__ = (
        "text",
        "line",
        "gap",
        "vote",
        "vote_gap",
        "broken",
        "group_first",
        "words",
        "sentences",
        "greeting",
        "greeting_only",
        "signoff",
        "signature",
        "bullet",
        "lower_start",
        "long",
        "ending",
        "never_starts",
        "leads_on",
        "headline_shaped",
        "name",
        "place",
        "place_alone",
        "rating",
        "block_line",
        "tokens",
    )

    def __init__(
        self, text: str, line: int, gap: int, vote: bool, vote_gap: int, broken: bool
    ) -> None:
        self.text = text
        self.line = line
        self.gap = gap  # blank lines between the previous unit and this one
        self.vote = vote  # a vote-widget line was dropped just before this unit
        self.vote_gap = vote_gap  # blank lines between the previous unit and that vote line
        self.broken = broken  # a noise line was dropped just before this unit
        # Starts a paragraph: blank lines or dropped junk separate it from the last unit.
        self.group_first = gap > 0 or vote or broken
        # (_scan makes units without this call; keep the two in step.)
        # The shape is filled in by _describe(), for the units of the answer region only.
        # Of the shape, the rest of the parser reads only these two on other units (the
        # last line of the question may end the file).
        self.signoff = False
        self.signature = False

    # Shape, set by _describe():
    words: int
    sentences: int  # up to 3 ("many"), see _describe
    greeting: bool
    greeting_only: bool  # a greeting and nothing else ("Hi Kelly,")
    bullet: bool
    lower_start: bool  # the first letter is lowercase
    long: bool
    ending: str  # see _ending()
    never_starts: bool  # see _never_starts(): the line itself rules a start out
    leads_on: bool  # the line after this one continues it (see _never_starts())
    headline_shaped: bool  # see _describe()
    # Doctor-block readings of the line, when it is short enough to be one.
    name: tuple[str, str, bool] | None
    place: tuple[str, str] | None
    # The place reading holds with no name above and no rating below to confirm it: no
    # word of the place is one headlines use. Otherwise a lone line is a headline.
    place_alone: bool
    rating: tuple[Decimal | None, int | None] | None
    block_line: bool  # any of the three readings
    tokens: list[str] | None  # text.split(), when _describe needed it


def _scan(lines: list[str]) -> tuple[list[_Unit], bool]:
    """Turn lines into units, dropping vote widgets, templates and noise lines.

    Returns the units and whether a vote widget came after the last unit.
    """
    units: list[_Unit] = []
    gap = vote_gap = 0
    vote = broken = False
    new_unit = object.__new__
    for index, line in enumerate(lines):
        if not line:
            gap += 1
            continue
        first = line[0]
        if first == "{" and line.startswith("{{"):
            if "votecount" in line.casefold() and not vote:
                vote, vote_gap = True, gap
            continue  # template junk
        if units:
            if first not in _NOT_BANNER_START and _match_banner(line):
                line = _BANNER_FULL_RE.sub("", line)
                if not line:
                    broken = True
                    continue
            # A noise line ("You might also like...") is short.
            if (
                len(line) <= _MAX_NOISE_CHARS
                and line.casefold().rstrip(".\u2026!: ") in _NOISE_LINES
            ):
                broken = True
                continue
        # _Unit(line, index + 1, gap, vote, vote_gap, broken), spelt out: this runs for
        # every line of every file, and skipping the __init__ call saves a third of it.
        unit = new_unit(_Unit)
        unit.text = line
        unit.line = index + 1
        unit.gap = gap
        unit.vote = vote
        unit.vote_gap = vote_gap
        unit.broken = broken
        unit.group_first = gap > 0 or vote or broken
        unit.signoff = unit.signature = False
        units.append(unit)
        gap = vote_gap = 0
        vote = broken = False
    return units, vote


def _join_units(units: Iterable[_Unit]) -> str:
    """Rejoin lines as written: a line break inside a paragraph, a blank line between."""
    parts: list[str] = []
    for unit in units:
        if parts:
            parts.append("\n\n" if unit.group_first else "\n")
        parts.append(unit.text)
    return "".join(parts)


def _typical_gap(units: list[_Unit]) -> int:
    """The usual number of blank lines between paragraphs; more than this is "extra"."""
    gaps = sorted([u.gap for u in units if u.gap > 0 and not u.vote and not u.broken])
    return gaps[len(gaps) // 2] if gaps else 1


def _separated(unit: _Unit) -> bool:
    """Junk lines between two blocks mean they belong to different answers."""
    return unit.vote or unit.broken


def _describe(unit: _Unit) -> None:
    """Fill in the unit's shape. Long lines (most body text) only get the cheap features:
    they cannot be headlines, sign-offs, signatures or block lines anyway.

    This runs on every line of the answer region, so it is written for speed: plain local
    variables, no helper calls where a test is short, cheap tests before expensive ones.
    """
    text = unit.text
    size = len(text)
    first = text[0]
    # The first-character tests skip match calls that cannot succeed (see
    # vocabulary._cannot_start).
    greeting = first not in _NOT_GREETING_START and _match_greeting(text) is not None
    bullet = first not in _NOT_BULLET_START and _match_bullet(text) is not None
    lower_start = False
    if first.isalpha():
        lower_start = first.islower()
    else:
        for c in text:
            if c.isalpha():
                lower_start = c.islower()
                break
    unit.greeting = greeting
    unit.bullet = bullet
    unit.lower_start = lower_start
    last = text[-1]
    if last == "." and text[-2:-1] != ".":
        unit.ending = "stop"  # the usual case, as _ending(text) says
    else:
        unit.ending = _ending(text)
    unit.tokens = None
    if size > _MAX_HEADLINE_CHARS:
        _describe_long(unit, size, never_starts=bullet or lower_start, last=last)
        return
    words = text.count(" ") + 1
    # A sentence break is punctuation and a space; the punctuation (and closing quotes or
    # brackets) ending the line has no space after it, so most lines need no search.
    core = text.rstrip(_SENTENCE_TAIL)
    if "." in core or "?" in core or "!" in core or "\u2026" in core:
        sentences = 1 + len(_findall_sentence_breaks(text))
    else:
        sentences = 1
    signoff = (
        size <= _MAX_SIGNOFF_CHARS
        and not greeting
        and first not in _NOT_SIGNOFF_START
        and _match_signoff(text) is not None
    )
    name, place, rating = _block_shapes(unit, text, size, first, last)
    signature = size <= _MAX_SIGNATURE_CHARS and (
        (first not in _NOT_SIGNATURE_START and _match_signature(text) is not None)
        or (name is not None and name[2])
    )
    greeting_only = greeting and sentences == 1 and words <= _MAX_GREETING_ONLY_WORDS
    unit.words = words
    unit.sentences = sentences
    unit.signoff = signoff
    unit.signature = signature
    unit.long = size >= _LONG_LINE_CHARS or sentences >= _LONG_LINE_SENTENCES
    unit.greeting_only = greeting_only
    unit.never_starts = bullet or signoff or signature or lower_start
    unit.leads_on = greeting_only or last == ":"
    unit.name = name
    unit.place = place
    unit.place_alone = place is not None and not _place_has_headline_words(place[0])
    unit.rating = rating
    unit.block_line = name is not None or place is not None or rating is not None
    # Could the line be a headline at all? Short (it is), at most two sentences, not a
    # greeting, sign-off, signature, bullet, block line or the answer count line, and not
    # ending like the first half of a sentence.
    unit.headline_shaped = (
        sentences <= _MAX_HEADLINE_SENTENCES
        and not (greeting or signoff or signature or bullet)
        and last not in ":,;"
        and rating is None
        and not unit.place_alone
        and (first in _NOT_COUNT_START or _match_count(text) is None)
    )


def _describe_long(unit: _Unit, size: int, *, never_starts: bool, last: str) -> None:
    """:func:`_describe` for a line too long to be a headline or a block line."""
    unit.words = size // 5
    unit.sentences = 3  # "many": only short lines need the exact number
    unit.greeting_only = False
    unit.long = True
    unit.never_starts = never_starts
    unit.leads_on = last == ":"
    unit.headline_shaped = False
    unit.name = unit.place = unit.rating = None
    unit.place_alone = unit.block_line = False


def _block_shapes(unit: _Unit, text: str, size: int, first: str, last: str):
    """The line read as a doctor block's name, place or rating line: (name, place, rating),
    each None when it is not one."""
    name = place = rating = None
    if size <= _MAX_PLACE_LINE_CHARS:  # the longest of the three
        # A name or place line starts with a capital, a rating with a digit.
        if first.isupper():
            tokens = unit.tokens = text.split()  # kept for _is_title_case
            # The functions' own first tests, to save the calls on most lines.
            if size <= _MAX_NAME_LINE_CHARS and last not in "!?:;":
                name = _parse_name_line(text, require_credentials=False, words=tokens)
            if last not in ".!?:;,\"')":
                place = _parse_place_line(text, tokens)
        elif first.isdigit():
            rating = _parse_rating(text)
    return name, place, rating


def _never_starts(unit: _Unit, prev: _Unit) -> bool:
    """Lines that cannot open an answer: they continue or close the one before.

    That is a bullet, sign-off, signature or lowercase start (``unit.never_starts``), or
    a line after a bare greeting or a colon (``prev.leads_on``).
    """
    return unit.never_starts or prev.leads_on
