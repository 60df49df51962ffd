# Two commands for a fresh machine:  `make run`  and  `make test`.
VENV ?= .venv
PORT ?= 5000
PG_URL ?= postgresql://postgres:postgres@127.0.0.1:5432/saveflow_test
BIN := $(VENV)/bin

.PHONY: run test test-sqlite test-postgres lint install install-dev clean

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

## Install, migrate and seed the embedded SQLite database, and serve on http://127.0.0.1:$(PORT)
run: install
	$(BIN)/flask --app wsgi saveflow init
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - wsgi:app

## Install everything (PostgreSQL too, if missing) and run lint plus the suite on SQLite and PostgreSQL
test: install-dev lint test-sqlite test-postgres

lint: install-dev
	$(BIN)/ruff check saveflow tests bench wsgi.py

test-sqlite: install-dev
	env -u TEST_DATABASE_URL $(BIN)/pytest -q

test-postgres: install-dev
	bash .ci/ensure-postgres "$(PG_URL)"
	TEST_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -q

clean:
	rm -rf $(VENV) instance .pytest_cache
