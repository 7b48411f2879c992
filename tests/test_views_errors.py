"""Friendly error pages and robots.txt."""

import pytest
from django.test import Client
from django.urls import include, path

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("boom")


# This module doubles as a URLconf for the 500 test: the site plus a view that fails.
urlpatterns = [
    path("broken/", broken_view),
    path("", include("kbsite.urls")),
]


def test_it_shows_a_friendly_404_with_a_way_back(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert '<search aria-label="Search questions">' in html
    assert '<label for="notfound-q">Search questions and answers</label>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert '<a class="skip-link" href="#main-content">Skip to content</a>' in html


@pytest.mark.urls("tests.test_views_errors")
def test_it_shows_a_friendly_500_that_needs_nothing_from_the_database():
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert '<a href="/">the list of questions</a>' in html


def test_it_serves_robots_txt_pointing_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
