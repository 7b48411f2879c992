"""Compare the parser with an earlier revision of it, field by field.

    .venv/bin/python bench/compare_parser.py [--rev 781c629] [--count 20000]

Loads the old parser from `git show REV:questions/parsing.py` as a module of its own,
then parses the sample threads in fixtures/threads/ and COUNT generated threads with
both, comparing the whole ParsedThread (or the ParseError's message and line). Prints the
counts and the first difference; exits 1 on any difference. For refactors that must not
change what the parser reads.
"""

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate_thread  # noqa: E402
from questions import parsing as new  # noqa: E402


def load_old(rev: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "show", f"{rev}:questions/parsing.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("old_parsing")
    sys.modules["old_parsing"] = module  # dataclasses look their module up by name
    exec(compile(source, f"{rev}:questions/parsing.py", "exec"), module.__dict__)
    return module


def outcome(parser, text: str):
    """What a parser makes of text, as plain values: the fields, or the error."""
    try:
        return repr(parser.parse_thread(text)).replace("old_parsing.", "")
    except parser.ParseError as exc:
        return ("ParseError", str(exc), getattr(exc, "line", None))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="781c629")
    parser.add_argument("--count", type=int, default=20000)
    args = parser.parse_args()
    old = load_old(args.rev)
    texts = [p.read_text() for p in sorted((ROOT / "fixtures" / "threads").glob("*.txt"))]
    texts += [generate_thread(i) for i in range(args.count)]
    started, errors = time.perf_counter(), 0
    for i, text in enumerate(texts):
        before, after = outcome(old, text), outcome(new, text)
        if before != after:
            print(f"text {i} differs:\n  old: {before}\n  new: {after}")
            return 1
        errors += isinstance(after, tuple)
    took = time.perf_counter() - started
    print(f"identical on {len(texts):,} texts ({errors:,} refused alike) in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
