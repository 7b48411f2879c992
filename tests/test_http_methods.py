"""Public pages answer GET and HEAD, and nothing else: no TRACE, no POST, no OPTIONS."""

import pytest

from tests.public_site import make_site, public_patterns

pytestmark = pytest.mark.django_db

REFUSED = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "BREW"]


def test_every_public_page_answers_head_like_get_without_a_body(client):
    for url in make_site():
        get, head = client.get(url), client.head(url)

        assert get.status_code == 200, url
        assert head.status_code == 200, url
        assert head.content == b"", url
        assert head["Content-Type"] == get["Content-Type"], url


@pytest.mark.parametrize("method", REFUSED)
def test_every_public_page_refuses_other_methods_with_405(client, method):
    for url in make_site():
        response = client.generic(method, url)

        assert response.status_code == 405, (method, url)
        assert response["Allow"] == "GET, HEAD", url


def test_every_public_url_pattern_is_wrapped_for_get_and_head_only():
    # A page added later without the wrapper would answer TRACE again: this says so.
    unwrapped = [
        route
        for route, pattern in public_patterns()
        if not getattr(pattern.callback, "get_or_head_only", False)
    ]
    assert unwrapped == []


def test_a_post_without_a_csrf_token_is_told_405_not_403():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for url in make_site():
        assert client.post(url).status_code == 405, url


def test_head_and_get_share_the_page_cache(client, settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    url = make_site()[0]

    assert client.head(url).status_code == 200
    get = client.get(url)
    assert get.status_code == 200 and b"<html" in get.content
