"""A search result's snippet: the whole sentences that hold the matches, each once.

PostgreSQL marks every match in a thread's text (ts_headline with HighlightAll, the
English stemming of the search included); the sentences are chosen here, because
ts_headline's own fragments are runs of words cut anywhere, and a thread whose answers
repeat a sentence (a quoted question, a doctor's stock paragraph) showed it twice.
"""

import re

from questions.querysets import HIGHLIGHT_START, HIGHLIGHT_STOP

# Sentences a snippet shows, and the words a very long one is cut to around its match.
SNIPPET_SENTENCES = 2
SENTENCE_WORDS = 40
SEPARATOR = " … "

# A sentence ends at . ! ? or … (and any closing quote or bracket) before a space, or
# at a line break: scraped answers often end a thought with the line.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*[ \t]+|\s*\n\s*")
# Not sentence ends: "Dr. Weiner", "e.g. filler".
_ABBREVIATIONS = ("dr.", "mr.", "mrs.", "ms.", "st.", "e.g.", "i.e.", "vs.", "approx.", "no.")
_MARKS = str.maketrans("", "", HIGHLIGHT_START + HIGHLIGHT_STOP)


def readable_snippet(marked: str) -> str:
    """The first SNIPPET_SENTENCES distinct sentences of `marked` holding a match, in
    text order, joined by " … "; "" when none does (the match was in the title or a
    tag: the row then shows the thread's opening words)."""
    chosen, seen = [], []
    for sentence in _sentences(marked or ""):
        if HIGHLIGHT_START not in sentence:
            continue
        key = _plain(sentence)
        # The same sentence again, or a part of one already shown: no repeats.
        if any(key in earlier or earlier in key for earlier in seen):
            continue
        seen.append(key)
        chosen.append(_shortened(sentence))
        if len(chosen) == SNIPPET_SENTENCES:
            break
    return SEPARATOR.join(chosen)


def _sentences(text):
    pending = ""
    for part in _SENTENCE_END.split(text):
        part = " ".join(part.split())
        if not part:
            continue
        pending = f"{pending} {part}" if pending else part
        if not _plain(pending).endswith(_ABBREVIATIONS):
            yield pending
            pending = ""
    if pending:
        yield pending


def _plain(sentence):
    return " ".join(sentence.translate(_MARKS).split()).casefold()


def _shortened(sentence):
    """A sentence of at most SENTENCE_WORDS words: a long one is cut to the words around
    its first match, with "…" where it was cut."""
    words = sentence.split(" ")
    if len(words) <= SENTENCE_WORDS:
        return sentence
    first = next(i for i, word in enumerate(words) if HIGHLIGHT_START in word)
    start = max(0, min(first - SENTENCE_WORDS // 3, len(words) - SENTENCE_WORDS))
    end = start + SENTENCE_WORDS
    text = " ".join(words[start:end])
    return ("… " if start else "") + text + (" …" if end < len(words) else "")
