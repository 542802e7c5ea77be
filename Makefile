# Service Desk: `make run` starts the service, `make test` runs every test suite.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The type check's django-stubs plugin imports the settings but never connects to a database.
MYPY := DEBUG=false SECRET_KEY=lint DATABASE_URL=postgres://lint@127.0.0.1:1/lint $(PYTHON) -m mypy
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/package-lock.json frontend/public -type f 2>/dev/null)

.PHONY: help run venv frontend migrate lint test test-backend test-frontend test-e2e test-deploy \
	test-smoke test-fuzz test-outage test-soak test-embedded schema clean

help:
	@echo "make run   - start Service Desk at http://$(HOST):$(PORT)/"
	@echo "make test  - run every test suite"
	@echo "Both use the PostgreSQL database in DATABASE_URL; without it, an embedded PostgreSQL"
	@echo "server of this checkout (tools/devdb, data in .pgdata/) that runs while they do."

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@interpreter=$$(tools/find-python) && echo "Using $$interpreter" && \
	  { [ -x $(PYTHON) ] || $$interpreter -m venv $(VENV); }
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# The deployment checks' tools (Helm SDK, schema validators, linters) only for test-deploy.
$(VENV)/.installed-deploy: $(VENV)/.installed requirements-deploy.txt
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-deploy.txt
	@touch $@

venv: $(VENV)/.installed

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build

# The SPA is built when its sources changed since the last build (and skipped before it exists).
frontend: $(if $(wildcard frontend/package.json),frontend/dist/index.html)

# The embedded PostgreSQL server of `make run` and `make test` (tools/devdb) on a data folder of
# its own: migrations, a search by word form and by substring, the data kept across a restart.
test-embedded: venv
	$(PYTHON) -m pytest -c tools/devdb_smoke/pytest.ini --rootdir tools/devdb_smoke tools/devdb_smoke

run: export DEBUG ?= true

# The targets below use the database in DATABASE_URL (Django's system checks ask the server for
# its version, so even `spectacular` does). Without it, each runs again under tools/devdb, which
# starts this checkout's embedded PostgreSQL (data in .pgdata/), sets DATABASE_URL for the
# target and stops the server when it ends, Ctrl-C and failures included.
ifdef DATABASE_URL

migrate: venv
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py createcachetable

run: venv frontend migrate
	$(PYTHON) manage.py bootstrap_admin
	@echo "Service Desk: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PYTHON) manage.py runserver $(HOST):$(PORT)

lint: venv
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(MYPY)
	$(MYPY) --no-warn-unused-configs tools/outage
	SECRET_KEY=lint $(PYTHON) manage.py makemigrations --check --dry-run >/dev/null

test-backend: venv
	$(PYTHON) -m pytest -q

schema: venv
	SECRET_KEY=schema $(PYTHON) manage.py spectacular --validate --lang en --file frontend/openapi.yaml

test-frontend: venv frontend/node_modules/.installed
	@tmp=$$(mktemp) && SECRET_KEY=schema $(PYTHON) manage.py spectacular --validate --lang en --file $$tmp && \
	  if ! diff -q $$tmp frontend/openapi.yaml >/dev/null; then \
	    echo "frontend/openapi.yaml is out of date with the API: run 'make schema' and 'npm run gen:types'"; \
	    diff -u frontend/openapi.yaml $$tmp | head -40; rm -f $$tmp; exit 1; fi; rm -f $$tmp
	cd frontend && npm run check:types-drift && npm run lint && npm run test:unit

test-e2e: venv frontend
	@command -v chromium >/dev/null || { echo "Browser tests need Debian's chromium: apt-get install chromium"; exit 1; }
	cd frontend && DATABASE_URL=$$(../$(PYTHON) ../tools/fresh-db e2e) PYTHON=../$(PYTHON) npm run test:e2e

test-deploy: $(VENV)/.installed-deploy
	PYTHON=$(PYTHON) tools/deploy/check

test-smoke: venv
	DATABASE_URL=$$($(PYTHON) tools/fresh-db smoke) PYTHON=$(PYTHON) tools/postman/run

# Schemathesis over every operation, as an agent and as a requester, against gunicorn.
test-fuzz: venv
	DATABASE_URL=$$($(PYTHON) tools/fresh-db fuzz) PYTHON=$(PYTHON) tools/fuzz/run

# The database link cut (reset and blackholed) and restored under a running server.
test-outage: venv
	DATABASE_URL=$$($(PYTHON) tools/fresh-db outage) PYTHON=$(PYTHON) tools/outage/run

# A short soak: 16 clients with reloads; every acknowledged write checked in the database.
test-soak: venv
	DATABASE_URL=$$($(PYTHON) tools/fresh-db soak) PYTHON=$(PYTHON) tools/soak/run --duration 20 --reload

test: lint test-backend test-frontend test-e2e test-deploy test-smoke test-fuzz test-outage test-soak \
	test-embedded
	@echo "All test suites passed."

else

run migrate lint test test-backend schema test-frontend test-e2e test-smoke test-fuzz test-outage \
	test-soak: venv
	@$(PYTHON) tools/devdb run $(MAKE) --no-print-directory $@

test-deploy: $(VENV)/.installed-deploy
	@$(PYTHON) tools/devdb run $(MAKE) --no-print-directory $@

endif

# The embedded server's data (.pgdata/) is kept; `$(PYTHON) tools/devdb stop && rm -rf .pgdata`
# drops it.
clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist staticfiles
