"""bench/audit.py's judgements: what counts as a sitemap, feed, Lighthouse or Nu finding.

The tool itself needs a served corpus, Lighthouse and Java (`make audit`); these tests pin
the checks it applies to what it fetched, on the site's own sitemaps and feeds where the
site can make them.
"""

import pytest
from django.urls import reverse

from bench.audit_reports import (
    SITEMAP_MAX_BYTES,
    SITEMAP_MAX_URLS,
    check_feed,
    check_sitemap,
    lighthouse_summary,
    project_sitemaps,
    vnu_messages,
)
from tests.browse_factories import make_thread

URLSET = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
INDEX = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</sitemapindex>'


def urlset(*locs):
    return URLSET.format("".join(f"<url><loc>{loc}</loc></url>" for loc in locs)).encode()


@pytest.mark.django_db
def test_the_sites_own_sitemaps_pass(client):
    make_thread("A thread", procedures=["botox"])
    index = client.get(reverse("sitemap"))

    checked = check_sitemap("http://testserver/sitemap.xml", index.content)

    assert checked.kind == "index"
    assert checked.problems == []
    assert "http://testserver/sitemap-questions.xml" in checked.locs
    section = client.get("/sitemap-questions.xml")
    checked = check_sitemap("http://testserver/sitemap-questions.xml", section.content)
    assert (checked.kind, checked.problems, len(checked.locs)) == ("urlset", [], 1)


def test_a_sitemap_must_be_well_formed_xml_of_the_protocol():
    broken = check_sitemap("http://h/sitemap.xml", b"<urlset><url><loc>x</url></urlset>")
    assert broken.kind is None
    assert broken.problems[0].startswith("not well-formed XML: mismatched tag: line 1")

    foreign = check_sitemap("http://h/sitemap.xml", b"<urlset><url/></urlset>")
    assert foreign.problems == ["root element is <urlset>, not a sitemaps.org urlset or index"]


def test_a_sitemap_lists_absolute_urls_of_its_own_host():
    checked = check_sitemap(
        "http://h/sitemap-a.xml",
        urlset("http://h/one/", "/two/", "http://other/three/", "", "http://h/four/"),
    )

    assert checked.problems == [
        "2 <loc>s not absolute, e.g. '/two/'",
        "1 <loc>s on another host than the sitemap, e.g. 'http://other/three/'",
    ]


def test_a_sitemap_file_stays_within_the_protocols_limits():
    too_many = urlset(*(f"http://h/{n}/" for n in range(SITEMAP_MAX_URLS + 1)))
    checked = check_sitemap("http://h/sitemap-a.xml", too_many)
    assert checked.problems == ["50,001 URLs: more than the protocol's 50,000"]

    padding = b"<!--" + b" " * SITEMAP_MAX_BYTES + b"-->"
    body = padding + urlset("http://h/1/")
    checked = check_sitemap("http://h/sitemap-a.xml", body)
    assert checked.problems == [f"{len(body):,} bytes: more than the protocol's 52,428,800"]


def test_it_projects_sitemap_files_from_the_codes_section_sizes():
    index = check_sitemap(
        "http://h/sitemap.xml",
        INDEX.format(
            "".join(
                f"<sitemap><loc>http://h/sitemap-{name}.xml</loc></sitemap>"
                for name in ("q.xml?p=1", "q.xml?p=2", "pages")
            )
        ).encode(),
    )
    sections = [
        check_sitemap("http://h/sitemap-q.xml?p=1", urlset(*(f"http://h/{n}/" for n in range(10)))),
        check_sitemap("http://h/sitemap-q.xml?p=2", urlset("http://h/10/", "http://h/11/")),
        check_sitemap("http://h/sitemap-pages.xml", urlset("http://h/", "http://h/areas/")),
    ]

    rows = project_sitemaps(index, sections, {"q": 10}, factor=100, growing={"q"})

    q, pages = rows["sections"]
    assert (q["section"], q["urls"], q["files"], q["largest_urls"]) == ("q", 1200, 120, 10)
    # Bytes per URL from the section's largest file, its fixed wrapping included.
    assert q["largest_bytes"] == sections[0].bytes
    # A fixed list stays as it is; a section without a limit of its own has Django's.
    assert (pages["urls"], pages["files"], pages["limit"]) == (2, 1, 50_000)
    assert pages["largest_bytes"] == sections[2].bytes
    assert rows["index_entries"] == 121
    assert rows["index_bytes"] == round(index.bytes / 3 * 121)


@pytest.mark.django_db
def test_the_sites_own_feed_is_not_bozo_and_a_broken_one_is(client):
    make_thread("A thread", procedures=["botox"])

    good = check_feed(client.get(reverse("questions:feed")).content)
    assert (good["bozo"], good["version"], good["entries"]) == (False, "atom10", 1)

    unclosed = client.get(reverse("questions:feed")).content.replace(b"</feed>", b"")
    broken = check_feed(unclosed)
    assert broken["bozo"] is True
    assert broken["reason"].startswith("SAXParseException: ")
    assert broken["reason"].endswith("no element found")


def lhr(categories):
    """A Lighthouse result: {category: (score, {audit id: (score, scoreDisplayMode)})}."""
    return {
        "categories": {
            cat: {"score": score, "auditRefs": [{"id": a, "weight": 1} for a in audits]}
            for cat, (score, audits) in categories.items()
        },
        "audits": {
            a: {"score": s, "scoreDisplayMode": mode, "title": a.title(), "displayValue": "1 s"}
            for _, audits in categories.values()
            for a, (s, mode) in audits.items()
        },
        "runWarnings": ["slow host"],
    }


def test_lighthouse_lists_the_failing_audits_of_each_category_under_100():
    report = lhr(
        {
            "performance": (
                0.87,
                {
                    "largest-contentful-paint": (0.5, "numeric"),
                    "render-blocking-resources": (0.5, "metricSavings"),
                    "valid-source-maps": (None, "notApplicable"),
                    "diagnostics": (0, "informative"),
                },
            ),
            "accessibility": (0.9, {"color-contrast": (0, "binary"), "focus": (0, "manual")}),
            "best-practices": (None, {}),  # the category could not be scored
            # Shown as 100 (Lighthouse rounds 99.6 up, and 99.5 down: floating point), so
            # what fails there costs no point on the report.
            "seo": (0.996, {"hreflang": (0, "binary")}),
        }
    )

    summary = lighthouse_summary(report)

    assert summary["scores"] == {
        "performance": 87,
        "accessibility": 90,
        "best-practices": None,
        "seo": 100,
    }
    failing = [(cat, a["id"]) for cat, audits in summary["failing"].items() for a in audits]
    assert failing == [
        ("performance", "largest-contentful-paint"),
        ("performance", "render-blocking-resources"),
        ("accessibility", "color-contrast"),
    ]
    assert summary["warnings"] == ["slow host"]
    assert summary["failing"]["accessibility"][0]["items"] == []


def test_lighthouse_names_what_each_failing_audit_found():
    report = lhr({"best-practices": (0.96, {"errors-in-console": (0, "binary")})})
    report["audits"]["errors-in-console"]["details"] = {
        "items": [
            {
                "description": "Failed to load resource: 404 (Not Found)",
                "sourceLocation": {"url": "http://h/favicon.ico"},
            },
            {"node": {"snippet": '<a class="chip">', "selector": "a.chip"}},
            {"url": "http://h/static/site.css", "wastedMs": 300},
            {"unrelated": 1},
        ]
    }

    (audit,) = lighthouse_summary(report)["failing"]["best-practices"]

    assert audit["items"] == [
        "http://h/favicon.ico: Failed to load resource: 404 (Not Found)",
        '<a class="chip"> (a.chip)',
        "http://h/static/site.css",
    ]


def test_nu_messages_are_errors_warnings_or_information_per_page():
    report = {
        "messages": [
            {"type": "error", "url": "file:/r/home.html", "lastLine": 3, "message": "Bad."},
            {
                "type": "info",
                "subType": "warning",
                "url": "file:/r/thread.html",
                "lastLine": 9,
                "firstColumn": 2,
                "message": "Odd.",
                "extract": "<p>odd</p>",
            },
            {"type": "info", "url": "file:/r/thread.html", "message": "Note."},
            {"type": "non-document-error", "url": "file:/r/x.html", "message": "IO."},
        ]
    }

    messages = vnu_messages(report, {"file:/r/home.html": "home", "file:/r/thread.html": "thread"})

    assert [(m["page"], m["kind"], m["line"], m["message"]) for m in messages] == [
        ("home", "error", 3, "Bad."),
        ("thread", "warning", 9, "Odd."),
        ("thread", "info", None, "Note."),
        ("file:/r/x.html", "fatal", None, "IO."),
    ]


def test_the_projection_of_the_measured_corpus_lands_on_the_round_figure():
    index = check_sitemap("http://h/sitemap.xml", INDEX.format("").encode())
    measured = check_sitemap(
        "http://h/sitemap-q.xml", urlset(*(f"http://h/{n}/" for n in range(99_513)))
    )

    rows = project_sitemaps(index, [measured], {"q": 1000}, 1_000_000 / 99_513, growing={"q"})

    # 99,513 x (1,000,000 / 99,513) is 1,000,000.0000000001 in floating point.
    assert (rows["sections"][0]["urls"], rows["sections"][0]["files"]) == (1_000_000, 1000)


def test_the_projection_takes_bytes_per_url_from_the_heaviest_file():
    index = check_sitemap("http://h/sitemap.xml", INDEX.format("").encode())
    light = check_sitemap("http://h/sitemap-q.xml?p=1", urlset("http://h/1/", "http://h/2/"))
    heavy = check_sitemap(
        "http://h/sitemap-q.xml?p=2", urlset("http://h/a-much-longer-slug/", "http://h/3/")
    )

    rows = project_sitemaps(index, [light, heavy], {"q": 2}, 1, growing={"q"})

    assert rows["sections"][0]["largest_bytes"] == heavy.bytes
