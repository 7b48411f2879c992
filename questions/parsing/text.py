"""Text before it is read: bytes to text, text to normalised lines, and the word helpers.

**Normalising** a line (``docs/FORMAT.md``, "odd spacing"): non-breaking and other odd
spaces become spaces, runs of spaces collapse, leading and trailing spaces go. Nothing else
in the text changes. The word, stem and ending helpers below are what the shape and
scoring rules read of a line's words.
"""

from __future__ import annotations

from itertools import compress, count
from operator import not_

from .results import ParseError
from .vocabulary import (
    _DOCTOR_WORDS,
    _NON_ALNUM_RE,
    _PATIENT_WORDS,
    _SMALL_WORDS,
    _STOPWORDS,
    _findall_words,
    _search_odd_or_zero_width,
    _sub_multi_spaces,
    _sub_odd_spaces,
    _sub_zero_width,
)

# Byte-order marks and the encodings they announce, longest first: the UTF-32 LE mark
# begins with the UTF-16 LE one.
_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 BE"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
)


def decode_thread_bytes(data: bytes) -> str:
    """Decode a thread file: UTF-8, or any Unicode encoding its byte-order mark announces
    (UTF-8, UTF-16 or UTF-32, as editors on Windows save text); anything else is a
    ParseError that says what the file looks like."""
    for mark, codec, name in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return _decode_marked(data, len(mark), codec, name)
    nul = data.find(b"\x00")
    if nul != -1:
        raise ParseError(
            f"binary file (NUL byte at offset {nul}){_looks_like_utf16(data)}",
            line=data.count(b"\n", 0, nul) + 1,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})",
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None


def _decode_marked(data: bytes, start: int, codec: str, name: str) -> str:
    """The text after a byte-order mark, in the encoding it announces. Offsets in errors
    count from the start of the file, lines from the text decoded before the fault."""
    body = data[start:]
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        before = body[: exc.start].decode(codec, errors="replace")
        raise ParseError(
            f"{name} text (byte-order mark {data[:start].hex(' ').upper()}) that does not "
            f"decode: {exc.reason} at offset {start + exc.start}",
            line=before.count("\n") + 1,
        ) from None
    nul = text.find("\x00")
    if nul != -1:
        raise ParseError(
            f"{name} text with a NUL character, not a text thread page",
            line=text.count("\n", 0, nul) + 1,
        )
    return text


def _looks_like_utf16(data: bytes) -> str:
    """What a file with NUL bytes is, when it reads as UTF-16 without its mark: most of
    the text is ASCII, so every other byte is NUL (the high byte of each character)."""
    sample = data[:400]
    half = len(sample) // 2
    if half >= 2:
        for name, high in (("LE", 1), ("BE", 0)):
            # High bytes nearly all NUL, low bytes nearly none: not a run of zeros.
            highs, lows = sample[high::2].count(0), sample[1 - high :: 2].count(0)
            if highs * 10 >= half * 9 and lows * 10 <= half:
                return (
                    f": looks like UTF-16 {name} text without a byte-order mark; save it as UTF-8"
                )
    return ", not a text thread page"


def _normalised_lines(text: str) -> list[str]:
    """The file's lines, each normalised by :func:`_normalise_line`.

    This runs on every line of every file, so the loops over all lines are left to
    ``map`` and ``compress``; Python code only runs for the few lines that need more than
    ``strip``.
    """
    # Count lines like an editor does: only \n, \r\n and \r end a line.
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw = text.split("\n")
    if "\t" in text or "\x0b" in text or "\x0c" in text:
        return [_normalise_line(line) for line in raw]
    lines = list(map(str.strip, raw))
    if not text.isascii():
        # Without tabs, only a line with non-ASCII characters can hold odd spaces.
        for i in compress(count(), map(not_, map(str.isascii, raw))):
            lines[i] = _normalise_line(raw[i])
    if "  " in text:
        for i, line in enumerate(lines):
            if "  " in line:
                lines[i] = _sub_multi_spaces(" ", line)
    return lines


def _normalise_line(raw: str) -> str:
    """One line, normalised as the module docstring says."""
    if not raw.isascii():
        if _search_odd_or_zero_width(raw):  # one search instead of two subs, mostly
            raw = _sub_zero_width("", _sub_odd_spaces(" ", raw))
    elif "\t" in raw or "\x0b" in raw or "\x0c" in raw:
        raw = _sub_odd_spaces(" ", raw)
    line = raw.strip()
    if "  " in line:
        line = _sub_multi_spaces(" ", line)
    return line


_ENDING_CLOSERS = "\"'\u201d\u2019)] "
_ENDING_MARKS = {"?": "question", "!": "exclaim", ".": "stop", "\u2026": "ellipsis"}


def _ending(text: str) -> str:
    last = text[-1:]
    if last not in _ENDING_CLOSERS:
        # Nothing to strip, the usual case. (A line ending in "..." also ends in ".".)
        if last == ".":
            return "ellipsis" if text.endswith("...") else "stop"
        return _ENDING_MARKS.get(last, "none")
    stripped = text.rstrip(_ENDING_CLOSERS)
    if not stripped:
        return "none"
    if stripped.endswith(("...", "\u2026")):
        return "ellipsis"
    return {"?": "question", "!": "exclaim", ".": "stop"}.get(stripped[-1], "none")


def _ends_mid_sentence(text: str) -> bool:
    last = text.rstrip()[-1]
    return last.isalnum() or last in ",;:-\u2013\u2014(/&+"


def _is_title_case(text: str, words: list[str] | None = None) -> bool:
    """At least two content words (not small words), all capitalised; not all capitals.

    ``words`` is ``text.split()`` when the caller has it already.
    """
    if words is None:
        first = text[0]
        # A lowercase first word rules the line out, unless it is a small word.
        if (
            first.isalpha()
            and not first.isupper()
            and text.split(None, 1)[0].casefold() not in _SMALL_WORDS
        ):
            return False
        words = text.split()
    content = 0
    for word in words:
        first = word[0]
        if first.isalpha() and word.casefold() not in _SMALL_WORDS:
            if not first.isupper():
                return False
            content += 1
    return content >= 2 and not text.isupper()


def _words(text: str) -> list[str]:
    """Lower-cased words, apostrophes kept ("can't", "you're")."""
    return _folded_words(text.casefold())


# ASCII characters other than word characters (\w and the apostrophe), each to a space.
_NON_WORD_BYTES = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) in "_'"))
_NON_WORD_TO_SPACE = bytes.maketrans(_NON_WORD_BYTES, b" " * len(_NON_WORD_BYTES))
# ASCII characters that _alnum_key drops.
_ALNUM_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
_NON_ALNUM_BYTES = bytes(c for c in range(128) if not (48 <= c <= 57 or 97 <= c <= 122))


def _folded_words(folded: str) -> list[str]:
    """:func:`_words` of text already case-folded."""
    folded = folded.replace("\u2019", "'")
    if folded.isascii():
        # What _WORD_RE finds, several times faster: bytes.translate turns every character
        # that cannot be part of a word into a space.
        return folded.encode().translate(_NON_WORD_TO_SPACE).decode().split()
    return _findall_words(folded)


def _stems(text: str) -> set[str]:
    return _stems_from_words(_words(text))


def _stems_from_words(words: list[str]) -> set[str]:
    # Five-letter prefixes are a cheap stemmer: "asymmetry"/"asymmetric", "smile"/"smiles".
    return {w[:5] for w in words if len(w) >= 4 and w not in _STOPWORDS}


def _alnum_key(text: str) -> str:
    return _NON_ALNUM_RE.sub("", text.casefold())


def _pronoun_balance(text: str) -> int:
    """Words addressing the reader minus words about the writer: doctors say "you"."""
    words = _words(text)
    return sum(1 for w in words if w in _DOCTOR_WORDS) - sum(
        1 for w in words if w in _PATIENT_WORDS
    )
