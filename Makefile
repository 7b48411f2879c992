# kbsite: `make run` serves the site on seed data, `make test` runs the whole suite.
# Every set-up step lives here, so a fresh machine with only Python needs nothing else.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

# Development values, set explicitly; production sets its own in the environment. No page
# cache while developing: an edited template shows at once.
DEV_ENV := DEBUG=1 SECRET_KEY=dev-only-not-secret ALLOWED_HOSTS=127.0.0.1,localhost PAGE_CACHE_SECONDS=0 SITE_URL=http://127.0.0.1:$(PORT)
TEST_ENV := SECRET_KEY=test-only-not-secret ALLOWED_HOSTS=127.0.0.1,localhost,testserver SITE_URL=http://testserver

.PHONY: run serve serve-env test lint format install migrate chromium wrk bench bench-import bench-shards bench-pages java audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes: later runs stay fast.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(STAMP)

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput -v0

run: migrate
	$(DEV_ENV) $(BIN)/python manage.py import_threads fixtures/threads --if-empty
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production server: settings come from the environment only. Nothing here sets DEBUG
# or a made-up SECRET_KEY; without one it stops before doing anything.
serve: serve-env install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	exec $(BIN)/gunicorn --config kbsite/gunicorn.conf.py kbsite.wsgi

serve-env:
	@test -n "$$SECRET_KEY" || { echo "make serve: SECRET_KEY is not set. Set it (and ALLOWED_HOSTS, SITE_URL, DATABASE_URL) in the environment; production never uses a made-up key." >&2; exit 2; }
	@test -n "$$SITE_URL" || { echo "make serve: SITE_URL is not set. Set it to the site's public origin (e.g. https://answers.example.org): canonical links, sitemaps and feeds are built from it." >&2; exit 2; }

# Browser tests drive Debian's Chromium; install it when missing and we may (root + apt).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: browser tests will be skipped"; fi; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install chromium lint
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run -v1
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The load generator of `make bench`: Debian's wrk, installed when missing and we may.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "make bench needs wrk (apt-get install wrk)" >&2; exit 2; fi; }

# The production server under load, cold and warm (bench/bench_serve.py; README: Speed).
bench: migrate wrk
	$(DEV_ENV) $(BIN)/python bench/bench_serve.py $(BENCH_ARGS)

bench-import: migrate
	$(DEV_ENV) $(BIN)/python bench/bench_import.py $(BENCH_ARGS)

# One import run against N sharded runs at once (bench/bench_shards.py; README: Running at scale).
bench-shards: migrate
	$(DEV_ENV) $(BIN)/python bench/bench_shards.py $(BENCH_ARGS)

bench-pages: migrate
	$(DEV_ENV) $(BIN)/python bench/bench_pages.py $(BENCH_ARGS)

# The audit's tools (bench/audit.py; README: Audit): Lighthouse and the Nu HTML Checker,
# npm packages pinned in bench/audit-package.json, installed with the machine's npm into
# the git-ignored .cache/audit/ (Debian's npm first when missing and we may).
AUDIT_DIR := .cache/audit
AUDIT_STAMP := $(AUDIT_DIR)/.installed-stamp

$(AUDIT_STAMP): bench/audit-package.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "make audit needs node and npm (apt-get install npm)" >&2; exit 2; fi; }
	mkdir -p $(AUDIT_DIR)
	cp bench/audit-package.json $(AUDIT_DIR)/package.json
	cd $(AUDIT_DIR) && npm install --no-audit --no-fund --no-update-notifier --loglevel=error
	touch $@

# The Nu HTML Checker runs on Java: Debian's, installed only when there is none.
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "make audit needs java (apt-get install default-jre-headless)" >&2; exit 2; fi; }

# Lighthouse, the Nu HTML Checker, feeds and sitemaps against make serve on the benchmark
# corpus; prints the findings, exits 0 whatever the scores (bench/audit.py).
audit: migrate chromium java $(AUDIT_STAMP)
	$(DEV_ENV) $(BIN)/python bench/audit.py $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
