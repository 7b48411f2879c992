"""The site's one public origin (settings.SITE_URL), for every absolute URL it writes.

A URL built from the request (build_absolute_uri, Django's RequestSite) follows the Host
header a client sent: a canonical link, a sitemap or a feed would then name whatever host
the request claimed, and a page cache would keep that page for everyone.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings


def absolute(path: str) -> str:
    """The public URL of a path on this site."""
    return settings.SITE_URL + path


def site_url(request) -> dict:
    """Context processor: `site_url`, for canonical and og:url links in templates."""
    return {"site_url": settings.SITE_URL}


def on_site(view):
    """Run one of Django's sitemap views as if the request came for the configured host.

    They build their absolute URLs from the request's host (through RequestSite, as
    django.contrib.sites is not installed); the sitemaps give the scheme themselves.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        host = urlsplit(settings.SITE_URL).netloc
        request.get_host = lambda: host
        return view(request, *args, **kwargs)

    return wrapper


def site_scheme() -> str:
    return urlsplit(settings.SITE_URL).scheme
