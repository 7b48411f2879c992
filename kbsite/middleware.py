"""When the database cannot serve a page in time, say so with a 503, not a 500."""

import logging

from django.db import OperationalError
from django.http import HttpResponse
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
