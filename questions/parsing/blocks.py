"""Doctor blocks: the block lines read by ``block_lines``, put together.

A block (``docs/FORMAT.md``, "Doctor block") is a name with credentials, a place and
specialty line and a star rating, each line optional but in that order, found by shape. A
bare name (no credentials) that also reads as a place line or a "Dr. X" / "-X" signature
is read as that instead. A block closes an answer. A block that has no rating and is
immediately followed by another block is a signature inside the body that repeats the
name, not a block.
"""

from __future__ import annotations

from .lines import _separated, _Unit
from .results import DoctorBlock
from .vocabulary import _match_signature
from .weights import _MAX_BLOCK_GAP


def _find_blocks(units: list[_Unit]) -> tuple[list[tuple[int, int, DoctorBlock]], list[int | None]]:
    """The region's doctor blocks as ``(first unit, end, block)``, and for each unit the
    index of the block it belongs to (None outside blocks).

    A rating-less block right before another is a signature, left in the body.
    """
    blocks: list[tuple[int, int, DoctorBlock]] = []
    block_of: list[int | None] = [None] * len(units)
    i = 0
    while i < len(units):
        if not units[i].block_line:
            i += 1  # no block starts at a line that reads as no block line
            continue
        found = _match_block(units, i)
        if found is None:
            i += 1
            continue
        end, block = found
        if block.rating is None and end < len(units) and not _separated(units[end]):
            following = _match_block(units, end)
            if following is not None:
                i = end  # the signature stays in the body; the real block follows
                continue
        for k in range(i, end):
            block_of[k] = len(blocks)
        blocks.append((i, end, block))
        i = end
    return blocks, block_of


def _match_block(units: list[_Unit], i: int) -> tuple[int, DoctorBlock] | None:
    """Match a doctor block starting at unit ``i``: (end index, block), or None."""
    n = len(units)
    j = i
    name = credentials = None
    parsed = units[j].name
    if parsed is not None:
        name, credentials, has_credentials = parsed
        nxt = units[j + 1] if j + 1 < n else None
        follows = nxt is not None and _block_line_follows(nxt)
        if not has_credentials and (units[j].place is not None or _match_signature(units[j].text)):
            # A bare name that also reads as something else is that other thing: a place
            # line ("Beverly Hills Dentist" above a rating) or a body signature ("Dr Taylor",
            # "-David Gilpin" above the real place line). The site prints block names
            # without "Dr." or dashes.
            name = credentials = None
        elif has_credentials or (
            follows and (_takes_place(units, j + 1, units[j]) or nxt.rating is not None)
        ):
            j += 1
        else:
            name = credentials = None
    place = specialty = ""
    name_line = units[i] if name is not None else None
    if j < n and (j == i or _block_line_follows(units[j])) and _takes_place(units, j, name_line):
        place, specialty = units[j].place
        j += 1
    rating = reviews = None
    if j < n and (j == i or _block_line_follows(units[j])) and units[j].rating is not None:
        rating, reviews = units[j].rating
        j += 1
    if j == i:
        return None
    return j, DoctorBlock(name, credentials or "", place, specialty, rating, reviews)


def _block_line_follows(unit: _Unit) -> bool:
    # Lines of one block may be parted by a blank line or two, never by junk lines.
    return not unit.vote and not unit.broken and unit.gap <= _MAX_BLOCK_GAP


def _takes_place(units: list[_Unit], j: int, name_line: _Unit | None = None) -> bool:
    """Is the unit at ``j``, which may read as a place line, the place line of a block
    whose name line (if any) is ``name_line``?

    Its block decides first: a rating line just below it, or a name with credentials just
    above it (no blank line between), make it one whatever its words, since real places
    begin with ordinary words ("Great Falls", "Long Beach"). A line with neither could as
    well be the next answer's headline ("Ask Your Plastic Surgeon"): only then do its
    words decide, and a place-less specialty ("Plastic Surgeon") needs a name above it.
    """
    unit = units[j]
    if unit.place is None:
        return False
    if _rating_follows(units, j):
        return True
    if name_line is not None and name_line.name[2] and unit.gap == 0:
        return True
    return unit.place_alone and (bool(unit.place[0]) or name_line is not None)


def _rating_follows(units: list[_Unit], j: int) -> bool:
    return (
        j + 1 < len(units) and _block_line_follows(units[j + 1]) and units[j + 1].rating is not None
    )
