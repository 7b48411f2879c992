"""Settings for kbsite, all read from the environment.

Production needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; DEBUG is off unless set.
`make run` and `make test` set development values explicitly. With DATABASE_URL unset the
project runs its own embedded PostgreSQL in `.pgdata/` (see kbsite/embedded_db.py).
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # No made-up fallback: a guessable key in production signs forged sessions.
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable (make run sets one).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The site's one public origin, scheme included (https behind a TLS proxy): every absolute
# URL (canonical links, og:url, JSON-LD, sitemaps, feeds, robots.txt) is built from it,
# never from the Host header, which any client may set. `make serve` requires it; without
# it, development and scripts get the first allowed host over http.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    SITE_URL = f"http://{next(iter(ALLOWED_HOSTS), 'localhost')}"
if not re.fullmatch(r"https?://[^/?#\s]+", SITE_URL):
    raise ImproperlyConfigured(
        f"SITE_URL must be a scheme and a host, e.g. https://example.org, not {SITE_URL!r}."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "questions",
    "answers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kbsite.security.SecurityHeadersMiddleware",
    "kbsite.middleware.OddQueryMiddleware",
    # Before anything that may read the database: it picks the database a request reads.
    "kbsite.routers.ReplicaReadMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and feeds, compressed when the client accepts it (a thread page shrinks from
    # 30 KB to 8). Static files are WhiteNoise's, compressed ahead of time. Django adds
    # random bytes to each compressed response, against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kbsite.throttle.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kbsite.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "kbsite.urls"

# Behind a proxy, the header naming the client's address (e.g. "X-Forwarded-For"), for
# the admin login's per-address lockout (kbsite/throttle.py); unset: REMOTE_ADDR.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

# Where the admin lives, e.g. "desk-7f3a/": moved off the address every scanner tries first.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"
if ADMIN_URL == "/":
    raise ImproperlyConfigured("ADMIN_URL must name a path, e.g. 'admin/'.")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kbsite.site.site_url",
            ],
        },
    },
]

WSGI_APPLICATION = "kbsite.wsgi.application"

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.config(conn_max_age=60, conn_health_checks=True),
    }
    # A server that cannot be reached fails a request in two seconds, not in minutes:
    # /readyz then answers 503 in time for a load balancer.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 2
else:
    from kbsite.embedded_db import embedded_database

    # EMBEDDED_DB_DIR: another folder for the server, e.g. a test's own throwaway one.
    folder = Path(os.environ.get("EMBEDDED_DB_DIR") or BASE_DIR / ".pgdata")
    DATABASES = {"default": embedded_database(folder)}

# Streaming replicas of the primary, comma-separated URLs: public pages read from them
# (kbsite/routers.py); writes, the admin, imports and transactions stay on the primary.
# Aliases "replica", "replica_2", ...; never migrated, and mirrors of the primary in tests.
REPLICA_DATABASES = []
for _n, _url in enumerate(env_list("DATABASE_REPLICA_URL"), start=1):
    _alias = "replica" if _n == 1 else f"replica_{_n}"
    DATABASES[_alias] = dj_database_url.parse(_url, conn_max_age=60, conn_health_checks=True)
    DATABASES[_alias].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    REPLICA_DATABASES.append(_alias)
DATABASE_ROUTERS = ["kbsite.routers.ReplicaRouter"] if REPLICA_DATABASES else []
# Seconds a visitor who just wrote (a POST, or any request that wrote) reads the primary.
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))

# The web processes bound every query (kbsite/wsgi.py sets this): a runaway query is
# cancelled and its page answered 503 (kbsite.middleware) instead of holding a worker.
# Commands (imports, migrations) run without a bound.
if os.environ.get("DB_STATEMENT_TIMEOUT_MS"):
    _timeout = int(os.environ["DB_STATEMENT_TIMEOUT_MS"])
    for _database in DATABASES.values():
        _database.setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={_timeout}"

# Sessions live in PostgreSQL (the primary: kbsite/routers.py never sends them to a
# replica), so any app server behind a load balancer reads any visitor's session.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Several sites (or test runs) may share one Redis: each its own prefix.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kbsite"),
            # A Redis that stops answering must not hold pages up: past these, the page
            # is built uncached (kbsite/pagecache.py).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Files, not local memory: the page cache's data version (kbsite/pagecache.py) must
    # reach every worker process of this machine, and local memory is one process's own.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": BASE_DIR / ".cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# Seconds a public page stays cached for anonymous visitors (kbsite/pagecache.py); any
# write ends it sooner. 0 turns the page cache off (the benchmark's cold runs).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in production; plain files while developing, so that
    # runserver and the test suite need no collectstatic.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("STATIC_PLAIN")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The site's name, wherever it is shown: page titles, the header, feeds, the admin.
SITE_NAME = "Doctor Answers Archive"
# Shown on every thread page whose source file carried no disclaimer of its own.
SITE_DISCLAIMER = (
    "The answers on this site are doctors' opinions for general education. They are not "
    "medical advice, they do not create a doctor-patient relationship, and they cannot "
    "replace an examination by a qualified professional. In an emergency, call your local "
    "emergency number."
)

TAGGIT_CASE_INSENSITIVE = True

# --- HTTPS and security headers (see the README's "Production" section) ---------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Behind a TLS proxy, the header it sets on HTTPS requests, e.g. "X-Forwarded-Proto": a
# request is secure when it says "https". Without it, SECURE_SSL_REDIRECT behind such a
# proxy redirects every request, forever. Set it only when the proxy always sets (or
# strips) that header: a client could otherwise send it.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _header = os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_header}", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Secure cookies unless developing: SECURE_COOKIES=0 turns them off on a plain-HTTP test
# server, the one place that needs it.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)

# One console handler, on the root: every logger's records end there, once. Django's
# default configuration gives its "django" logger a console handler of its own (active
# when DEBUG is on), which printed each of Django's records a second time beside the
# root's; it gets none here. Its level keeps what Django shows: information lines
# ("Watching for file changes") in development, warnings and errors in production.
# runserver's request lines ("django.server") keep their own handler and format.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django": {"handlers": [], "level": "INFO" if DEBUG else "WARNING"}},
}
