"""Benchmark: the production server under load, every page type, cold and warm.

    make bench                                   # 100,000 threads
    make bench BENCH_ARGS="--count 1000000"      # a million (import ~20 min first)
    make bench BENCH_ARGS="--duration 5"         # shorter runs

1. Reuses the scratch database of `make bench-import` when it holds the corpus, else
   generates the corpus (bench/corpus/, git-ignored) and imports it (bench_import).
2. Starts `make serve` on loopback against that database and loads each page type with
   wrk (Debian's package) for --duration seconds at --connections: cold (page cache
   disabled, PAGE_CACHE_SECONDS=0) and warm (page cache on, each page requested once
   first). Prints requests/s, p50 and p99 latency, errors, and each page's requests/s as a
   share of /healthz's in the same run: shares survive a noisy machine, absolute figures
   do not.
3. Times in one process (Django's test client, DEBUG off, cache disabled) 50 varied
   searches and 50 filter combinations, each once, cold: p50/p95/p99 server time.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")

from bench import bench_import  # noqa: E402

WRK_LINE = {
    "rps": re.compile(r"Requests/sec:\s+([\d.]+)"),
    "p50": re.compile(r"^\s+50%\s+([\d.]+)(us|ms|s)\b", re.M),
    "p99": re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\b", re.M),
    "non2xx": re.compile(r"Non-2xx or 3xx responses: (\d+)"),
    "socket": re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"),
}
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def database_url(name):
    """The URL of `name` on the project's server, created and filled if it must be."""
    import django

    django.setup()
    from django.db import connection

    settings = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    url = bench_import.database_url_for(settings, name)
    return url, exists


def thread_count(url):
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", _COUNT],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip() or 0) if out.returncode == 0 else 0


_COUNT = "from questions.models import Question; print(Question.objects.count())"


def prepare_database(count, seed, name=None):
    """(name, url, threads) of a database holding the `count`-thread corpus, built if it
    is not there yet (also used by bench/audit.py, which serves the same database)."""
    name = name or (bench_import.BENCH_DB if count == 100_000 else f"kbsite_bench_{count}")
    url, exists = database_url(name)
    threads = thread_count(url) if exists else 0
    if threads < count * 0.95:  # the generator's few unparseable files fail alone
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "bench_import.py"),
                f"--count={count}",
                f"--seed={seed}",
                f"--database={name}",
                "--first-only",
            ],
            cwd=ROOT,
            check=True,
        )
        threads = thread_count(url)
    return name, url, threads


def pick_urls(url):
    """(label, path) of every page type, chosen from the database."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_urls.py")],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    return [tuple(line.split("\t", 1)) for line in out.stdout.strip().splitlines()]


def start_server(url, port, cache_seconds):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PORT": str(port),
        "PAGE_CACHE_SECONDS": str(cache_seconds),
        "DEBUG": "",
    }
    log = open(ROOT / "bench" / f"serve-{port}.log", "w")  # noqa: SIM115 (closed by stop)
    proc = subprocess.Popen(
        ["make", "-s", "serve"], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    deadline = time.monotonic() + 300  # migrations, collectstatic, facet indexes
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return proc, log
        except OSError:
            time.sleep(0.5)
    stop_server(proc, log)
    sys.exit(f"make serve did not become ready: see bench/serve-{port}.log")


def stop_server(proc, log):
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=60)
    log.close()


def wrk(base, path, duration, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", base + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = {"rps": float(WRK_LINE["rps"].search(out).group(1))}
    for key in ("p50", "p99"):
        value, unit = WRK_LINE[key].search(out).groups()
        result[key] = float(value) * UNIT_MS[unit]
    non2xx = WRK_LINE["non2xx"].search(out)
    sockets = WRK_LINE["socket"].search(out)
    result["errors"] = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(n) for n in sockets.groups()) if sockets else 0
    )
    return result


def new_data_version(url):
    """Move the page cache's data version on: the warm run starts from no stored page."""
    code = "from kbsite.pagecache import data_changed; data_changed()"
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


def load_run(url, pages, args, *, warm):
    port = args.port + (1 if warm else 0)
    if warm:
        new_data_version(url)
    proc, log = start_server(url, port, 600 if warm else 0)
    base = f"http://127.0.0.1:{port}"
    try:
        home = urllib.request.urlopen(base + "/").read().decode()
        css = re.search(r'href="(/static/[^"]+\.css)"', home).group(1)
        rows = []
        for label, path in [*pages, ("stylesheet", css)]:
            if warm:
                urllib.request.urlopen(base + path).read()
            rows.append((label, path, wrk(base, path, args.duration, args.connections)))
        return rows
    finally:
        stop_server(proc, log)


def print_table(title, rows):
    healthz = next(r for label, _, r in rows if label == "/healthz")["rps"]
    print(f"\n{title}")
    print(f"{'page':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'share':>6}")
    for label, _, r in rows:
        share = r["rps"] / healthz
        print(
            f"{label[:34]:<34} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{r['errors']:>6} {share:>6.0%}"
        )


def in_process(url, count):
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_urls.py"), "--time", str(count)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    print("\n" + out.stdout.strip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="Seconds of wrk per page.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8731)
    args = parser.parse_args()

    name, url, threads = prepare_database(args.count, args.seed)
    print(f"{threads:,} threads in {name}; wrk -t2 -c{args.connections} -d{args.duration}s")
    pages = pick_urls(url)
    print_table("Cold: page cache disabled", load_run(url, pages, args, warm=False))
    print_table("Warm: page cache on", load_run(url, pages, args, warm=True))
    in_process(url, 50)


if __name__ == "__main__":
    main()
