"""Compare the parser with an earlier revision of it, field by field.

    .venv/bin/python bench/compare_parser.py [--rev 64ce47e] [--count 20000]

Loads the old parser at REV as a module of its own, ``old_parsing``: until 64ce47e (the
default) it is the single file ``questions/parsing.py``, read with ``git show``; after that
it is the package ``questions/parsing/``, taken with ``git archive`` into a temporary
folder and imported from there (its modules import each other relatively, so they load
as ``old_parsing.*``, never as today's ``questions.parsing.*``). Then parses the sample
threads in fixtures/threads/ and COUNT generated threads with both, comparing the whole
ParsedThread (or the ParseError's message and line). Prints the counts and the first
difference; exits 1 on any difference. For refactors that must not change what the parser
reads.
"""

import argparse
import importlib.util
import io
import subprocess
import sys
import tarfile
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import generate_thread  # noqa: E402
from questions import parsing as new  # noqa: E402


def load_old(rev: str) -> types.ModuleType:
    """The parser at ``rev``, single file or package, as the module ``old_parsing``."""
    if _git(["cat-file", "-t", f"{rev}:questions/parsing.py"], check=False).returncode == 0:
        return _load_file(rev)
    return _load_package(rev)


def _git(args: list[str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, check=check, capture_output=True)


def _load_file(rev: str) -> types.ModuleType:
    source = _git(["show", f"{rev}:questions/parsing.py"]).stdout.decode()
    module = types.ModuleType("old_parsing")
    sys.modules["old_parsing"] = module  # dataclasses look their module up by name
    exec(compile(source, f"{rev}:questions/parsing.py", "exec"), module.__dict__)
    return module


def _load_package(rev: str) -> types.ModuleType:
    archive = _git(["archive", "--format=tar", rev, "questions/parsing"]).stdout
    with tempfile.TemporaryDirectory(prefix="old_parsing_") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            # The "data" filter refuses links and paths out of the folder (Python 3.11.4+).
            if hasattr(tarfile, "data_filter"):
                tar.extractall(tmp, filter="data")
            else:
                tar.extractall(tmp)
        folder = Path(tmp) / "questions" / "parsing"
        spec = importlib.util.spec_from_file_location(
            "old_parsing", folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["old_parsing"] = module
        # The package imports all of its modules here, so the folder may go afterwards.
        spec.loader.exec_module(module)
    return module


def outcome(parser, text: str):
    """What a parser makes of text, as plain values: the fields, or the error."""
    try:
        return repr(parser.parse_thread(text)).replace("old_parsing.", "")
    except parser.ParseError as exc:
        return ("ParseError", str(exc), getattr(exc, "line", None))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The last revision with the single-file parser; any later one (a package) works too.
    parser.add_argument("--rev", default="64ce47e")
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
