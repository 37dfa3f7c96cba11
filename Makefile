# Briefroom: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
# One database name per checkout, so two clones on one machine never share a test database.
CHECKOUT_ID := $(shell printf '%s' "$(CURDIR)" | cksum | cut -d' ' -f1)
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/briefroom_$(CHECKOUT_ID)
HOST ?= 127.0.0.1
PORT ?= 8000

# Compiled message catalogues: built from the committed .po files, never committed themselves.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

.PHONY: install run test check format services migrate demo bench bench-feeds lock compose-check backup schema messages

install: $(STAMP) $(MO_FILES)

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

# Pure Python (Babel): no system gettext needed.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(STAMP)
	$(BIN)/pybabel --quiet compile --input-file $< --output-file $@

# Extract every message from the code and templates, update the catalogues in locale/, take in
# the translations waiting in locale/pending/*.po, and compile.
messages: $(STAMP)
	$(BIN)/python scripts/messages.py

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} TASKS_IN_THREADS=$${TASKS_IN_THREADS:-true} \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Regenerate the committed OpenAPI schema after changing the API (a test compares the two).
# The committed schema is the English one, as PostgreSQL (production) bounds its integers.
schema: install services
	DATABASE_URL=$${DATABASE_URL:-$(PG_TEST_URL)} \
	  $(BIN)/python manage.py spectacular --lang en --validate --fail-on-warn --file docs/openapi.yaml

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Start the machine's PostgreSQL and Redis when they are installed but not running.
services:
	@$(BIN)/python -c "import socket,sys; socket.create_connection(('127.0.0.1',5432),1)" 2>/dev/null \
	  || { command -v pg_ctlcluster >/dev/null && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start || true; }
	@$(BIN)/python -c "import socket,sys; socket.create_connection(('127.0.0.1',6379),1)" 2>/dev/null \
	  || { command -v redis-server >/dev/null && redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /tmp || true; }

# The suite runs on PostgreSQL when DATABASE_URL is set or Postgres answers locally, else SQLite.
test: check services
	@bash tests/browser/ensure_browser.sh
	@if [ -z "$$DATABASE_URL" ] && $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1',5432),1)" 2>/dev/null; then \
	  export DATABASE_URL=$(PG_TEST_URL); fi; \
	echo "test database: $${DATABASE_URL:-sqlite}"; \
	$(BIN)/pytest

bench: install services
	$(BIN)/python bench/run.py

bench-feeds: install services
	$(BIN)/python bench/run.py --only feeds

# Re-pin every dependency after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock
	uv pip compile pyproject.toml --python-version 3.11 -o requirements.prod.lock

# Validate docker-compose.yml with .env.example as its .env (needs `docker compose` or `docker-compose`).
compose-check:
	@tmp=$$(mktemp -d); cp docker-compose.yml Dockerfile .dockerignore $$tmp/; cp .env.example $$tmp/.env; \
	  (cd $$tmp && { docker compose config --quiet 2>/dev/null || docker-compose config --quiet; }); rc=$$?; rm -rf $$tmp; exit $$rc

backup:
	scripts/backup.sh $${BACKUP_DIR:?set BACKUP_DIR}
