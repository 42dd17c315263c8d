# Pacte: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Integration services used by the test suite (see scripts/services.sh).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pacte
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: demo test test-fast install lint services messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) create_demo_accounts
	$(MANAGE) load_consultation data-donation --demo-contributions
	$(MANAGE) load_panel_demo
	$(MANAGE) run_pipeline data-donation --publish
	$(MANAGE) suggest_theme_links data-donation --confirm-best
	$(MANAGE) load_answers_demo data-donation
	$(MANAGE) send_digests
	$(MANAGE) compute_opinion_groups data-donation
	$(MANAGE) runserver 127.0.0.1:8000

test: install
	scripts/services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest

# Before each commit: no browser, worker, server process nor embedding model (see README, "Tests").
FAST := not browser and not integration and not server and not model and not slow
test-fast: install
	scripts/services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest -m "$(FAST)"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: install
	$(MANAGE) makemessages -l fr -l en --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks
	$(PY) scripts/fr_typography.py
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf var/pacte.sqlite3 var/static
