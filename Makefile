# Two commands for a fresh machine:  `make run`  and  `make test`.
VENV ?= .venv
PORT ?= 5000
PG_URL ?= postgresql://postgres:postgres@127.0.0.1:5432/saveflow_test
BIN := $(VENV)/bin

.PHONY: run test test-sqlite test-postgres lint lock install install-dev clean chromium services

$(BIN)/python:
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Install, migrate and seed the embedded SQLite database (a demo app with months of history),
## and serve on http://127.0.0.1:$(PORT)
## with the demo host page (another origin, for the widget) on http://127.0.0.1:5001.
## SAVEFLOW_DEMO=1 turns the demo on (a marked demo app, /demo, the host); never set it in production.
run: install
	SAVEFLOW_DEMO=1 $(BIN)/flask --app wsgi saveflow init
	SAVEFLOW_DEMO=1 $(BIN)/flask --app wsgi saveflow demo
	@SAVEFLOW_DEMO=1 $(BIN)/flask --app wsgi saveflow demo-admin --url http://127.0.0.1:$(PORT)
	@SAVEFLOW_DEMO=1 SAVEFLOW_URL=http://127.0.0.1:$(PORT) $(BIN)/flask --app wsgi saveflow reports digest
	@echo "Demo: open http://127.0.0.1:$(PORT)/demo (the host page on :5001 embeds the widget)"
	SAVEFLOW_DEMO=1 SAVEFLOW_URL=http://127.0.0.1:$(PORT) $(BIN)/gunicorn --bind 127.0.0.1:5001 \
	  --workers 1 'saveflow.widget.demo_host:create_from_env()' & demo=$$!; \
	SAVEFLOW_DEMO=1 SAVEFLOW_URL=http://127.0.0.1:$(PORT) $(BIN)/flask --app wsgi saveflow worker & worker=$$!; \
	trap 'kill $$demo $$worker 2>/dev/null' EXIT INT TERM; \
	SAVEFLOW_DEMO=1 SAVEFLOW_URL=http://127.0.0.1:$(PORT) $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 \
	  --access-logfile - wsgi:app

## Install everything (PostgreSQL too, if missing) and run lint plus the suite on SQLite and PostgreSQL
test: install-dev chromium services lint test-sqlite test-postgres

## Redis for the shared rate-limit tests (installed and started when missing)
services:
	bash .ci/ensure-redis

## Debian's Chromium for the widget's browser tests (Playwright never downloads a browser)
chromium:
	bash .ci/ensure-chromium

lint: install-dev
	$(BIN)/ruff check saveflow tests bench wsgi.py
	$(BIN)/mypy saveflow

## Re-pin the whole dependency tree from requirements.in and requirements-dev.in (pip-tools)
lock: install-dev
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

test-sqlite: install-dev
	env -u TEST_DATABASE_URL $(BIN)/pytest -q

test-postgres: install-dev
	bash .ci/ensure-postgres "$(PG_URL)"
	TEST_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -q

clean:
	rm -rf $(VENV) instance .pytest_cache
