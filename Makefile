# Ventanilla: `make run` to try it, `make test` for everything CI checks.
#
# Both install the exact versions in requirements.lock into .venv (created if missing), then
# the project itself (editable, no dependency resolution: the lock is the truth).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
STAMP := $(VENV)/.installed-from-lock
# Data directory for `make run` only: the tests make their own temporary one.
RUN_HOME ?= $(or $(VENTANILLA_HOME),$(CURDIR)/var)
PG_URL ?= postgres://postgres@127.0.0.1:5432/ventanilla
# The suite is safe to run in parallel (pytest-xdist): every server binds a free port, each
# worker has its own data directory and test database. The conformance suite runs on its own,
# in one process, because it collects its scores in-process and prints them at the end.
JOBS ?= 2
PYTEST := $(BIN)/pytest -q
PYTEST_PARALLEL := $(PYTEST) -p xdist -n $(JOBS) --ignore=tests/conformance
PYTEST_CONFORMANCE := $(PYTEST) tests/conformance
BENCH_ARGS ?=

.PHONY: help install run test test-sqlite test-postgres lint services bench lock clean

help:
	@echo "make run    install, migrate, create the demo data and run web + SMTP + worker"
	@echo "make test   install, start PostgreSQL, lint, then the suite on SQLite and PostgreSQL"
	@echo "make lint   ruff format --check, ruff check, mypy, import-linter layers, migration check"
	@echo "make bench  ingestion benchmark (BENCH_ARGS='--count 10000 --db both')"
	@echo "make lock   rewrite requirements.lock from what .venv holds"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Ventanilla needs Python >= 3.11 (PYTHON=$(PYTHON))" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -r requirements.lock
	$(PIP) install --quiet --no-deps -e .
	@touch $@

install: $(STAMP)

run: install
	VENTANILLA_HOME="$(RUN_HOME)" $(BIN)/ventanilla migrate --no-input
	VENTANILLA_HOME="$(RUN_HOME)" $(BIN)/ventanilla run --no-migrate

services:
	scripts/services-up.sh

# Every check runs even when an earlier one fails, so one run shows all problems.
lint: install
	@status=0; \
	echo "+ ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	echo "+ ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "+ mypy src"; $(BIN)/mypy src || status=1; \
	echo "+ lint-imports"; $(BIN)/lint-imports --no-cache || status=1; \
	echo "+ ventanilla makemigrations --check --dry-run"; \
	scratch=$$(mktemp -d); \
	VENTANILLA_HOME="$$scratch" $(BIN)/ventanilla makemigrations --check --dry-run || status=1; \
	rm -rf "$$scratch"; \
	exit $$status

test-sqlite: install
	env -u VENTANILLA_DATABASE_URL $(PYTEST_PARALLEL)
	env -u VENTANILLA_DATABASE_URL $(PYTEST_CONFORMANCE)

test-postgres: install services
	VENTANILLA_DATABASE_URL="$(PG_URL)" $(PYTEST_PARALLEL)
	VENTANILLA_DATABASE_URL="$(PG_URL)" $(PYTEST_CONFORMANCE)

test: install services lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

bench: install
	$(BIN)/python benchmarks/ingest.py $(BENCH_ARGS)

lock: install
	{ echo "# Exact versions of everything \`make\` installs into .venv (runtime + dev)."; \
	  echo "# Ranges live in pyproject.toml; after changing them: pip install, then make lock."; \
	  $(PIP) freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) build src/*.egg-info
