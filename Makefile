# Two commands from a fresh clone: `make run` serves the forum, `make test` runs the suite.
# Everything they need is installed here: a virtual environment from pyproject.toml and the
# pinned front-end packages (htmx, axe-core, the Nu Html Checker) from package-lock.json.

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# pytest-xdist worker processes for `make test`: one per CPU core (`TEST_WORKERS=0`: none).
TEST_WORKERS ?= auto

.PHONY: setup java nginx run test bench screenshots lint format seed-demo clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# --ignore-scripts: vnu-jar's install script would download a Java runtime from GitHub when
# none is found; the checker runs on the system's Java (see `java` below) or not at all.
node_modules/.installed: package.json package-lock.json
	npm ci --no-fund --no-audit --ignore-scripts
	touch $@

## A Java runtime for the Nu Html Checker (tests/web/test_html_checker.py), which only the tests
## need: Debian's, installed with apt-get when missing and we are root. Otherwise the checker's
## test is skipped, saying why (CI runs as root, so there it always runs).
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing a Java runtime for the Nu Html Checker (default-jre-headless)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q default-jre-headless >/dev/null \
	    || { apt-get update -q >/dev/null && \
	         DEBIAN_FRONTEND=noninteractive apt-get install -y -q default-jre-headless >/dev/null; }; \
	  else \
	    echo "No Java runtime: the HTML checker's test will be skipped" \
	         "(install one, e.g. apt-get install default-jre-headless)"; \
	  fi; }

## nginx for tests/deploy, which runs two app servers behind it (deploy/two_servers.py) when
## the suite runs on PostgreSQL and Redis: Debian's, installed with apt-get when missing and we
## are root, as Java above. RUNLEVEL=1 keeps the package from starting its own nginx (on every
## address, port 80), and one it started all the same is stopped: the test starts nginx itself,
## on 127.0.0.1 only. Otherwise that test is skipped, saying why.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing nginx for tests/deploy (Debian's; its own service left stopped)"; \
	    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -q nginx >/dev/null \
	    || { apt-get update -q >/dev/null && \
	         DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -q nginx >/dev/null; }; \
	    if [ -s /run/nginx.pid ]; then /usr/sbin/nginx -s stop; fi; \
	  else \
	    echo "No nginx: tests/deploy will be skipped (install one, e.g. apt-get install nginx)"; \
	  fi; }

## Serve the forum on SQLite at http://$(HOST):$(PORT), with the article in place.
# gunicorn, not the development server: one process (so in-memory rate limits hold) with a
# few threads, and no access log, so no client address is written anywhere.
run: setup
	$(BIN)/forum db upgrade
	$(BIN)/forum import-article
	@echo "Serving the forum at http://$(HOST):$(PORT) (Ctrl+C stops it)"
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 1 --threads 8 'forum:create_app()'

## The whole suite, browser tests included, in parallel (TEST_WORKERS). Set TEST_DATABASE_URL to
## run it on PostgreSQL, and TEST_REDIS_URL to keep rate limits in Redis.
# worksteal: a worker that runs out takes tests queued for the other, so a few long browser
# tests left on one worker don't keep the other idle at the end.
test: setup java nginx
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## Speed beside the ceilings of the stack (bench/speed.py: a dataset, gunicorn with 2 sync
## workers, wrk, interleaved rounds), written to bench/README.md. A few minutes.
bench: setup
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -q wrk
	$(BIN)/python bench/speed.py $(BENCH_ARGS)

## Pictures of the main pages, light and dark, phone and desktop, in test-results/screenshots/
## for a person to review (left out of `make test`).
screenshots: setup
	$(BIN)/python -m pytest -m screenshots $(PYTEST_ARGS) tests/browser

## Style, the layout's dependency rules (import-linter contracts in pyproject.toml), and htmx-2
## habits (htmx's own upgrade checker over the templates).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=tests $(BIN)/lint-imports
	npx --no-install upgrade-check templates static

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Demo members, stories and replies in the local database (never done by `make run`).
seed-demo: setup
	$(BIN)/forum db upgrade
	$(BIN)/forum seed-demo

clean:
	rm -rf $(VENV) node_modules test-results .pytest_cache .ruff_cache .hypothesis
