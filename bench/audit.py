"""Audit: Lighthouse, the Nu HTML Checker, the feeds and the sitemaps of the served site.

    make audit                                              # the 100,000-thread corpus
    make audit AUDIT_ARGS="--database kbsite_bench_1000000"  # another benchmark database
    make audit AUDIT_ARGS="--url http://127.0.0.1:8000"      # a server already running
    make audit AUDIT_ARGS="--skip lighthouse"                # the fast checks only

1. Serves the site as `make bench` does (bench/bench_serve.py): `make serve` on loopback,
   DEBUG off, production settings, page cache on as in production, over the benchmark
   database (built first if it is missing). --url audits a running server instead;
   --database names the database to serve, or to pick the pages from with --url.
2. Saves the HTML of every public page type and runs the Nu HTML Checker on it: every
   error and warning, with its line.
3. Lighthouse, mobile (its default) and desktop (--preset=desktop), in headless Debian
   chromium, on home, a thread, a procedure, an area, a doctor and a search page: the four
   category scores and, under 100, the failing audits.
4. Every feed through feedparser (site-wide, a procedure's; an area's and a doctor's only
   if the site serves them): bozo and why.
5. The sitemap index and every section: URLs and bytes per file against the protocol's
   limits, well-formed XML, absolute <loc>s of the site's host, the largest section, and
   the same figures computed for 1,000,000 threads.

Everything printed, and each tool's raw report, is saved in bench/results/audit-<date>/
(git-ignored). The exit status is 0 whatever the scores (this measures; it does not
gate), and 2 when a tool could not run.
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")

from bench import audit_checks, audit_pages, bench_serve  # noqa: E402
from bench.audit_pages import ToolFailed  # noqa: E402

TOOLS = ROOT / ".cache" / "audit" / "node_modules"
LIGHTHOUSE = TOOLS / "lighthouse" / "cli" / "index.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
STEPS = ("nu", "lighthouse", "feeds", "sitemaps")


class Output:
    """Prints, and keeps every line for summary.txt."""

    def __init__(self):
        self.lines = []

    def __call__(self, text=""):
        print(text, flush=True)
        self.lines.append(text)


def machine(say):
    info = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    say(f"Machine: {os.cpu_count()} cores ({cpu}), {mem_kb / 1024**2:.0f} GB, {platform.system()}")
    say(f"Load at start: {load()}")


def load():
    """The 1, 5 and 15 minute load averages, as `uptime` prints them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def check_tools(steps):
    missing = []
    if "lighthouse" in steps and not LIGHTHOUSE.exists():
        missing.append(f"{LIGHTHOUSE.relative_to(ROOT)}")
    if "lighthouse" in steps and not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    if "nu" in steps and not VNU.exists():
        missing.append(f"{VNU.relative_to(ROOT)}")
    if missing:
        fail(f"missing {', '.join(missing)}: `make audit` installs them")


def fail(message):
    print(f"audit: {message}", file=sys.stderr)
    sys.exit(2)


def serve(args, say):
    """(base URL, database URL or None, server process or None)."""
    if args.url:
        db = bench_serve.database_url(args.database)[0] if args.database else None
        return args.url.rstrip("/"), db, None
    if args.database:
        db, exists = bench_serve.database_url(args.database)
        if not exists:  # never built (or dropped) here: a named database is the user's
            fail(f"no database {args.database}")
        name, threads = args.database, bench_serve.thread_count(db)
    else:
        name, db, threads = bench_serve.prepare_database(args.count, args.seed)
    say(f"Serving {threads:,} threads of {name} with make serve (page cache on, DEBUG off)")
    proc, log = bench_serve.start_server(db, args.port, args.cache_seconds)
    return f"http://127.0.0.1:{args.port}", db, (proc, log)


def sitemap_limits():
    """URLs per sitemap file, per section, as the site's code sets them."""
    import django

    django.setup()
    from questions.sitemaps import SITEMAPS

    return {name: cls.limit for name, cls in SITEMAPS.items()}


def run(args, out, say):
    """Runs the checks; returns what a tool could not measure."""
    base, db, server = serve(args, say)
    failures = []
    try:
        pages = audit_pages.pick(base, db)
        saved = audit_pages.save(base, pages, out / "pages", say)
        if "nu" in args.steps:
            audit_checks.nu(VNU, saved, out, say)
        if "lighthouse" in args.steps:
            failures += audit_checks.lighthouse(LIGHTHOUSE, CHROMIUM, base, pages, out, say, load)
        if "feeds" in args.steps:
            audit_checks.feeds(base, pages, saved, out, say)
        if "sitemaps" in args.steps:
            audit_checks.sitemaps(base, sitemap_limits(), out, say)
    finally:
        if server:
            bench_serve.stop_server(*server)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="Audit this running server instead of starting one.")
    parser.add_argument("--database", help="Serve (or, with --url, pick pages from) this one.")
    parser.add_argument("--count", type=int, default=100_000, help="Corpus size to serve.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8741)
    parser.add_argument(
        "--cache-seconds", type=int, default=600, help="PAGE_CACHE_SECONDS (0: every page cold)."
    )
    parser.add_argument("--skip", action="append", default=[], choices=STEPS)
    args = parser.parse_args()
    args.steps = [step for step in STEPS if step not in args.skip]
    check_tools(args.steps)

    started = datetime.now().astimezone()
    out = ROOT / "bench" / "results" / f"audit-{started:%Y-%m-%d-%H%M}"
    out.mkdir(parents=True, exist_ok=True)
    say = Output()
    say(f"Audit of {started:%Y-%m-%d %H:%M %Z}; raw reports in {out.relative_to(ROOT)}/")
    machine(say)
    try:
        failures = run(args, out, say)
    except ToolFailed as failure:
        failures = [str(failure)]
    for failure in failures:
        say(f"\nA TOOL COULD NOT RUN: {failure}")
    status = 2 if failures else 0
    say(f"\nLoad at end: {load()}; took {time.monotonic() - START:.0f} s")
    (out / "summary.txt").write_text("\n".join(say.lines) + "\n")
    (out / "args.json").write_text(json.dumps(vars(args), indent=2) + "\n")
    sys.exit(status)


START = time.monotonic()

if __name__ == "__main__":
    main()
