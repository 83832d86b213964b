# The two commands (README, CONTRACT.md): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint migrations-check pytest deps dev-deps clean messages
MESSAGES_ARGS := --ignore=.venv --ignore=node_modules --ignore=var -v0

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.deps: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install -q -e .
	touch $@

$(VENV)/.dev-deps: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install -q -e '.[dev]'
	touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

## make run: SQLite + embedded broker unless DATABASE_URL / REDIS_URL are set.
run: deps
	mkdir -p var
	@command -v msgfmt >/dev/null || { echo "GNU gettext is needed for the Romanian pages: apt-get install gettext"; exit 1; }
	$(PY) manage.py compilemessages $(MESSAGES_ARGS)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ledger_setup -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	exec bin/run-local

## make test: ruff, makemigrations --check, pytest on PostgreSQL and Redis.
test: dev-deps lint migrations-check messages pytest

messages:
	DJANGO_SETTINGS_MODULE=micropim_privacy.settings.test $(PY) manage.py compilemessages $(MESSAGES_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -r accounts breaches consent dsar ledger micropim_privacy portal retention subprocessors -ll -x '*/migrations/*'

migrations-check:
	DJANGO_SETTINGS_MODULE=micropim_privacy.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest:
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf var/db.sqlite3 var/broker.sqlite3 var/mail var/static
