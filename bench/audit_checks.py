"""The four checks of bench/audit.py: each runs its tool, prints, and saves the raw report.

What counts as a finding is decided in bench/audit_reports.py; here are the processes,
the fetching and the tables.
"""

import html
import json
import os
import re
import subprocess
import time
from urllib.parse import urlsplit

from bench.audit_pages import LABELS, LIGHTHOUSE_PAGES, ToolFailed, fetch
from bench.audit_reports import (
    LIGHTHOUSE_CATEGORIES,
    SITEMAP_MAX_BYTES,
    SITEMAP_MAX_URLS,
    check_feed,
    check_sitemap,
    lighthouse_summary,
    project_sitemaps,
    vnu_messages,
)

FORMS = ("mobile", "desktop")
ITEMS_SHOWN = 6  # of each failing audit's findings; the saved report has them all
LIGHTHOUSE_ATTEMPTS = 3
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "b-p", "seo": "seo"}
PROJECTED_THREADS = 1_000_000
# The sitemap sections whose URLs grow with the threads (questions/sitemaps.py): one per
# thread, and the doctors who answer them (an upper bound: doctors recur). Pages,
# procedures and areas are fixed lists and vocabularies.
GROWING_SECTIONS = {"questions", "doctors"}


def _tool(cmd, what, timeout, env=None):
    try:
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ToolFailed(f"{what}: {error}") from error


def _one_line(text, width=400):
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- Nu HTML Checker -------------------------------------------------------------------


def nu(vnu_jar, saved, out, say):
    version = _tool(["java", "-jar", str(vnu_jar), "--version"], "vnu --version", 120)
    files = [str(file) for _, file in saved.values()]
    # --exit-zero-always: a page with errors is a finding; a non-zero exit is the tool's.
    cmd = ["java", "-jar", str(vnu_jar), "--format", "json", "--stdout", "--exit-zero-always"]
    proc = _tool([*cmd, *files], "the Nu HTML Checker", 900)
    if proc.returncode != 0:
        raise ToolFailed(f"the Nu HTML Checker exited {proc.returncode}: {proc.stderr[-2000:]}")
    (out / "vnu.json").write_text(proc.stdout)
    labels = {f"file:{file}": LABELS[key] for key, (_, file) in saved.items()}
    messages = vnu_messages(json.loads(proc.stdout), labels)
    say(f"\nNu HTML Checker {version.stdout.strip()} (vnu.json)")
    say(f"{'page':<32} {'errors':>6} {'warnings':>8} {'info':>5}")
    for key in saved:
        mine = [m["kind"] for m in messages if m["page"] == LABELS[key]]
        counts = [mine.count(kind) for kind in ("error", "warning", "info")]
        say(f"{LABELS[key]:<32} {counts[0]:>6} {counts[1]:>8} {counts[2]:>5}")
    for m in messages:
        where = f"line {m['line']}" + (f":{m['column']}" if m["column"] else "")
        say(f"  [{m['kind']}] {m['page']}, {where}: {_one_line(m['message'])}")
        if m["extract"]:
            say(f"      {_one_line(m['extract'], 120)!r}")
    fatal = [m for m in messages if m["kind"] == "fatal"]
    if fatal:
        raise ToolFailed(f"the Nu HTML Checker could not read a page: {fatal[0]['message']}")


# --- Lighthouse ------------------------------------------------------------------------


def _lighthouse_run(cli, chromium, url, stem, form):
    cmd = [
        "node",
        str(cli),
        url,
        "--output=json",
        "--output=html",
        f"--output-path={stem}",
        "--chrome-flags=--headless=new --no-sandbox",
        "--quiet",
    ]
    if form == "desktop":
        cmd.append("--preset=desktop")
    report = stem.parent / f"{stem.name}.report.json"
    report.unlink(missing_ok=True)  # an earlier attempt's must not pass for this one's
    proc = _tool(cmd, f"Lighthouse on {url}", 600, env={**os.environ, "CHROME_PATH": chromium})
    if not report.exists():  # a page's own failure (no paint...) still writes a report
        raise ToolFailed(f"Lighthouse on {url} ({form}) wrote no report: {proc.stderr[-2000:]}")
    return json.loads(report.read_text())


def _lighthouse_page(cli, chromium, url, stem, form):
    """(result, errors of the runs before it): a run whose trace broke (NO_NAVSTART and
    the like, which a busy machine causes now and then, and after which Lighthouse says to
    run it again) is run again."""
    errors = []
    while True:
        lhr = _lighthouse_run(cli, chromium, url, stem, form)
        error = lhr.get("runtimeError")
        if not error or len(errors) + 1 == LIGHTHOUSE_ATTEMPTS:
            return lhr, errors
        errors.append(error.get("code", "?"))


def lighthouse(cli, chromium, base, pages, out, say, load):
    """Runs and prints; returns what Lighthouse could not measure."""
    folder = out / "lighthouse"
    folder.mkdir(exist_ok=True)
    say("\nLighthouse (lighthouse/<page>-<form>.report.json and .html)")
    rows, lhr, failures = [], None, []
    for key in (k for k in LIGHTHOUSE_PAGES if k in pages):
        for form in FORMS:
            started, load_then = time.monotonic(), load().split(",")[0]
            url, stem = base + pages[key], folder / f"{key}-{form}"
            lhr, errors = _lighthouse_page(cli, chromium, url, stem, form)
            summary = lighthouse_summary(lhr)
            rows.append((key, form, summary, load_then))
            tries = f" (run again after {', '.join(errors)})" if errors else ""
            say(f"  ran {LABELS[key]}, {form}: {time.monotonic() - started:.0f} s{tries}")
            if summary["error"]:
                failures.append(f"Lighthouse on {url} ({form}): {summary['error']}")
    if lhr:
        say(f"Lighthouse {lhr['lighthouseVersion']}, {lhr['environment']['hostUserAgent']}")
    header = " ".join(f"{SHORT[c]:>5}" for c in LIGHTHOUSE_CATEGORIES)
    say(f"{'page':<24} {'form':<8} {header}  load  CPU index")
    for key, form, summary, load_then in rows:
        scores = " ".join(f"{_score(summary['scores'][c]):>5}" for c in LIGHTHOUSE_CATEGORIES)
        cpu = summary["benchmark_index"] or 0
        say(f"{LABELS[key]:<24} {form:<8} {scores} {load_then:>5} {cpu:>10.0f}")
    for key, form, summary, _ in rows:
        _lighthouse_findings(f"{LABELS[key]}, {form}", summary, say)
    return failures


def _score(score):
    return "err" if score is None else str(score)


def _lighthouse_findings(title, summary, say):
    if not summary["failing"] and not summary["warnings"] and not summary["error"]:
        return
    say(f"{title}:")
    if summary["error"]:
        say(f"  runtime error: {summary['error']}")
    for warning in summary["warnings"]:
        say(f"  warning: {_one_line(warning)}")
    for category, audits in summary["failing"].items():
        if category == "performance":
            say(f"  performance metrics: {', '.join(summary['metrics'].values())}")
        for audit in audits:
            value = f" ({audit['value']})" if audit["value"] else ""
            weight = f", weight {audit['weight']}" if audit["weight"] else ""
            say(
                f"  {category}: {audit['id']}: {_one_line(audit['title'])}{value}"
                f" [score {audit['score']:.2f}{weight}]"
            )
            for item in audit["items"][:ITEMS_SHOWN]:
                say(f"      {_one_line(item, 200)}")
            if len(audit["items"]) > ITEMS_SHOWN:
                say(f"      ... and {len(audit['items']) - ITEMS_SHOWN} more (see the report)")


# --- Feeds -----------------------------------------------------------------------------

LINK_TAG = re.compile(r"<link\b[^>]*>", re.I)
FEED_TYPES = ("application/atom+xml", "application/rss+xml")


def _advertised_feeds(saved):
    """Feeds the pages name in <link rel="alternate">, as paths."""
    found = []
    for _, file in saved.values():
        for tag in LINK_TAG.findall(file.read_text(errors="replace")):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
            if attrs.get("rel") == "alternate" and attrs.get("type") in FEED_TYPES:
                parts = urlsplit(html.unescape(attrs.get("href", "")))
                found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def feeds(base, pages, saved, out, say):
    folder = out / "feeds"
    folder.mkdir(exist_ok=True)
    advertised = _advertised_feeds(saved)
    # Probed: a procedure's, an area's and a doctor's, where the site has them.
    probed = [pages[k] + "feed/" for k in ("procedure", "area", "doctor") if k in pages]
    say("\nFeeds (feedparser; feeds/)")
    say(f"{'feed':<44} {'status':>6} {'format':<8} {'entries':>7}  bozo")
    for n, path in enumerate(dict.fromkeys(["/feed/", *advertised, *probed]), start=1):
        status, content_type, body = fetch(base + path)
        if status == 404 and path in probed and path not in advertised:
            say(f"{path[:44]:<44} {status:>6}  not served here: skipped")
            continue
        (folder / f"{n:02}.xml").write_bytes(body)
        if status != 200:
            say(f"{path[:44]:<44} {status:>6}  UNEXPECTED status")
            continue
        result = check_feed(body, content_type)
        bozo = f"YES: {result['reason']}" if result["bozo"] else "no"
        say(
            f"{path[:44]:<44} {status:>6} {result['version']:<8} {result['entries']:>7}  {bozo}"
            f"  ({content_type})"
        )


# --- Sitemaps --------------------------------------------------------------------------


def _fetch_sitemap(base, loc):
    parts = urlsplit(loc)
    url = base + parts.path + (f"?{parts.query}" if parts.query else "")
    status, content_type, body = fetch(url)
    first = None
    if status >= 500:
        # A finding (a crawler would have got it too), but asked once more so that the
        # file can still be measured.
        first = f"HTTP {status} at first ({body[:80]!r}); asked again"
        status, content_type, body = fetch(url)
    checked = check_sitemap(url, body)
    if status != 200 or "xml" not in content_type:
        checked.problems.insert(0, f"HTTP {status}, Content-Type {content_type!r}")
    if first:
        checked.problems.insert(0, first)
    return checked, body


def sitemaps(base, limits, out, say):
    folder = out / "sitemaps"
    folder.mkdir(exist_ok=True)
    index, body = _fetch_sitemap(base, "/sitemap.xml")
    (folder / "sitemap.xml").write_bytes(body)
    if index.kind != "index":
        say(f"\nSitemap index: {'; '.join(index.problems) or 'not a sitemap index'}")
        return
    files, largest = [], {}
    for loc in index.locs:
        checked, body = _fetch_sitemap(base, loc)
        files.append(checked)
        if checked.bytes > largest.get(checked.section, (0, b""))[0]:
            largest[checked.section] = (checked.bytes, body)
    for section, (_, body) in largest.items():
        (folder / f"largest-{section}.xml").write_bytes(body)
    report = [
        {k: getattr(f, k) for k in ("url", "kind", "bytes", "problems")} | {"urls": len(f.locs)}
        for f in [index, *files]
    ]
    (out / "sitemaps.json").write_text(json.dumps(report, indent=1) + "\n")
    _sitemap_table(index, files, limits, say)
    _sitemap_projection(index, files, limits, say)


def _sitemap_table(index, files, limits, say):
    limits_text = f"{SITEMAP_MAX_URLS:,} URLs, {SITEMAP_MAX_BYTES:,} bytes"
    say(f"\nSitemaps (the protocol's limits per file: {limits_text})")
    say(f"index: {len(index.locs):,} files listed, {index.bytes:,} bytes")
    say(f"{'section':<12} {'limit':>6} {'files':>5} {'URLs':>9} {'largest file':>22} {'B/URL':>6}")
    for section in dict.fromkeys(f.section for f in files):
        mine = [f for f in files if f.section == section]
        big = max(mine, key=lambda f: f.bytes)
        urls = sum(len(f.locs) for f in mine)
        per_url = big.bytes / max(1, len(big.locs))
        largest = f"{len(big.locs):,} URLs, {big.bytes:,} B"
        limit = limits.get(section, "?")
        say(f"{section:<12} {limit:>6} {len(mine):>5} {urls:>9,} {largest:>22} {per_url:>6.0f}")
    biggest = max(files, key=lambda f: f.bytes)
    say(f"largest file: {biggest.url} ({len(biggest.locs):,} URLs, {biggest.bytes:,} bytes)")
    problems = [(f.url, p) for f in [index, *files] for p in f.problems]
    say(f"problems: {len(problems)}")
    for url, problem in problems:
        say(f"  {url}: {problem}")


def _sitemap_projection(index, files, limits, say):
    threads = sum(len(f.locs) for f in files if f.section == "questions")
    if not threads:
        return
    factor = PROJECTED_THREADS / threads
    projected = project_sitemaps(index, files, limits, factor, GROWING_SECTIONS)
    grow = " and ".join(sorted(GROWING_SECTIONS))
    say(
        f"\nComputed, not measured: sitemaps at {PROJECTED_THREADS:,} threads ({grow} "
        f"x{factor:.2f}, from {threads:,} published threads; the other sections as they are; "
        "bytes per URL as measured)"
    )
    say(f"{'section':<12} {'limit':>6} {'URLs':>10} {'files':>6} {'largest file':>24}  within")
    for row in projected["sections"]:
        ok = row["largest_urls"] <= SITEMAP_MAX_URLS and row["largest_bytes"] <= SITEMAP_MAX_BYTES
        largest = f"{row['largest_urls']:,} URLs, {row['largest_bytes']:,} B"
        say(
            f"{row['section']:<12} {row['limit']:>6} {row['urls']:>10,} {row['files']:>6} "
            f"{largest:>24}  {'yes' if ok else 'NO'}"
        )
    entries, size = projected["index_entries"], projected["index_bytes"]
    ok = entries <= SITEMAP_MAX_URLS and size <= SITEMAP_MAX_BYTES
    say(f"index: {entries:,} files, {size:,} bytes  within: {'yes' if ok else 'NO'}")
