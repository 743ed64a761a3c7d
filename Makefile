# Two entry points for a fresh machine (see README.md):
#   make serve   build and preview the site from the shipped content
#   make test    install everything the tests need, then run the whole suite
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build check test deps clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

deps: $(VENV)/.installed

serve: deps
	$(VENV)/bin/newsletter check
	$(VENV)/bin/newsletter serve

build: deps
	$(VENV)/bin/newsletter build

check: deps
	$(VENV)/bin/newsletter check

test: deps
	$(PY) -m pytest

clean:
	rm -rf site $(VENV) .pytest_cache test-artifacts
