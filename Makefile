# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test test-fast lint lock messages bench backup restore clean

# Installed from the lock file, every package pinned and checked against its hash; the
# requirements*.txt files are what people edit, and `make lock` writes the locks from them.
DEV_LOCK := requirements-dev.lock

$(STAMP): $(DEV_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(DEV_LOCK)
	touch $(STAMP)

# pip-tools in a virtual environment of its own: it needs a newer pip than the project's.
LOCK_TOOLS := $(VENV)/lock-tools
PIP_COMPILE := $(LOCK_TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links

lock:
	test -x $(LOCK_TOOLS)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_TOOLS) && \
		$(LOCK_TOOLS)/bin/pip install --quiet --disable-pip-version-check pip-tools==7.7.0)
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file $(DEV_LOCK) requirements-dev.txt

# WeasyPrint (the unit report as PDF) needs Pango from Debian and a font with every Vietnamese
# glyph (DejaVu); installed only when missing, like Chromium below.
WEASYPRINT_LIBS := $(VENV)/.weasyprint-libs

$(WEASYPRINT_LIBS):
	dpkg -s libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
	mkdir -p $(VENV) && touch $@

# The portal's real content: SQLite in db.sqlite3 unless DATABASE_URL says otherwise, DEBUG on,
# the public record of 2012-2024 (official figures, each with its source), never the demo.
# The task worker (large imports in the background) runs beside the server and stops with it:
# a background job of a non-interactive shell ignores Ctrl-C, so the trap ends it.
run: $(STAMP) $(WEASYPRINT_LIBS)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input -v1
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_public_record
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py db_worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
		DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

# The invented demo (seed_demo: illustrative editions, the demo accounts) in a database of its
# own, so it never mixes with real figures: demo.sqlite3 unless DEMO_DATABASE_URL or
# DATABASE_URL names another. Served like `run`, on the same address.
DEMO_DB = DATABASE_URL=$${DEMO_DATABASE_URL:-$${DATABASE_URL:-sqlite:///$(CURDIR)/demo.sqlite3}} \
	DEBUG=$${DEBUG:-1}

demo: $(STAMP) $(WEASYPRINT_LIBS)
	$(DEMO_DB) $(BIN)/python manage.py migrate --no-input -v1
	$(DEMO_DB) $(BIN)/python manage.py seed_demo
	$(DEMO_DB) $(BIN)/python manage.py db_worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
		$(DEMO_DB) $(BIN)/python manage.py runserver 127.0.0.1:8000

# What the browser tests (tests/browser/) drive: Debian's Chromium, never a browser build of
# Playwright's own, and axe-core from package-lock.json, injected into the pages they open.
CHROMIUM := /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

$(AXE): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $(AXE)

# The whole suite, browser tests included; against PostgreSQL when DATABASE_URL is set (CI sets it).
# On every core (pytest-xdist, a test database per worker; tests/conftest.py keeps a module's
# shared fixtures on one worker), then the 20 slowest tests. TEST_WORKERS=0: in one process.
TEST_WORKERS ?= auto
TEST_KEY := SECRET_KEY=$${SECRET_KEY:-make-test-secret-key-not-for-production-50-characters-or-more}
PYTEST := $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

test: $(STAMP) $(WEASYPRINT_LIBS) $(CHROMIUM) $(AXE)
	$(TEST_KEY) $(PYTEST) --durations=20

# The inner loop: all but the browser tests and the tests that start servers of their own.
test-fast: $(STAMP) $(WEASYPRINT_LIBS)
	$(TEST_KEY) $(PYTEST) -m "not browser and not server"

# Style, the domain core's types ([tool.mypy] in pyproject.toml) and migrations; the same checks
# run before each commit once `.venv/bin/pre-commit install` is done (.pre-commit-config.yaml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The load generator of bench/serve.py, from Debian when missing (like Chromium below).
WRK := /usr/bin/wrk

$(WRK):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk

# Speed and memory budgets, printed as figures beside their budgets and ratios (never asserted
# in tests), then one table of every budget (bench/budgets.py, from the figures each script
# appends to BENCH_RESULTS). On PostgreSQL (DATABASE_URL): bench/serve.py runs gunicorn on
# 127.0.0.1 with the demo data. Figures only on the terminal: no request or audit line per step.
BENCH_RESULTS := $(or $(TMPDIR),/tmp)/parindex-bench-results.jsonl
BENCH_KEY := PARINDEX_LOG_LEVEL=WARNING BENCH_RESULTS=$(BENCH_RESULTS) \
	SECRET_KEY=$${SECRET_KEY:-make-bench-secret-key-not-for-production-50-characters-or-more}

bench: $(STAMP) $(WEASYPRINT_LIBS) $(WRK)
	rm -f $(BENCH_RESULTS)
	$(BENCH_KEY) $(BIN)/python bench/publish.py
	$(BENCH_KEY) $(BIN)/python bench/reading.py
	$(BENCH_KEY) $(BIN)/python bench/pages.py
	$(BENCH_KEY) $(BIN)/python bench/sipas.py
	$(BENCH_KEY) $(BIN)/python bench/serve.py
	$(BIN)/python bench/budgets.py $(BENCH_RESULTS)

# Backups of the PostgreSQL database named by DATABASE_URL, in pg_dump's custom format
# (compressed, restorable table by table). BACKUP_FILE chooses the file; by default a dated one
# under backups/. The schedule to run is in docs/deployment.md.
backup:
	@test -n "$$DATABASE_URL" || (echo "DATABASE_URL must name the PostgreSQL database to back up" >&2; exit 1)
	@file=$${BACKUP_FILE:-backups/parindex-$$(date -u +%Y%m%dT%H%M%SZ).dump}; \
		mkdir -p "$$(dirname "$$file")" && \
		pg_dump --format=custom --no-owner --no-privileges --file="$$file" "$$DATABASE_URL" && \
		echo "backup written to $$file"

# Into the database named by DATABASE_URL (an empty one, or one whose tables it replaces), in
# one transaction: a dump that cannot be restored leaves the database as it was.
restore:
	@test -n "$$DATABASE_URL" || (echo "DATABASE_URL must name the PostgreSQL database to restore into" >&2; exit 1)
	@test -n "$$BACKUP_FILE" || (echo "BACKUP_FILE must name the dump to restore" >&2; exit 1)
	pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
		--dbname="$$DATABASE_URL" "$$BACKUP_FILE"

# Translations: the compiled .mo files are committed so that no run needs gettext.
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages -l vi -l en --ignore=.venv --no-location
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 demo.sqlite3 staticfiles .pytest_cache
