"""The frame around the answers: the answer-count line, the details line, the disclaimer.

See ``docs/FORMAT.md`` ("The parts, top to bottom"): ``Doctor Answers N`` parts the question
from the answers when it is printed; the details line (``age : 30 sex: female treatment :
...``) sits in or after the question; the site disclaimer ends the page, sometimes glued
to the last answer's last sentence or cut short.
"""

from __future__ import annotations

from .lines import _join_units, _Unit
from .vocabulary import (
    _AGE_RE,
    _DETAILS_KEY_RE,
    _DETAILS_START_RE,
    _MULTI_SPACE_RE,
    _SITE_DISCLAIMER_KEY,
    _match_count,
)
from .weights import _GLUED_DISCLAIMER_CHARS, _MAX_DISCLAIMER_UNITS, _MIN_PARTIAL_DISCLAIMER


def _find_count_line(units: list[_Unit]) -> tuple[int | None, int | None]:
    """Index of the ``Doctor Answers N`` line and the number N (None when not printed)."""
    for index, unit in enumerate(units):
        match = _match_count(unit.text)
        if match:
            number = match.group(1) or match.group(2)
            return index, int(number.replace(",", "")) if number else None
    return None, None


def _split_disclaimer(units: list[_Unit]) -> tuple[list[_Unit], str | None, bool]:
    """Take the site disclaimer off the end: (units before it, its text, whether it is cut)."""
    if not units:
        return units, None, False
    # Sometimes the disclaimer is glued to the last sentence of the last answer.
    last = units[-1]
    position = last.text.casefold().find(_SITE_DISCLAIMER_KEY[:_GLUED_DISCLAIMER_CHARS])
    if position > 0:
        units = units[:-1] + [
            _Unit(
                last.text[:position].rstrip(),
                last.line,
                last.gap,
                last.vote,
                last.vote_gap,
                last.broken,
            ),
            _Unit(last.text[position:], last.line, 0, False, 0, False),
        ]
    for k in range(max(1, len(units) - _MAX_DISCLAIMER_UNITS), len(units)):
        if _starts_disclaimer(units[k].text):
            text = _join_units(units[k:])
            key = _MULTI_SPACE_RE.sub(" ", text.replace("\n", " ")).casefold()
            cut = len(key) < len(_SITE_DISCLAIMER_KEY) and _SITE_DISCLAIMER_KEY.startswith(key)
            return units[:k], text, cut
    return units, None, False


def _starts_disclaimer(text: str) -> bool:
    key = text.casefold()
    if key.startswith("these answers are for educational purposes"):
        return True
    return len(key) >= _MIN_PARTIAL_DISCLAIMER and _SITE_DISCLAIMER_KEY.startswith(key)


def _take_details(units: list[_Unit], limit: int | None = None) -> _Unit | None:
    """Remove and return the details line (``age : 30 sex: female ...``), if any."""
    stop = len(units) if limit is None else min(limit, len(units))
    for i in range(stop):
        if units[i].vote:
            return None
        if _DETAILS_START_RE.match(units[i].text):
            return units.pop(i)
    return None


def _parse_details(unit: _Unit | None, warnings: list[str]) -> tuple[int | None, str, str]:
    if unit is None:
        return None, "", ""
    values: dict[str, str] = {}
    matches = list(_DETAILS_KEY_RE.finditer(unit.text))
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(unit.text)
        key = match.group(1).casefold()
        values["sex" if key == "gender" else key] = unit.text[match.end() : end].strip()
    age = None
    raw_age = values.get("age", "")
    if raw_age:
        found = _AGE_RE.match(raw_age)
        if found:
            age = int(found.group())
        else:
            warnings.append(f"line {unit.line}: age {raw_age!r} is not a number")
    return age, values.get("sex", ""), values.get("treatment", "")
