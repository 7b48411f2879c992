"""`--shard K/N`: one slice of a corpus, so that N machines (or processes) can each
import a part of it at once.

A file belongs to a shard by a stable hash of its name (not its path, which differs
between machines mounting the corpus in different places; not Python's hash(), which
differs between processes); a line of a JSON Lines file by its file name and line
number. The N shards of a corpus are disjoint and together hold every file, and a file
is skipped before it is read. Slices that overlap, or runs given the same files, are
still safe: see questions.importing.store.
"""

import hashlib
import os
import re
from dataclasses import dataclass

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    number: int  # 1 to count
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """ "2/4" -> Shard(2, 4); ValueError with the reason otherwise."""
        match = _SPEC.match(text)
        if not match:
            raise ValueError(f"{text!r}: a shard is K/N, e.g. 2/4")
        number, count = int(match[1]), int(match[2])
        if not 1 <= number <= count:
            raise ValueError(f"{text!r}: K must be from 1 to N")
        return cls(number, count)

    def takes(self, name: str) -> bool:
        """Does the file (or JSON line, "name:line") called `name` belong to this shard?"""
        digest = hashlib.blake2b(os.path.basename(name).encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.count == self.number - 1

    def __str__(self):
        return f"{self.number}/{self.count}"
