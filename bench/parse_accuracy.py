"""How faithfully the parser reads generated threads, checked against their ground truth.

    .venv/bin/python bench/parse_accuracy.py [--count 5000] [--seed 1]

For each generated file, bench/generate_corpus.thread_info() says what the page held;
this compares the parser's output with it and prints the share of threads whose answer
count, doctor names, declared count, disclaimer and completeness come out right, per file
style (standard, bare, headless). It also prints the parser's speed.
"""

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate_corpus import generate_thread, thread_info  # noqa: E402
from questions.parsing import ParseError, normalise_name, parse_thread  # noqa: E402


def doctor_label(block) -> str | None:
    return normalise_name(block.name) if block is not None and block.name else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    checks: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    parse_seconds = 0.0
    for index in range(args.count):
        info = thread_info(index, seed=args.seed)
        text = generate_thread(index, seed=args.seed)
        started = time.perf_counter()
        try:
            thread = parse_thread(text)
        except ParseError:
            thread = None
        parse_seconds += time.perf_counter() - started
        if info["kind"] != "thread":
            totals["banner"] += 1
            checks["banner"]["rejected"] += thread is None
            continue
        style = info["style"]
        totals[style] += 1
        result = checks[style]
        if thread is None:
            result["parse error"] += 1
            continue
        expected_answers = info["answers"]
        found = len(thread.answers)
        result["answer count"] += found == expected_answers
        # A cut-off last answer may lose its doctor block: compare the complete ones.
        complete = info["answers_complete"]
        names = [doctor_label(a.doctor) for a in thread.answers][:complete]
        truth = [normalise_name(n) if n else None for n in info["doctors"]][:complete]
        result["doctor names"] += found == expected_answers and names == truth
        result["declared count"] += thread.declared_answer_count == (
            info["declared"] if info["count_line"] in ("plain", "paren") else None
        )
        result["disclaimer"] += (thread.disclaimer is not None) == info["disclaimer"]
        result["complete flag"] += thread.complete == (not info["truncated"])

    print(f"{args.count:,} generated threads (seed {args.seed})")
    for style in ("standard", "bare", "headless", "banner"):
        if not totals[style]:
            continue
        parts = [
            f"{name} {count / totals[style]:6.1%}" for name, count in sorted(checks[style].items())
        ]
        print(f"  {style:9} {totals[style]:6,}: " + "; ".join(parts))
    print(f"parser: {args.count / parse_seconds:,.0f} threads/s on one core")


if __name__ == "__main__":
    main()
