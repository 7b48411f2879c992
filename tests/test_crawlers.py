"""What crawlers, link previews and validators see: the site's front door (issue 14)."""

import gzip
import re
from html import unescape

import pytest

from tests.public_site import make_site

pytestmark = pytest.mark.django_db

HEADING = re.compile(r"<h([1-6])\b")


def html_pages(client):
    urls = [url for url in make_site() if not url.endswith(("/feed/", ".xml", ".txt", "z"))]
    return [*urls, "/?q=botox", "/?q=xylophonist", "/no-such-page/"]


def test_every_page_has_one_h1_and_headings_without_gaps(client):
    for url in html_pages(client):
        html = client.get(url).content.decode()
        levels = [int(level) for level in HEADING.findall(html)]
        assert levels.count(1) == 1, url
        assert levels[0] == 1, url
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{url}: h{before} then h{after}"


def test_pages_are_compressed_for_clients_that_accept_it(client):
    url = make_site()[1]  # a thread page

    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip, br"})

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content


def disallowed(robots_txt: str, path: str) -> bool:
    """Whether Google's reading of robots.txt (with * and $ wildcards, which Python's
    robotparser does not know) keeps a crawler from fetching `path`."""
    for line in robots_txt.splitlines():
        field, _, value = line.partition(":")
        if field.strip().lower() == "disallow" and value.strip():
            pattern = re.escape(value.strip()).replace(r"\*", ".*").replace(r"\$", "$")
            if re.match(pattern, path):
                return True
    return False


def test_robots_txt_lets_crawlers_read_the_noindex_of_search_pages(client):
    robots = client.get("/robots.txt").content.decode()

    for path in ["/?q=botox", "/?area=cheeks&q=botox", "/?procedure=botox", "/procedures/"]:
        assert not disallowed(robots, path), path
    assert disallowed(robots, "/admin/")
    search = client.get("/?area=cheeks&q=botox").content.decode()
    assert '<meta name="robots" content="noindex, follow">' in search


def description(html):
    return unescape(re.search(r'<meta name="description" content="([^"]*)">', html).group(1))


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/procedures/botox/", ["3 patients' questions about Botox", "forehead and cheeks"]),
        ("/areas/cheeks/", ["2 patients' questions about Cheeks", "Botox"]),
        ("/procedures/rhinoplasty/", ["1 patient's question about Rhinoplasty"]),
    ],
)
def test_tag_pages_describe_themselves_from_their_data(client, url, words):
    from questions.models import Procedure
    from tests.browse_factories import make_thread

    make_thread(procedures=["botox"], areas=["cheeks"])
    make_thread(procedures=["botox"], areas=["cheeks", "forehead"])
    make_thread(procedures=["botox"], areas=["forehead"])
    make_thread(procedures=["rhinoplasty"])
    Procedure.objects.filter(slug="rhinoplasty").update(description="")

    text = description(client.get(url).content.decode())

    assert 70 <= len(text) <= 155, text
    for word in words:
        assert word in text


def test_empty_tag_pages_are_not_found_by_visitors_and_their_feeds_neither(client, admin_client):
    url = "/procedures/rhinoplasty/"

    assert client.get(url).status_code == 404
    assert client.get(f"{url}feed/").status_code == 404
    # Staff still reach it, to curate the entry; never indexed.
    page = admin_client.get(url)
    assert page.status_code == 200
    assert '<meta name="robots" content="noindex' in page.content.decode()


def test_a_doctor_page_describes_the_doctor_and_an_empty_one_is_not_found(client, admin_client):
    from answers.models import Answer
    from tests.browse_factories import make_thread
    from tests.factories import make_doctor

    short = make_doctor("Jo Li", credentials="", specialty="", place="")
    silent = make_doctor("Ann Hidden")
    make_thread(answers=[{"body": "Yes.", "doctor": short}])
    make_thread(answers=[{"body": "No.", "doctor": silent, "status": Answer.Status.HIDDEN}])

    text = description(client.get(short.get_absolute_url()).content.decode())

    assert 70 <= len(text) <= 155, text
    assert text.startswith("1 answer by Jo Li")
    assert client.get(silent.get_absolute_url()).status_code == 404
    assert admin_client.get(silent.get_absolute_url()).status_code == 200


ORIGIN = "https://answers.example.org"


@pytest.fixture
def configured_origin(settings):
    settings.SITE_URL = ORIGIN
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]


def absolute_urls(body: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>)]+", body)


def test_absolute_urls_come_from_the_configured_origin_never_the_host_header(
    client, configured_origin
):
    urls = make_site()
    pages = [u for u in urls if u not in ("/healthz", "/readyz")]

    for url in pages:
        body = client.get(url, HTTP_HOST="localhost:18777").content.decode()
        for found in absolute_urls(body):
            assert "localhost" not in found, f"{url}: {found}"
    for url in [urls[1], "/sitemap.xml", "/sitemap-questions.xml", "/feed/", "/robots.txt"]:
        body = client.get(url, HTTP_HOST="localhost:18777").content.decode()
        assert ORIGIN in body, url


def test_a_cached_page_is_the_same_page_whatever_the_host(client, configured_origin, settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    url = make_site()[1]

    first = client.get(url, HTTP_HOST="localhost").content
    second = client.get(url, HTTP_HOST="testserver").content

    assert first == second
    assert b"localhost" not in first
    cache.clear()


def test_every_feed_names_its_author_the_site(client, settings):
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    for url in [u for u in make_site() if u.endswith("/feed/")]:
        feed = ElementTree.fromstring(client.get(url).content)
        assert feed.find(f"{atom}author/{atom}name").text == settings.SITE_NAME, url
        assert feed.find(f"{atom}author/{atom}uri").text == "http://testserver/", url


def test_a_site_url_with_a_path_is_refused_at_start():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "SITE_URL": "https://answers.example.org/kb", "SECRET_KEY": "x"}
    env["DJANGO_SETTINGS_MODULE"] = "kbsite.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SITE_URL must be a scheme and a host" in result.stderr


def test_time_elements_carry_dates_html_accepts(client):
    # HTML allows at most three digits of a second's fraction; a day is enough here.
    for url in html_pages(client):
        html = client.get(url).content.decode()
        for value in re.findall(r'<time datetime="([^"]*)"', html):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), f"{url}: {value}"


def test_every_page_offers_a_link_preview_image(client):
    for url in html_pages(client)[:-1]:  # not the 404
        html = client.get(url).content.decode()
        image = re.search(r'<meta property="og:image" content="([^"]+)">', html)
        assert image and image.group(1).startswith("http://testserver/static/"), url
        assert '<meta name="twitter:card" content="summary_large_image">' in html, url
    response = client.get(image.group(1).removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
