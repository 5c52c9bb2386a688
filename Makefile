# Two commands for a newcomer: `make run` and `make test`. Both create .venv on
# first use and reinstall when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PO_FILES := $(wildcard survey_app/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format translations extract-messages clean

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

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the message catalogues after changing user-visible strings.
extract-messages: $(INSTALLED)
	$(BIN)/pybabel extract --no-location --sort-output -F survey_app/babel.cfg -k _l -k lazy_gettext -o survey_app/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i survey_app/translations/messages.pot -d survey_app/translations

clean:
	rm -rf $(VENV) build *.egg-info
