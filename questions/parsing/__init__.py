"""Parse the scraped text of one question page into a :class:`ParsedThread`.

Pure: standard library only, no Django, no database. The bulk importer calls
:func:`decode_thread_bytes` and :func:`parse_thread` once per file, thousands of times a
second. The file format is ``docs/FORMAT.md``: a title line, the question text, an
optional ``Doctor Answers N`` line, the answers, and the site disclaimer. Everything but
the title is optional or irregular, so the parser works in layers, each module's docstring
saying how its layer reads the page:

1. ``text``: decode the bytes and normalise each line's spacing;
2. ``lines``: scan the lines into units and describe each unit's shape;
3. ``parser`` and ``regions``: frame the thread (title, question, count line, details
   line, disclaimer) and run the layers below on the answer region;
4. ``block_lines`` and ``blocks``: find the doctor blocks that close answers;
5. ``scoring`` and ``starts``: find where answers start, certain or guessed;
6. ``answers``: build the answers and judge whether the file was cut off.

``results`` holds the returned types, ``vocabulary`` the word lists and regular expressions,
``weights`` every weight and threshold. Imports flow one way, never in a circle: results,
vocabulary, weights -> text -> block_lines -> lines -> blocks -> regions -> scoring ->
starts -> answers -> parser -> this package.
"""

from .block_lines import normalise_name, split_place_specialty
from .parser import parse_thread
from .results import DoctorBlock, ParsedAnswer, ParsedThread, ParseError
from .text import decode_thread_bytes
from .vocabulary import SPECIALTIES

__all__ = [
    "SPECIALTIES",
    "DoctorBlock",
    "ParseError",
    "ParsedAnswer",
    "ParsedThread",
    "decode_thread_bytes",
    "normalise_name",
    "parse_thread",
    "split_place_specialty",
]
