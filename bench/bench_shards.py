"""Benchmark: one import run against N sharded runs at once (`--shard K/N`), same corpus.

    make bench-shards                                          # 100,000 threads, 2 shards
    make bench-shards BENCH_ARGS="--shards 4 --count 20000"

Each side imports the generated corpus (bench/corpus/N-SEED/, written by
bench/generate_corpus.py when missing) into its own scratch database on the project's
server: first one `import_threads` run, then N runs started together, one shard each.
Prints the wall time and files/s of each side, the CPU the import processes and
PostgreSQL spent, the machine's load average before and after, and checks that both
databases hold the same number of threads, answers, doctors and tags. Then the sizes of
the one-run database: tables with their indexes, indexes alone (the sizing figures of
the README's "Running at scale").
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_import import SUMMARY, scratch_database_url  # noqa: E402

COUNTS = {
    "threads": "SELECT count(*) FROM questions_question",
    "answers": "SELECT count(*) FROM answers_answer",
    "doctors": "SELECT count(*) FROM answers_doctor",
    "area tags": "SELECT count(*) FROM questions_taggedarea",
    "procedure tags": "SELECT count(*) FROM questions_taggedprocedure",
}
SIZES = """
SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname = 'public'
ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 8
"""


def _cpu(pid: str) -> float:
    """utime + stime of a process and of its ended children it waited for, in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rpartition(")")[2].split()
    except OSError:
        return 0.0  # ended meanwhile
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(postmaster: str) -> float:
    """CPU used so far by one PostgreSQL server: its postmaster and every process it
    started. Other servers on the machine (other checkouts' tests) are left out."""
    total = _cpu(postmaster)  # with its ended backends
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                ppid = handle.read().rpartition(")")[2].split()[1]
        except OSError:
            continue
        if ppid == postmaster:
            total += _cpu(pid)
    return total


def postmaster_pid(url: str) -> str:
    """The server's postmaster: the parent of its checkpointer."""
    (pid,) = query(url, "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")[0]
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rpartition(")")[2].split()[1]


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def run_imports(corpus: Path, url: str, shards: int | None) -> dict:
    """Run one import (shards None) or `shards` at once; wall time and CPU used."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": ""}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    commands = (
        [["import_threads", str(corpus), "-v1"]]
        if shards is None
        else [
            ["import_threads", str(corpus), "-v1", f"--shard={k}/{shards}"]
            for k in range(1, shards + 1)
        ]
    )
    postmaster = postmaster_pid(url)
    stats = (
        "SELECT deadlocks, xact_rollback FROM pg_stat_database WHERE datname = current_database()"
    )
    stats_before = query(url, stats)[0]
    before, pg_before, started = load(), postgres_cpu_seconds(postmaster), time.monotonic()
    children = []
    for args in commands:
        # Files, not pipes: nobody reads a pipe while wait4 waits. Closed on exit.
        out = tempfile.TemporaryFile("w+")  # noqa: SIM115
        child = subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        children.append((child, out))
    cpu, lines = 0.0, []
    for child, out in children:
        _, status, usage = os.wait4(child.pid, 0)
        cpu += usage.ru_utime + usage.ru_stime
        out.seek(0)
        text = out.read()
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"an import failed:\n{text[-3000:]}")
        lines += [line for line in text.splitlines() if SUMMARY.search(line)]
    seconds = time.monotonic() - started
    pg_cpu = postgres_cpu_seconds(postmaster) - pg_before
    time.sleep(1)  # statistics reach pg_stat_database within a second
    deadlocks, rollbacks = (b - a for a, b in zip(stats_before, query(url, stats)[0], strict=True))
    return {
        "deadlocks": deadlocks,
        "rollbacks": rollbacks,
        "seconds": seconds,
        "import_cpu": cpu,
        "postgres_cpu": pg_cpu,
        "load": f"{before} -> {load()}",
        "lines": lines,
    }


def query(url: str, sql: str) -> list[tuple]:
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="Keep the scratch databases.")
    args = parser.parse_args()

    from bench.generate_corpus import write_corpus

    corpus = ROOT / "bench" / "corpus" / f"{args.count}-{args.seed}"
    if not corpus.exists():
        files, size = write_corpus(corpus, args.count, seed=args.seed, jobs=2)
        print(f"Generated {files:,} files ({size / 1e6:,.0f} MB)")
    print(f"Corpus: {corpus.relative_to(ROOT)}; {os.cpu_count()} cores")

    sides = {"one run": None, f"{args.shards} sharded runs at once": args.shards}
    urls, counts = {}, {}
    for label, shards in sides.items():
        name = "kbsite_bench_one" if shards is None else "kbsite_bench_shards"
        urls[label] = url = scratch_database_url(name)
        result = run_imports(corpus, url, shards)
        rate = args.count / result["seconds"]
        print(
            f"{label:24} {result['seconds']:7.1f} s  {rate:6,.0f} files/s  "
            f"CPU: import {result['import_cpu']:6.0f} s, PostgreSQL "
            f"{result['postgres_cpu']:6.0f} s  load {result['load']}  "
            f"(deadlocks {result['deadlocks']}, rolled back {result['rollbacks']})"
        )
        for line in result["lines"]:
            print(f"    {line}")
        counts[label] = {what: query(url, sql)[0][0] for what, sql in COUNTS.items()}

    for label, found in counts.items():
        print(f"{label:24} " + ", ".join(f"{what} {n:,}" for what, n in found.items()))
    one, sharded = counts.values()
    # Doctors may differ by a few: a byline without a place line joins the one doctor of
    # that name known so far, and shards read the files in another order.
    same = {k: v for k, v in one.items() if k != "doctors"}
    print("Same threads, answers and tags:", same == {k: sharded[k] for k in same})

    url = urls["one run"]
    (total,) = query(url, "SELECT pg_database_size(current_database())")[0]
    print(f"Database size after one run: {total / 1e6:,.0f} MB; largest tables:")
    for table, size, indexes in query(url, SIZES):
        print(f"    {table:32} {size / 1e6:8,.0f} MB  (indexes {indexes / 1e6:6,.0f} MB)")
    if not args.keep:
        for url in urls.values():
            drop_database(url.rsplit("/", 1)[1])  # leave no gigabytes behind


def drop_database(name: str) -> None:
    from django.db import connection

    raw = connection.connection
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
