"""The two input formats of an import, each turned into the same ThreadData.

Like Django's serializers, each format is a module of its own (`scraped` for the scraper's
text files, `jsonl` for our own JSON Lines export); this module is the one place that
chooses between them. Errors are ItemError with the line they concern, so a bad file or
line fails alone.
"""

from . import jsonl, scraped
from .sources import Item
from .threads import ThreadData, check_lengths


def thread_from_item(item: Item) -> ThreadData:
    """Decode one item in its format, checked against the database's column limits."""
    if item.line is not None:  # a line of a JSON Lines file
        thread = jsonl.thread_from_json(item)
    else:
        thread = scraped.thread_from_text(item)
    check_lengths(thread)
    return thread


def source_key_without_parsing(item: Item) -> str:
    """A cheap key for the unchanged check, so unchanged files are never parsed.

    "" for files named without a page id: they are keyed by their title, after parsing.
    """
    if item.line is not None:
        return jsonl.source_key_from_line(item.data)
    return scraped.source_key_from_name(item.source_file)
