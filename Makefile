# Lumbung: `make run` serves the site with its worker and beat; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.lumbung-installed
PYTEST_ARGS ?=
# One test process per core (pytest-xdist; each has its own database and broker: tests/conftest.py).
TEST_PROCESSES ?= auto

.PHONY: run test install setup lint format messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Migrate and load everything; every step is idempotent, so running it again keeps the data.
setup: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_regions
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py sync_templates
	DEBUG=1 $(BIN)/python manage.py refresh_search
	DEBUG=1 $(BIN)/python manage.py ensure_demo_users
	DEBUG=1 $(BIN)/python manage.py load_demo_copies

# Web server, Celery worker and Celery beat on the embedded broker, supervised by config/devstack.py (a
# process that dies is reported and started again); Ctrl-C (or SIGTERM) stops all three.
run: setup
	@echo "Lumbung: http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	DEBUG=1 PORT=$(PORT) PATH="$(abspath $(BIN)):$$PATH" exec $(BIN)/python -m config.devstack Procfile

test: install
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the translation catalogues (needs GNU gettext); the compiled .mo files are committed.
messages:
	DEBUG=1 $(BIN)/python manage.py makemessages -l id --ignore=".venv/*" --ignore="templates_repo/cookiecutters/*" --ignore="var/*"
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=".venv/*" --ignore="var/*"

clean:
	rm -rf var/celery-broker var/test-celery-broker var/test-lumbung-*.sqlite3*
