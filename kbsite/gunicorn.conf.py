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


# The application is loaded once, in the master, which then builds the facet index
# (questions.facets) before forking the workers: each worker starts with it, shared
# copy-on-write, and catches up from the change log at its first request. Built in every
# worker instead, it cost each new one (and gunicorn replaces them every few thousand
# requests) 0.5 s of CPU at 100,000 threads and 3-4 s at a million.
preload_app = True


def when_ready(server):
    from django.db import DatabaseError, connections

    from questions.facets import facet_index

    try:
        index = facet_index()
        server.log.info("Facet index ready: %d published threads", len(index.published))
    except DatabaseError:
        # The database is away: the server still starts (and says 503); the first request
        # that finds it back builds the index.
        server.log.warning("Facet index not built: the database did not answer")
    finally:
        connections.close_all()  # never share a connection with the forked workers
