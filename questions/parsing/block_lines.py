"""Single lines of a doctor block, each read on its own: name, place and specialty, rating.

A block (``docs/FORMAT.md``, "Doctor block") is a name with credentials
(``Maria Olsen, MD, FAAD``), a place and specialty line (``Little Rock Dermatologist``)
and a rating line (``4.8 out of 5 stars 112 reviews``), each optional but in that order.
This module reads one line as each of the three; ``blocks`` puts the lines together. The
public helpers :func:`split_place_specialty` and :func:`normalise_name` live here too:
the importer matches doctors across files with them.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from .text import _normalise_line
from .vocabulary import (
    _CREDENTIALS,
    _HEADLINE_WORDS,
    _NAME_PARTICLES,
    _NAME_PUNCT_RE,
    _NICKNAME_RE,
    _NOT_NAME_WORDS,
    _PLACE_CONNECTORS,
    _SPECIALTY_MODIFIERS,
    _TOKEN_RE,
    SPECIALTIES,
    _match_rating,
    _match_reviews_only,
)
from .weights import (
    _MAX_ABBREVIATION_CHARS,
    _MAX_NAME_LINE_CHARS,
    _MAX_NAME_WORDS,
    _MAX_PLACE_LINE_CHARS,
    _MAX_PLACE_WORDS,
    _MIN_NAME_WORDS,
)


def _specialty_key(word: str) -> str:
    word = word.casefold().strip(",")
    return "and" if word == "&" else word


_SPECIALTY_KEYS = frozenset(tuple(_specialty_key(w) for w in s.split()) for s in SPECIALTIES)
_SPECIALTY_LAST_WORDS = frozenset(k[-1] for k in _SPECIALTY_KEYS)
_LONGEST_SPECIALTY_ENDING = {
    last: max(len(k) for k in _SPECIALTY_KEYS if k[-1] == last) for last in _SPECIALTY_LAST_WORDS
}


def split_place_specialty(line: str) -> tuple[str, str]:
    """Split ``"Panama City Facial Plastic Surgeon"`` into ``("Panama City", "Facial ...")``.

    The specialty is the longest entry of :data:`SPECIALTIES` that ends the line, extended
    to the left by known modifier words. Returns ``(line, "")`` when no specialty ends the
    line, and ``("", specialty)`` when the whole line is a specialty.
    """
    return _split_specialty(_normalise_line(line).split())


def _split_specialty(words: list[str]) -> tuple[str, str]:
    """:func:`split_place_specialty` for a line already split into words."""
    n = len(words)
    # Only the specialties ending in the line's last word can match, and none longer than
    # the longest of them: most lines are settled by one lookup.
    longest = _LONGEST_SPECIALTY_ENDING.get(_specialty_key(words[-1])) if n else None
    if longest is None:
        return " ".join(words), ""
    m = n if n < longest else longest
    # The _specialty_key of each of the last m words. Without commas and ampersands that
    # is only case folding, done for all of them at once.
    joined = " ".join(words[n - m :])
    if "," in joined or "&" in joined:
        tail = [_specialty_key(w) for w in words[n - m :]]
    else:
        tail = joined.casefold().split(" ")
    for k in range(m, 0, -1):
        if tuple(tail[m - k :]) in _SPECIALTY_KEYS:
            while k < n - 1 and _specialty_key(words[n - k - 1]) in _SPECIALTY_MODIFIERS:
                k += 1
            return " ".join(words[: n - k]).rstrip(" ,"), " ".join(words[n - k :])
    return " ".join(words), ""


def normalise_name(name: str) -> str:
    """Identity of a doctor's name for matching across files.

    ``"Dr. Steven F. Weiner, M.D."`` and ``"steven f weiner MD, FACS"`` both give
    ``"steven f weiner"``: accents and case folded, nicknames in brackets or quotes, a
    leading "Dr."/"Doctor", trailing credentials and punctuation removed, spaces collapsed.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _NICKNAME_RE.sub(" ", _normalise_line(text))
    tokens = _TOKEN_RE.findall(text.replace("-", " "))
    while tokens and _credential_key(tokens[0]) in {"DR", "DOCTOR", "PROF", "PROFESSOR"}:
        tokens.pop(0)
    # Keep two tokens at least: "Anh Do, MD" is Dr. Do, not a doctor of osteopathy.
    while len(tokens) > _MIN_NAME_WORDS and _is_credential(tokens[-1]):
        tokens.pop()
    cleaned = (_NAME_PUNCT_RE.sub("", t).casefold() for t in tokens)
    return " ".join(t for t in cleaned if t)


# --------------------------------------------------------------------------------------
# Parsing


def _parse_rating(text: str) -> tuple[Decimal | None, int | None] | None:
    if not text[0].isdigit():
        return None
    match = _match_rating(text)
    if match:
        reviews = match.group(2)
        return Decimal(match.group(1).replace(",", ".")), _int(reviews) if reviews else None
    match = _match_reviews_only(text)
    if match:
        return None, _int(match.group(1))
    return None


def _int(digits: str) -> int:
    return int(digits.replace(",", "").replace(".", ""))


def _parse_place_line(text: str, words: list[str] | None = None) -> tuple[str, str] | None:
    """``(place, specialty)`` when the line reads as a block's place line, else None.

    The specialty tail and the shape of the place (capitalised words, connectors) decide;
    no word list does: "Great Falls Dermatologist" is a place line. Whether a line that
    reads so *is* one also depends on its block (``blocks._takes_place``).
    ``words`` is ``text.split()`` when the caller has it already.
    """
    if len(text) > _MAX_PLACE_LINE_CHARS or text[-1] in ".!?:;,\"')" or not text[0].isupper():
        return None
    if text[text.rfind(" ") + 1 :].casefold() not in _SPECIALTY_LAST_WORDS:
        return None  # cheap test first: most lines end in no specialty word
    # Unit text is normalised already (split_place_specialty would normalise it again),
    # and splitting on whitespace ignores the rest.
    place, specialty = _split_specialty(text.split() if words is None else words)
    if not specialty:
        return None
    words = place.split()
    if len(words) > _MAX_PLACE_WORDS:
        return None
    for word in words:
        key = word.casefold().strip(",()")
        if key in _PLACE_CONNECTORS or key[:2] in ("d'", "l'") or word[0].isdigit():
            continue
        if not word[0].isupper():
            return None
        if not word.isalpha() and not all(c.isalpha() or c in ".-'\u2019,()" for c in word):
            return None
    return place, specialty


def _place_has_headline_words(place: str) -> bool:
    """Does the place part hold a word headlines use ("See A Board Certified")? Only a
    place line standing alone is judged by this (``blocks._takes_place``)."""
    return any(word.casefold().strip(",()") in _HEADLINE_WORDS for word in place.split())


def _is_credential(token: str) -> bool:
    # The set lookup first: it rules out most tokens, and both tests are pure. A token
    # that is all capitals ("MD") has a capital without looking at each character.
    key = token.upper() if token.isalpha() else _credential_key(token)
    return key in _CREDENTIALS and (token.isupper() or any(c.isupper() for c in token))


def _credential_key(token: str) -> str:
    if token.isalpha():
        return token.upper()  # nothing to remove, the usual case
    return token.replace(".", "").replace("-", "").replace("(", "").replace(")", "").upper()


def _parse_name_line(
    text: str, *, require_credentials: bool = False, words: list[str] | None = None
) -> tuple[str, str, bool] | None:
    """``(name, credentials, has_credentials)`` for a doctor's name line, else None.

    ``Steven F. Weiner, MD`` -> ("Steven F. Weiner", "MD"); ``Stephen Weber MD, FACS`` ->
    ("Stephen Weber", "MD, FACS"); a bare ``Keith Denkler`` -> ("Keith Denkler", "").
    ``words`` is ``text.split()`` when the caller has it already.
    """
    if len(text) > _MAX_NAME_LINE_CHARS or not text[0].isupper() or text[-1] in "!?:;":
        return None
    # Quick rejection of ordinary sentences: a name has no lowercase words but particles.
    if words is None:
        words = text.split()
    for word in words:
        if word[0].islower() and word.casefold() not in _NAME_PARTICLES:
            return None
    if "(" in text or "[" in text or '"' in text or "\u201c" in text:
        return _parse_name_tokens(text, require_credentials)  # may hold a nickname
    # Without nicknames the name's tokens are the first tokens of the line, so the line
    # is judged on its tokens alone and only a real name is cut up with _TOKEN_RE. The
    # rules are those of _parse_name_tokens.
    tokens = text.replace(",", " ").split() if "," in text else words  # as _TOKEN_RE
    count = k = len(tokens)
    while k > _MIN_NAME_WORDS and _is_credential(tokens[k - 1]):
        k -= 1
    has_credentials = k < count
    if (require_credentials and not has_credentials) or not _MIN_NAME_WORDS <= k <= _MAX_NAME_WORDS:
        return None
    # Backwards: a headline or place line usually ends in a word no name has ("Surgeon").
    for i in range(k - 1, -1, -1):
        if not _is_name_token(tokens[i]):
            return None
    if not has_credentials:
        if text[-1] == ".":
            return None  # "Good Luck." is a sign-off, a bare name has no full stop
        if text[-1] != ",":
            return text, "", False  # the last token ends the (stripped) line: all name
    # Cut the text where the tokens are. Between two tokens there are only spaces and
    # commas, which no token holds, so searching backwards from the next token finds each
    # token where it stands.
    end = len(text)
    for i in range(count - 1, k - 1, -1):
        end = text.rfind(tokens[i], 0, end)
    credentials = text[end:] if has_credentials else ""
    name_end = text.rfind(tokens[k - 1], 0, end) + len(tokens[k - 1])
    return text[:name_end].rstrip(" ,"), credentials, has_credentials


def _parse_name_tokens(text: str, require_credentials: bool) -> tuple[str, str, bool] | None:
    """The general case of :func:`_parse_name_line`, after its quick rejections."""
    spans = list(_TOKEN_RE.finditer(text))
    k = len(spans)
    # Credentials trail the name; keep two name tokens ("Anh Do, MD" is Dr. Do).
    while k > _MIN_NAME_WORDS and _is_credential(spans[k - 1].group()):
        k -= 1
    has_credentials = k < len(spans)
    if require_credentials and not has_credentials:
        return None
    name = text[: spans[k - 1].end()].rstrip(" ,")
    credentials = text[spans[k].start() :] if has_credentials else ""
    tokens = _NICKNAME_RE.sub(" ", name).replace(",", " ").split()
    if not _MIN_NAME_WORDS <= len(tokens) <= _MAX_NAME_WORDS or not all(
        _is_name_token(t) for t in tokens
    ):
        return None
    if not has_credentials and text[-1] == ".":
        return None  # "Good Luck." is a sign-off, a bare name has no full stop
    return name, credentials, has_credentials


def _is_name_token(token: str) -> bool:
    key = token.casefold()
    if key in _NAME_PARTICLES:
        return True
    if not token[0].isupper():
        return False
    if token.endswith("."):
        return len(token) <= _MAX_ABBREVIATION_CHARS  # initials and "Dr.", "St.", "Jr."
    if key in _NOT_NAME_WORDS:
        return False
    return token.isalpha() or all(c.isalpha() or c in "'\u2019-" for c in token)
