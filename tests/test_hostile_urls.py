"""Every public URL given a fixed list of hundreds of hostile parameter values: no 500,
no page slower than a bound, and nothing echoed back unescaped.

The values (HOSTILE_VALUES, raw as they travel in a query string) cover: very long text,
unicode of every troublesome kind, NUL and control characters, invalid UTF-8, SQL, the
websearch and tsquery syntax PostgreSQL parses, markup and template syntax, numbers out
of every range, and paths. The list page reads every parameter; the other pages get each
value in every parameter any page reads, at once.
"""

import time
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from tests.public_site import make_site

pytestmark = pytest.mark.django_db

PARAMETERS = ["q", "procedure", "area", "specialty", "named", "sort", "page", "o", "format"]
SECONDS_PER_PAGE = 2.0

_TEXTS = [
    # Lengths
    "x" * 300,
    "x" * 5_000,
    "word " * 2_000,
    "a" * 70_000,
    # Unicode
    "ünïcödé",
    "漢字かなカナ",
    "שלום עולם",
    "مرحبا",
    "😀💉👩‍⚕️",
    "e\u0301\u0301\u0301\u0301",
    "\u202egnp.exe",
    "\u2066isolate\u2069",
    "zero\u200bwidth",
    "\ufeffbom",
    "\ufffd",
    "line\u2028sep",
    "\U0010ffff",
    "Ǆǅǆ ß ﬁ",
    "İı",
    # SQL
    "' OR 1=1 --",
    "'; DROP TABLE questions_question; --",
    '" OR ""="',
    "1 UNION SELECT password FROM auth_user",
    "%' AND 1=(SELECT pg_sleep(5)) --",
    "\\",
    "\\\\'",
    "$$",
    "E'\\x00'",
    "::text",
    # Full-text search syntax
    "-",
    "--",
    "- - -",
    "OR",
    "OR OR OR",
    "AND",
    '"',
    '"""',
    '"unclosed',
    "!!!",
    "!(a & b)",
    "a <-> b",
    "a <5> b",
    "a:*",
    ":*",
    "&|!():*<->",
    "((((((((((",
    "))))))))))",
    "a & | b",
    "the of and",
    "*",
    "?",
    "%",
    "_",
    "^$.*+?()[]{}|",
    # Markup and templates
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "&lt;&amp;&#0;",
    "]]></loc><loc>",
    "<!--",
    # Numbers
    "-1",
    "0",
    "00",
    "1.5",
    "1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "99999999999999999999999999",
    "9223372036854775808",
    "2147483648",
    "0x10",
    "１２",
    "last",
    "true",
    "on",
    # Paths
    "../../etc/passwd",
    "/",
    "//evil.example",
    "https://evil.example/",
    "botox/../cheeks",
    "cheeks",
    "botox",
    "Botox Cosmetic!",
    "newest",
    "answered",
    "relevance",
]
_RAW = [
    # Already percent-encoded: NUL and controls, invalid UTF-8, encodings within encodings.
    "%00",
    "a%00b",
    "%00%00%00",
    "%01%02%1b%7f",
    "%0d%0aSet-Cookie:%20x=1",
    "%FF",
    "%FE%FF",
    "%C0%AF",
    "%C3",
    "%E2%82",
    "%ED%A0%80",
    "%ED%BF%BF",
    "%F4%90%80%80",
    "%25",
    "%2500",
    "%252e%252e%252f",
    "%",
    "%%",
    "%G0",
    "+",
    "++",
    "%20%20",
    "&",
    "=",
    "==",
    ";",
    "#",
]
# Each text as it travels (percent-encoded), uppercased and doubled, encoded twice (what
# a careless proxy or a probing scanner sends), and the raw ones: about 300 values.
HOSTILE_VALUES = sorted(
    {quote(t, safe="") for t in _TEXTS}
    | {quote(t.upper() + t, safe="") for t in _TEXTS if len(t) < 100}
    | {quote(quote(t, safe=""), safe="") for t in _TEXTS if len(t) < 100}
    | set(_RAW)
)


def query(value: str) -> str:
    return "&".join(f"{name}={value}" for name in PARAMETERS)


def fetch(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def assert_survives(client, url):
    response, seconds = fetch(client, url)
    assert response.status_code < 500, (url[:200], response.status_code)
    assert seconds < SECONDS_PER_PAGE, (url[:200], seconds)
    body = response.content.decode(errors="replace")
    assert "<script>alert(1)" not in body, url[:200]
    assert "onerror=alert" not in body.replace("onerror=alert(1)&gt;", ""), url[:200]


@pytest.fixture
def site():
    return make_site()


def test_there_are_hundreds_of_values():
    assert len(HOSTILE_VALUES) >= 250


def test_the_list_page_survives_every_value_as_a_search_and_as_every_filter(site):
    # The search alone (a bad filter could stop it early), then everything at once.
    client = Client(raise_request_exception=False)
    list_url = reverse("questions:list")
    for value in HOSTILE_VALUES:
        assert_survives(client, f"{list_url}?q={value}")
        assert_survives(client, f"{list_url}?{query(value)}")


def test_every_other_public_page_survives_every_value(site):
    client = Client(raise_request_exception=False)
    for url in site[1:]:
        for value in HOSTILE_VALUES:
            assert_survives(client, f"{url}?{query(value)}")


def test_a_parameter_repeated_a_thousand_times(site):
    client = Client(raise_request_exception=False)
    for url in site:
        for value in ["cheeks", "x", "%00"]:
            assert_survives(client, f"{url}?" + "&".join([f"area={value}"] * 1000))


@pytest.mark.parametrize(
    "path",
    [
        "/questions/99999999999999999999999/x/",
        "/questions/9223372036854775808/x/",
        "/questions/0/x/",
        "/questions/1/" + "x" * 5000 + "/",
        "/procedures/" + "x" * 5000 + "/",
        "/areas/%00/",
        "/doctors/%FF/",
        "/procedures/botox/feed/?page=%00",
        "/sitemap-nosuch.xml",
        "/sitemap-questions.xml?p=99999999999999999999",
        "/sitemap-questions.xml?p=-1",
        "/sitemap-questions.xml?p=%00",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/static/../kbsite/settings.py",
    ],
)
def test_odd_paths_are_not_errors(site, path):
    assert_survives(Client(raise_request_exception=False), path)
