"""Imported text made inert for display: the one function both formats pass text through.

Scraped pages come from the open web. A right-to-left override (U+202E) in a title makes a
browser show "txt.exe" as "exe.txt"; embeddings and isolates reorder whatever follows
them; C0 and C1 control characters (a bell, an escape that starts a terminal colour code)
have no business in a knowledge base and confuse the admin, logs and feed readers. They
are dropped at import, so every page, feed, sitemap and export shows only what was meant.
Tabs and line breaks stay: they are the texts' layout. A NUL never gets this far: each
format refuses it first, as the sign of a binary or corrupted file. HTML needs nothing here; the
templates escape it.
"""

import re

_CONTROLS = [c for c in range(0x20) if chr(c) not in "\t\n\r"] + list(range(0x7F, 0xA0))
# Marks (LRM, RLM, ALM), embeddings and overrides (LRE, RLE, PDF, LRO, RLO), isolates.
_BIDI = [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]

UNSAFE = frozenset(map(chr, _CONTROLS + _BIDI))
_UNSAFE_RE = re.compile("[" + re.escape("".join(sorted(UNSAFE))) + "]")
_DROP = dict.fromkeys(map(ord, UNSAFE))


def neutralise(text: str) -> str:
    """`text` without bidi controls and stray control characters."""
    # Searching is much cheaper than translating, and almost every text is clean.
    if _UNSAFE_RE.search(text) is None:
        return text
    return text.translate(_DROP)
