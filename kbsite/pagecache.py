"""Whole public pages cached for anonymous visitors, invalidated by a data version.

Every cache key carries the site's data version, a number kept in the cache itself. The
one "threads changed" point (questions.services.threads_changed, through its signal) moves
it on after every write, so the next request on any server builds a fresh page and the
old ones are simply never asked for again: no flush, no stale page after a write. With
Redis (REDIS_URL) every app server shares the version and the pages.

Browsers and proxies get an ETag of the version and the URL, and must revalidate
(`max-age=0`): a repeat visit costs a 304 and no rendering. Requests carrying a session
(staff) bypass the cache both ways.
"""

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from redis.exceptions import RedisError

VERSION_KEY = "data-version"
# The cache only saves work: when it cannot be reached, pages are built as if uncached
# and writes go on. Pages stored before an outage expire within PAGE_CACHE_SECONDS.
CACHE_ERRORS = (OSError, RedisError)
logger = logging.getLogger(__name__)


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Lost (evicted, or a new cache): start from the clock, never from a number an
        # older set of pages may still be stored under.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def data_changed(**kwargs) -> None:
    """Receiver of questions.signals.threads_changed: every cached page is now out of date."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet: data_version() starts one from the clock
            data_version()
    except CACHE_ERRORS:
        logger.warning("Page cache unreachable: its data version was not moved on")


def _cacheable(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _revalidates(request, etag: str) -> bool:
    """Whether the browser holds this version of the page. A compressed response went out
    with the weak form of the ETag (W/"..."), which comes back as such."""
    held = request.headers.get("If-None-Match", "")
    return held.removeprefix("W/") == etag


def cached_page(view):
    """Serve `view`'s successful pages from the cache for anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        # The path alone: pages name the configured origin (kbsite.site), never the host
        # a request claims, so every host allowed gets the same page.
        url = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        try:
            version = data_version()
            key = f"page:{version}:{url}"
            etag = f'"{version:x}-{url[:16]}"'
            fresh = _revalidates(request, etag)
            response = HttpResponseNotModified() if fresh else cache.get(key)
        except CACHE_ERRORS:
            logger.warning("Page cache unreachable: %s built uncached", request.path)
            return view(request, *args, **kwargs)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):  # a TemplateResponse: render before pickling
                response.render()
            if response.status_code != 200 or response.cookies:
                return response
            # One piece: a feed is written in hundreds of small ones, which the server
            # would then send one system call each (a warm feed ran at a third of a page).
            response.content = response.content
            try:
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            except CACHE_ERRORS:
                logger.warning("Page cache unreachable: %s not stored", request.path)
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
