"""Probes for load balancers and the benchmark: is the process up, can it serve pages?"""

from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request):
    """200 through the whole middleware stack, without touching the database: the process
    is alive. The yardstick of `make bench` too: the cheapest page Django can serve."""
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
@never_cache
def readyz(request):
    """200 when the database answers, 503 when it does not, within about two seconds
    (the connection's connect_timeout, and a statement_timeout on the check)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 2000")
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", content_type="text/plain", status=503)
    return HttpResponse("ok\n", content_type="text/plain")
