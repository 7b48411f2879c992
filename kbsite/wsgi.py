"""WSGI entry point for kbsite."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")
# Pages must never wait on a runaway query: 5 s at most for any one (see settings).
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "5000")

application = get_wsgi_application()
