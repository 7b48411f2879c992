"""Public pages read, and only read: GET and HEAD, and 405 for every other method."""

from functools import wraps

from django.http import HttpResponseNotAllowed

ALLOWED = ("GET", "HEAD")


def get_or_head_only(view):
    """Serve `view` to GET and HEAD; answer anything else (TRACE, POST, OPTIONS...) 405.

    HEAD is answered as GET would be, and the server sends the headers without the body
    (WSGI servers drop it; so does Django's test client). The views themselves may say
    `require_GET`: for them HEAD is shown as GET, which is what HEAD means.

    CSRF-exempt, so that a POST here is told 405 (the truth: no method but these two
    exists) rather than 403; nothing here reads a request body or changes anything.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ALLOWED:
            return HttpResponseNotAllowed(ALLOWED)
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    wrapper.csrf_exempt = True
    wrapper.get_or_head_only = True
    return wrapper


def public(view):
    """A public page: GET and HEAD only, whole pages cached for anonymous visitors."""
    from kbsite.pagecache import cached_page

    return get_or_head_only(cached_page(view))
