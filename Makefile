# Two commands on a fresh machine with Python 3.11 and make:
#   make run    the service on http://127.0.0.1:8000 (SQLite under ./data/, migrated, plan seeded)
#   make test   installs what the tests need and runs the whole suite
#               (on PostgreSQL when TEST_DATABASE_URL is set)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint contract openapi migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.runtime $@

migrate: $(VENV)/.runtime
	$(BIN)/alembic upgrade head

run: migrate
	$(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT)

# The test session's OpenID Connect provider (tests/oidc/): installed where npm is, else
# its tests are skipped with the reason.
tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --prefix tests/oidc; fi

test: $(VENV)/.dev tests/oidc/node_modules/.package-lock.json
	$(BIN)/python -m pytest -n auto -m "not servers"
	$(BIN)/python -m pytest -m servers

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app
	rm -f data/alembic-check.db
	DATABASE_URL=sqlite:///./data/alembic-check.db $(BIN)/alembic upgrade head
	DATABASE_URL=sqlite:///./data/alembic-check.db $(BIN)/alembic check
	$(BIN)/hadolint Dockerfile

contract: $(VENV)/.dev
	scripts/contract-check

openapi: $(VENV)/.runtime
	$(BIN)/python -m app.cli export-openapi openapi/openapi.json

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
