# Interlocal: `make run` serves the demo, `make test` runs the suite; both set everything up first.
# The first interpreter that really runs and is 3.11+ (a pyenv shim may exist for a version that is not installed).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help install assets migrate demo run test test-postgres lint format typecheck migrations-check check bench clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo 'Interlocal needs Python 3.11 or newer on PATH (or PYTHON=/path/to/python3.11)'; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Interlocal needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)  ## Create .venv and install Interlocal with its development tools

assets: install  ## Download the pinned, hash-checked USWDS, htmx and Swagger UI into var/static-vendor
	$(BIN)/python -m interlocal.assets

migrate: assets  ## Create or update the database (SQLite in var/ unless DATABASE_URL is set)
	$(BIN)/interlocal migrate --noinput

demo: migrate  ## Load the demonstration region (idempotent)
	$(BIN)/interlocal demo

run: demo  ## Set up, load the demo, and serve on http://127.0.0.1:8000 with a background worker beside it
	@# Both stop together: Ctrl-C reaches both, and the trap stops the worker whenever the server ends.
	$(BIN)/interlocal worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; $(BIN)/interlocal serve

test: assets  ## Set up and run the whole test suite (end-to-end tests need Debian's chromium)
	$(BIN)/python -m pytest

test-postgres: assets  ## Run the suite against PostgreSQL (DATABASE_URL, default the local server)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/interlocal} $(BIN)/python -m pytest

lint: install  ## ruff lint and format check, and the house conventions ruff has no rule for
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -p no:randomly interlocal/tests/test_conventions.py

format: install  ## Reformat the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install  ## mypy with django-stubs
	$(BIN)/mypy interlocal

migrations-check: install  ## Fail when a model change lacks a migration
	$(BIN)/interlocal makemigrations --check --dry-run

check: lint typecheck migrations-check test  ## Everything CI checks, on SQLite

bench: install  ## Run the benchmarks in bench/
	for f in bench/*.py; do $(BIN)/python $$f || exit 1; done

clean:  ## Remove the virtual environment and local data
	rm -rf $(VENV) var
