# Two commands for a newcomer: `make run` and `make test`. Both create .venv on
# first use and reinstall when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Both gettext domains (survey_app's `messages`, analysis's `analysis`), compiled in place
# for the editable install; wheels compile them in their build (setup.py).
PO_FILES := $(wildcard */translations/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000
# The machine's PostgreSQL; `make test-postgres` gives each test a schema of its own in it.
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# The second run skips the browser tests (they test pages, not storage), the wheel (it
# builds the same package), the doctests, and the analysis and questionnaire tests (they
# never open a database: analysis does not import survey_app, tests/test_architecture.py).
PYTEST_POSTGRES_ARGS ?= tests --ignore=tests/browser --ignore=tests/test_wheel.py \
	--ignore=tests/analysis --ignore=tests/questionnaires

.PHONY: run test test-fast test-postgres bench bench-dashboard lint format translations extract-messages clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(MO_FILES)

run: $(INSTALLED) translations
	$(BIN)/klimaatpeil db upgrade
	$(BIN)/klimaatpeil demo --if-empty --base-url http://$(HOST):$(PORT)
	$(BIN)/klimaatpeil run --host $(HOST) --port $(PORT)

test: $(INSTALLED) translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the tests marked slow (the flood, two gunicorns, long fuzzing, the wheel).
test-fast: $(INSTALLED) translations
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# The suite again on PostgreSQL (docs/deployment.md); skips cleanly without a server.
test-postgres: $(INSTALLED) translations
	TEST_DATABASE_URL='$(POSTGRES_TEST_URL)' $(BIN)/python -m pytest $(PYTEST_POSTGRES_ARGS)

# Survey throughput on gunicorn, SQLite and PostgreSQL (docs/performance.md).
bench: $(INSTALLED) translations
	$(BIN)/python -m benchmarks.survey_bench

# Dashboard and coach pages of a campaign with 10,000 responses (docs/performance.md).
bench-dashboard: $(INSTALLED) translations
	$(BIN)/python -m benchmarks.dashboard_bench

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the message catalogues after changing user-visible strings: the app's domain
# (messages) and the analysis package's own (analysis: reports, charts, tables).
extract-messages: $(INSTALLED)
	$(BIN)/pybabel extract --no-location --sort-output -F survey_app/babel.cfg -k _l -k lazy_gettext -o survey_app/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i survey_app/translations/messages.pot -d survey_app/translations
	$(BIN)/pybabel extract --no-location --sort-output --project=Klimaatpeil -F analysis/babel.cfg -o analysis/translations/analysis.pot analysis
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D analysis -i analysis/translations/analysis.pot -d analysis/translations

clean:
	rm -rf $(VENV) build *.egg-info
