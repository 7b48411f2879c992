"""The site's name, what it says it is on the home page, and its icons."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browse_factories import make_thread

pytestmark = pytest.mark.django_db

NAME = "Doctor Answers Archive"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_site_has_a_proper_name_in_one_setting():
    assert settings.SITE_NAME == NAME


def test_every_page_title_and_the_header_carry_the_name(client):
    thread = make_thread("Botox cheek droop", procedures=["botox"], areas=["cheeks"])
    urls = [
        reverse("questions:list"),
        reverse("questions:list") + "?q=botox",
        thread.get_absolute_url(),
        reverse("questions:procedure_list"),
        reverse("questions:area_detail", args=["cheeks"]),
        "/no-such-page/",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert f" · {NAME}</title>" in html, url
        assert f'<a href="/" class="brand">{NAME}</a>' in html, url
        assert f'<meta property="og:site_name" content="{NAME}">' in html, url
        assert "kbsite" not in html, url


def test_the_home_page_says_what_the_site_is_and_where_the_answers_come_from(client):
    make_thread("Botox cheek droop")

    home = client.get(reverse("questions:list")).content.decode()
    search = client.get(reverse("questions:list"), {"q": "botox"}).content.decode()

    strapline = (
        "<p class=\"strapline\">An archive of doctors' public answers to patients' "
        "questions about cosmetic treatments, copied from the pages where they were first "
        "published. Not medical advice.</p>"
    )
    assert strapline in home
    # Only the home page: a search or a filtered list leads with its results.
    assert 'class="strapline"' not in search


def test_pages_link_the_icons(client):
    html = client.get(reverse("questions:list")).content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in html
    assert '<link rel="apple-touch-icon" href="/static/apple-touch-icon.png">' in html


def test_favicon_ico_answers_with_an_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "max-age=86400" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


def test_the_icons_are_static_files(client):
    from django.contrib.staticfiles import finders

    svg = Path(finders.find("favicon.svg")).read_bytes()
    png = Path(finders.find("apple-touch-icon.png")).read_bytes()
    assert svg.startswith(b"<svg") and b'viewBox="0 0 64 64"' in svg
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_feeds_name_the_site_as_their_author(client):
    make_thread("Botox cheek droop", procedures=["botox"])

    root = ET.fromstring(client.get(reverse("questions:feed")).content)

    # Atom wants an author for the feed (or every entry): the site is it.
    assert root.find(f"{ATOM}author/{ATOM}name").text == NAME
    assert root.find(f"{ATOM}title").text == f"New questions answered by doctors · {NAME}"


def test_the_admin_carries_the_name(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    assert f"{NAME}: the curation desk" in html
