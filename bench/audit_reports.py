"""The judgements of bench/audit.py, apart from the fetching and the tools' processes.

Each function takes what a tool or the server produced (a Lighthouse result, the Nu
checker's JSON, a feed's or a sitemap's bytes) and says what falls short of issue 14's
targets; tests/test_audit.py pins them.
"""

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# The sitemap protocol's limits per file (sitemaps.org/protocol.html): 50,000 URLs and
# 50 MB, which it spells out as 52,428,800 bytes, uncompressed.
SITEMAP_MAX_URLS = 50_000
SITEMAP_MAX_BYTES = 52_428_800
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Django's Sitemap.limit when a sitemap class sets none.
DJANGO_SITEMAP_LIMIT = 50_000

LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PERFORMANCE_METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)
# Audits that pass or fail; "informative", "manual" and "notApplicable" ones never cost a
# point, and "error" ones say the audit itself broke (reported as a run warning).
SCORED_MODES = {"binary", "numeric", "metricSavings"}


@dataclass
class SitemapFile:
    url: str
    kind: str | None  # "index", "urlset", or None when it is not a sitemap at all
    bytes: int
    locs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def section(self):
        """'questions' for /sitemap-questions.xml?p=2: the name the site's code uses."""
        match = re.search(r"sitemap-([\w-]+)\.xml", urlsplit(self.url).path)
        return match.group(1) if match else urlsplit(self.url).path


def check_sitemap(url: str, body: bytes) -> SitemapFile:
    checked = SitemapFile(url=url, kind=None, bytes=len(body))
    problems = checked.problems
    if len(body) > SITEMAP_MAX_BYTES:
        problems.append(f"{len(body):,} bytes: more than the protocol's {SITEMAP_MAX_BYTES:,}")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        problems.append(f"not well-formed XML: {error}")
        return checked
    kinds = {f"{SITEMAP_NS}urlset": "urlset", f"{SITEMAP_NS}sitemapindex": "index"}
    checked.kind = kinds.get(root.tag)
    if checked.kind is None:
        name = root.tag.rpartition("}")[2]
        problems.append(f"root element is <{name}>, not a sitemaps.org urlset or index")
        return checked
    checked.locs = [(loc.text or "").strip() for loc in root.iter(f"{SITEMAP_NS}loc")]
    if len(checked.locs) > SITEMAP_MAX_URLS:
        problems.append(
            f"{len(checked.locs):,} URLs: more than the protocol's {SITEMAP_MAX_URLS:,}"
        )
    problems.extend(_loc_problems(url, checked.locs))
    return checked


def _loc_problems(url, locs):
    parts = [(loc, urlsplit(loc)) for loc in locs]
    relative = [loc for loc, p in parts if p.scheme not in ("http", "https") or not p.netloc]
    # The protocol: a sitemap lists URLs of its own host only (crawlers drop the rest).
    host = urlsplit(url).netloc
    foreign = [loc for loc, p in parts if p.netloc and p.netloc != host]
    if relative:
        yield f"{len(relative):,} <loc>s not absolute, e.g. {relative[0]!r}"
    if foreign:
        yield f"{len(foreign):,} <loc>s on another host than the sitemap, e.g. {foreign[0]!r}"


def project_sitemaps(index: SitemapFile, sections: list[SitemapFile], limits, factor, growing):
    """Sitemap files with the URLs of the `growing` sections multiplied by `factor`.

    Computed, not measured. `limits` maps a section to the URLs per file its code sets.
    A section's bytes per URL come from its heaviest full file, wrapping included (a
    slight overestimate for fuller files); the index grows by its measured bytes per entry.
    """
    by_section = {}
    for checked in sections:
        by_section.setdefault(checked.section, []).append(checked)
    rows = []
    for name, files in by_section.items():
        limit = limits.get(name, DJANGO_SITEMAP_LIMIT)
        urls = sum(len(f.locs) for f in files)
        # Rounded, not ceiled: the measured corpus times its own ratio is the round figure
        # give or take floating point.
        urls = round(urls * factor) if name in growing else urls
        # The heaviest of the fullest files: a part-filled last file's wrapping would
        # weigh on each of its few URLs.
        largest = max(files, key=lambda f: (len(f.locs), f.bytes))
        per_url = largest.bytes / max(1, len(largest.locs))
        largest_urls = min(limit, urls)
        rows.append(
            {
                "section": name,
                "limit": limit,
                "urls": urls,
                "files": math.ceil(urls / limit),
                "largest_urls": largest_urls,
                "largest_bytes": round(per_url * largest_urls),
            }
        )
    entries = sum(row["files"] for row in rows)
    per_entry = index.bytes / max(1, len(index.locs))
    return {"sections": rows, "index_entries": entries, "index_bytes": round(per_entry * entries)}


def check_feed(body: bytes, content_type: str | None = None) -> dict:
    """feedparser's reading of a feed: bozo (a reader would stumble) and why."""
    import feedparser

    # With the served Content-Type, feedparser also checks it against the XML's own
    # declared encoding, as a reader fetching the URL would.
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(body, response_headers=headers)
    reason = parsed.get("bozo_exception")
    return {
        "bozo": bool(parsed.bozo),
        "reason": f"{type(reason).__name__}: {reason}" if reason else "",
        "version": parsed.version,
        "entries": len(parsed.entries),
    }


def lighthouse_score(score):
    """Lighthouse's own rounding of a 0-1 score (JavaScript's Math.round)."""
    return None if score is None else math.floor(score * 100 + 0.5)


def lighthouse_summary(lhr: dict) -> dict:
    """Scores out of 100 and, for each category under 100, the audits that failed."""
    audits = lhr["audits"]
    scores, failing = {}, {}
    for name in LIGHTHOUSE_CATEGORIES:
        category = lhr["categories"].get(name)
        scores[name] = lighthouse_score(category["score"]) if category else None
        if category is None or scores[name] == 100:
            continue
        failing[name] = [
            _failing(ref, audits[ref["id"]])
            for ref in category["auditRefs"]
            if audits[ref["id"]]["scoreDisplayMode"] in SCORED_MODES
            and audits[ref["id"]]["score"] is not None
            and audits[ref["id"]]["score"] < 1
        ]
    metrics = {m: audits[m].get("displayValue", "") for m in PERFORMANCE_METRICS if m in audits}
    return {
        "scores": scores,
        "failing": failing,
        "metrics": metrics,
        "warnings": list(lhr.get("runWarnings", [])),
        "error": (lhr.get("runtimeError") or {}).get("message"),
        # Lighthouse's own measure of the CPU it ran on (a busy machine scores lower).
        "benchmark_index": (lhr.get("environment") or {}).get("benchmarkIndex"),
    }


def _failing(ref, audit):
    return {
        "id": ref["id"],
        "title": audit["title"],
        "score": audit["score"],
        "value": audit.get("displayValue", ""),
        "weight": ref.get("weight", 0),
        "items": [text for item in _items(audit) if (text := _item_text(item))],
    }


def _items(audit):
    items = (audit.get("details") or {}).get("items") or []
    return [item for item in items if isinstance(item, dict)]


def _item_text(item):
    """What a failing audit found, in one line: the element, the URL, the message."""
    node = item.get("node") if isinstance(item.get("node"), dict) else {}
    where = node.get("snippet", "")
    if node.get("selector"):
        where += f" ({node['selector']})"
    url = item.get("url") or (item.get("sourceLocation") or {}).get("url") or ""
    text = _plain(item.get("description") or item.get("label") or "")
    return ": ".join(part for part in (where.strip() or _plain(url), text) if part)


def _plain(value):
    """Lighthouse's table cells are strings or typed values ({"type": "code", ...})."""
    if isinstance(value, dict):
        value = value.get("value") or value.get("text") or ""
    return value if isinstance(value, str) else ""


def vnu_messages(report: dict, labels: dict) -> list[dict]:
    """The Nu checker's messages, each named by page: error, warning, info or fatal."""
    kinds = {"error": "error", "non-document-error": "fatal"}
    messages = []
    for m in report.get("messages", []):
        kind = kinds.get(m["type"]) or ("warning" if m.get("subType") == "warning" else "info")
        messages.append(
            {
                "page": labels.get(m.get("url"), m.get("url")),
                "kind": kind,
                "line": m.get("lastLine"),
                "column": m.get("firstColumn", m.get("lastColumn")),
                "message": m.get("message", ""),
                "extract": m.get("extract", ""),
            }
        )
    return messages
