# The two commands of the README. Everything goes into ./.venv (override with VENV=...).
#   make baseline   install circlesim (the lean base) and run the shipped baseline into out/baseline
#   make test       install the test tools (and Debian's Chromium when missing), lint, run the tests
VENV ?= .venv
PYTHON ?= python3
PIP := $(VENV)/bin/pip

.PHONY: baseline test install install-dev clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.circlesim: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.circlesim-dev: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e ".[dev]"
	touch $@ $(VENV)/.circlesim

install: $(VENV)/.circlesim

install-dev: $(VENV)/.circlesim-dev

baseline: install
	$(VENV)/bin/circlesim run scenarios/baseline.yaml --out out/baseline

test: install-dev
	scripts/ensure-chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) out
