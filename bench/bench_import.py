"""Benchmark: import a generated corpus into an empty database, then re-import it unchanged.

    make bench-import                       # 100,000 threads
    make bench-import BENCH_ARGS="--count 20000"

Each phase runs `manage.py import_threads` in its own process against a scratch database
(`kbsite_bench`, dropped and re-created on the same server as the project's database), and
prints files/s, that process's peak memory (max RSS, from wait4) and the CPU spent per file
by the import (with its parsing processes) and by the PostgreSQL server. The corpus is
written once to bench/corpus/N/ (git-ignored) by bench/generate_corpus.py and reused.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")

BENCH_DB = "kbsite_bench"  # the default; --database names another
SUMMARY = re.compile(r"([\d,]+) files: .* in ([\d.]+) s \(([\d,]+) files/s\)")


def scratch_database_url(name: str) -> str:
    """A URL for a fresh scratch database on the project's server."""
    import django

    django.setup()
    from django.db import connection

    settings = connection.settings_dict
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return database_url_for(settings, name)


def database_url_for(settings: dict, name: str) -> str:
    """A URL for database `name` on the server of Django's connection `settings`."""
    host = settings["HOST"] or "localhost"
    user = settings["USER"] or "postgres"
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{quote(user)}{password}@{quote(host, safe='')}{port}/{name}"


def postgres_cpu_seconds() -> float | None:
    """CPU used so far by every PostgreSQL server process on this machine, from /proc.

    The server is local here (embedded, or the machine's own), so its CPU is part of an
    import's cost; None where /proc cannot tell.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                raw = handle.read()
        except OSError:
            continue  # ended meanwhile
        name, _, rest = raw.partition("(")[2].rpartition(")")
        if name.startswith("postgres"):
            fields = rest.split()
            # utime and stime, plus what the process collected from its ended children
            total += sum(int(value) for value in fields[11:15]) / tick
    return total


def run_phase(label: str, args: list[str], env: dict) -> dict:
    started = time.monotonic()
    pg_before = postgres_cpu_seconds()
    # Output goes to files, not pipes: nobody reads a pipe while wait4 waits, and a full
    # one would block the import.
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=out_file,
            stderr=err_file,
            text=True,
        )
        # wait4 gives this child's own peak memory, not the maximum over all children.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    seconds = time.monotonic() - started
    pg_after = postgres_cpu_seconds()
    match = SUMMARY.search(out)
    if proc.returncode not in (0, 1) or not match:
        sys.exit(f"{label} failed ({proc.returncode}):\n{out}\n{err[-3000:]}")
    files, import_seconds, rate = match.groups()
    return {
        "label": label,
        "summary": out.strip().splitlines()[-1],
        "files": int(files.replace(",", "")),
        "import_seconds": float(import_seconds),
        "rate": int(rate.replace(",", "")),
        "wall_seconds": seconds,
        "peak_mb": usage.ru_maxrss / 1024,
        # The import process with the parsing processes it waited for.
        "import_cpu": usage.ru_utime + usage.ru_stime,
        "postgres_cpu": pg_after - pg_before if pg_before is not None else None,
        "failed_lines": len(err.strip().splitlines()),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database", default=BENCH_DB, help="Scratch database to (re)create and fill."
    )
    parser.add_argument("--first-only", action="store_true", help="Skip the re-import.")
    args = parser.parse_args()

    from bench.generate_corpus import write_corpus

    corpus = ROOT / "bench" / "corpus" / f"{args.count}-{args.seed}"
    if not corpus.exists():
        started = time.monotonic()
        files, size = write_corpus(corpus, args.count, seed=args.seed, jobs=2)
        seconds = time.monotonic() - started
        print(f"Generated {files:,} files ({size / 1e6:,.0f} MB) in {seconds:.1f} s")

    url = scratch_database_url(args.database)
    # Production settings: DEBUG off (it would also keep every SQL string in memory).
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": ""}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    print(f"Corpus: {corpus.relative_to(ROOT)} ({args.count:,} threads); database: {args.database}")
    phases = ["first import (empty database)", "re-import (unchanged)"]
    for label in phases[:1] if args.first_only else phases:
        result = run_phase(label, ["import_threads", str(corpus), "-v1"], env)
        print(
            f"{label:32} {result['files']:>9,} files  {result['import_seconds']:7.1f} s  "
            f"{result['rate']:>7,} files/s  peak {result['peak_mb']:6.0f} MB  "
            f"({result['failed_lines']} failure lines)"
        )
        print(f"    {result['summary']}")
        per_file = 1000 / result["files"]
        cpu = f"    CPU per file: import {result['import_cpu'] * per_file:.2f} ms"
        if result["postgres_cpu"] is not None:
            cpu += f", PostgreSQL {result['postgres_cpu'] * per_file:.2f} ms"
        print(cpu)


if __name__ == "__main__":
    main()
