"""Requests that must not become a 500: a database that cannot serve a page in time (a
503), and query strings no view should see (a 400)."""

import logging

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader

logger = logging.getLogger(__name__)

# Seconds a client (or a crawler) should wait before asking again.
RETRY_AFTER = 30


class DatabaseUnavailableMiddleware:
    """A query cancelled by the web processes' statement_timeout (see kbsite/wsgi.py), or
    a database that cannot be reached, becomes a short 503 page with Retry-After: the
    worker is free again at once, and crawlers come back later instead of dropping the
    page as broken."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        logger.warning("503 for %s: %s", request.path, str(exception).strip().splitlines()[0])
        # Rendered without a request context: nothing on the way may need the database.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response


# Lookups on a part of a date (the admin's filters and date drill-down take any of them)
# and the values each can take: Python cannot make a date from the others.
_DATE_PARTS = {
    "year": (1, 9999),
    "iso_year": (1, 9999),
    "quarter": (1, 4),
    "month": (1, 12),
    "week": (1, 53),
    "day": (1, 31),
    "week_day": (1, 7),
    "iso_week_day": (1, 7),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
}


class OddQueryMiddleware:
    """Admin query strings no view should see are a 400, before any view reads them.

    - A NUL character anywhere: no link of ours makes one, and PostgreSQL refuses it in
      any text it is given, so a filter holding one (`/admin/...?procedure=%00`) would
      reach the database and fail there as a 500.
    - A date part out of range (`?created_at__year=-1`, `?date_joined__year=1e30`): the
      admin passes such lookups to the database layer, which raises ValueError or
      OverflowError making the date, outside the admin's own guard.

    Only the admin's pages: the public ones read their few parameters through forms,
    which drop what they cannot use and still show the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        problem = request.path_info.startswith(self.admin_prefix) and _query_problem(request)
        if problem:
            return HttpResponseBadRequest(f"{problem}\n", content_type="text/plain")
        return self.get_response(request)


def _query_problem(request) -> str:
    if "\0" in request.META.get("QUERY_STRING", ""):
        return "The query string holds a NUL character."
    for key, values in request.GET.lists():
        if "\0" in key or any("\0" in value for value in values):
            return "A query parameter holds a NUL character."
        bounds = _DATE_PARTS.get(key.rpartition("__")[2]) if "__" in key else None
        if bounds and not all(_in_range(value, *bounds) for value in values):
            return f"{key[:100]}: not a date part from {bounds[0]} to {bounds[1]}."
    return ""


def _in_range(value: str, low: int, high: int) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 6 and low <= int(value) <= high
