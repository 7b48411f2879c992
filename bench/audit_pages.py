"""The pages bench/audit.py looks at: one of each public type, chosen and fetched.

With the benchmark database at hand the pages are bench/bench_urls.py's, the ones `make
bench` loads (the thread with the most answers, the most-tagged procedure and area...);
against a server alone (--url) they are found by following the site's own links.
"""

import re
import urllib.error
import urllib.request
from urllib.parse import urlencode

from bench import bench_serve

# (key, label), in the order printed. Every public HTML page type of the site.
PAGE_TYPES = [
    ("home", "home"),
    ("list-filtered", "list, procedure + area filter"),
    ("search", "search"),
    ("search-none", "search, no results"),
    ("thread", "thread, most answers"),
    ("thread-one", "thread, 1 answer"),
    ("procedure-index", "procedure index"),
    ("area-index", "area index"),
    ("procedure", "procedure page"),
    ("area", "area page"),
    ("doctor", "doctor page"),
    ("not-found", "404 page"),
]
LABELS = dict(PAGE_TYPES)
# The Lighthouse pages: search may lose SEO points for its noindex only.
LIGHTHOUSE_PAGES = ("home", "thread", "procedure", "area", "doctor", "search")
FIXED = {
    "search": "/?q=botox",
    "search-none": "/?q=xylophonist",
    "procedure-index": "/procedures/",
    "area-index": "/areas/",
    "not-found": "/audit-no-such-page/",
}
# bench/bench_urls.py's labels for the rest.
BENCH_LABELS = {
    "list: home": "home",
    "list: procedure + area": "list-filtered",
    "thread: 1 answer": "thread-one",
    "procedure page": "procedure",
    "area page": "area",
    "doctor page": "doctor",
}


class ToolFailed(Exception):
    """A tool, or the server, could not run: the audit says so and exits 2."""


def fetch(url, timeout=60):
    """(status, content type, body) of a GET; 4xx and 5xx are answers too."""
    request = urllib.request.Request(url, headers={"User-Agent": "kbsite-audit"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()
    except OSError as error:
        raise ToolFailed(f"GET {url}: {error}") from error


def pick(base, database_url):
    """{key: path} for every page type the site has."""
    pages = dict(FIXED)
    if database_url:
        for label, path in bench_serve.pick_urls(database_url):
            if label in BENCH_LABELS:
                pages[BENCH_LABELS[label]] = path
            elif label.startswith("thread: "):
                pages["thread"] = path
    else:
        pages.update(_crawl(base))
    return {key: pages[key] for key, _ in PAGE_TYPES if key in pages}


def _links(html, prefix):
    return re.findall(rf'href="({re.escape(prefix)}[^"/?#]+/(?:[^"/?#]+/)?)"', html)


def _crawl(base):
    def html(path):
        return fetch(base + path)[2].decode("utf-8", "replace")

    pages = {"home": "/"}
    threads = _links(html("/"), "/questions/")
    procedures = _links(html("/procedures/"), "/procedures/")
    areas = _links(html("/areas/"), "/areas/")
    if threads:
        pages["thread"] = threads[0]
    if procedures:
        pages["procedure"] = procedures[0]
    if areas:
        pages["area"] = areas[0]
    if procedures and areas:
        slugs = {"procedure": procedures[0].split("/")[2], "area": areas[0].split("/")[2]}
        pages["list-filtered"] = "/?" + urlencode(slugs)
    for thread in threads[:20]:  # the first thread with a named doctor
        doctors = _links(html(thread), "/doctors/")
        if doctors:
            pages["doctor"] = doctors[0]
            break
    return pages


def save(base, pages, folder, say):
    """Fetches each page into folder/<key>.html: {key: (path, file)}."""
    folder.mkdir(parents=True, exist_ok=True)
    say("\nPages (the HTML the Nu checker reads, in pages/)")
    say(f"{'page':<32} {'status':>6} {'bytes':>9}  path")
    saved = {}
    for key, path in pages.items():
        status, content_type, body = fetch(base + path)
        expected = 404 if key == "not-found" else 200
        note = "" if status == expected else f"  UNEXPECTED (wanted {expected})"
        if not content_type.startswith("text/html"):
            note += f"  UNEXPECTED Content-Type {content_type!r}"
        say(f"{LABELS[key]:<32} {status:>6} {len(body):>9,}  {path}{note}")
        file = folder / f"{key}.html"
        file.write_bytes(body)
        saved[key] = (path, file)
    missing = [LABELS[key] for key, _ in PAGE_TYPES if key not in pages]
    if missing:
        say(f"Not found on this site, so not checked: {', '.join(missing)}")
    return saved
