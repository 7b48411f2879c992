"""Settings for the test suite, chosen by pyproject.toml, so a bare `pytest` works.

The production settings with three differences: throwaway values for what production must
set, plain static files (the suite needs no collectstatic manifest), and a fast password
hasher (the admin tests log in hundreds of times).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SITE_URL", "http://testserver")

from kbsite.settings import *  # noqa: E402,F403
from kbsite.settings import STORAGES  # noqa: E402

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True  # serve static/ directly: no collectstatic before a test run
# No collected folder either, so whitenoise does not warn about a missing one.
STATIC_ROOT = None
# Off by default: most tests count the queries of a page built afresh; the page cache's own
# tests turn it on.
PAGE_CACHE_SECONDS = 0
# One process: local memory, emptied by the tests that use it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
