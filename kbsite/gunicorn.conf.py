"""gunicorn's settings for `make serve`, the production server.

Every value can be overridden from the environment (gunicorn also reads
GUNICORN_CMD_ARGS); the defaults suit a small machine serving the site directly on
loopback behind a reverse proxy.
"""

import os

# Loopback unless told otherwise: a reverse proxy (TLS, buffering) stands in front.
bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# Django's request handling is CPU-bound Python with short waits on PostgreSQL: gunicorn's
# usual 2 x cores + 1 sync workers keeps every core busy while some workers wait.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Replace workers now and then, staggered, so that no slow leak can grow for ever.
max_requests = 5000
max_requests_jitter = 500

# Logs to stdout and stderr, for the process supervisor to collect.
accesslog = "-"
errorlog = "-"


def post_worker_init(worker):
    # Each worker keeps its own facet index (questions.facets); building it takes ~0.5 s
    # at 100,000 threads and ~3 s at a million. Build it before the worker takes its first
    # request, not during it; with the database away, the first request will.
    from django.db import DatabaseError, connections

    from questions.facets import facet_index

    try:
        facet_index()
    except DatabaseError:
        worker.log.warning("Facet index not built: the database did not answer")
    finally:
        connections.close_all()
