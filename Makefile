# Two entry points for a fresh machine (see README.md):
#   make serve   build and preview the site from the shipped content
#   make test    install everything the tests need, then run the whole suite
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build check test bench deps browser-deps apt-packages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

deps: $(VENV)/.installed

# The browser tests drive Debian's Chromium through Playwright (never a downloaded
# browser) and inject axe-core from npm; apt-get runs only when one is missing.
CHROMIUM_PATH ?= /usr/bin/chromium
APT_PACKAGES := $(if $(wildcard $(CHROMIUM_PATH)),,chromium) $(if $(shell command -v npm),,npm)
# The SMTP tests make a self-signed certificate with the openssl command.
APT_PACKAGES += $(if $(shell command -v openssl),,openssl)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

browser-deps: apt-packages node_modules/.installed

apt-packages:
ifneq ($(strip $(APT_PACKAGES)),)
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $(APT_PACKAGES)
endif

node_modules/.installed: package.json package-lock.json | apt-packages
	npm ci --no-audit --no-fund
	touch $@

serve: deps
	$(VENV)/bin/newsletter check
	$(VENV)/bin/newsletter serve

build: deps
	$(VENV)/bin/newsletter build

check: deps
	$(VENV)/bin/newsletter check

test: deps browser-deps
	$(PY) -m pytest

# Build N synthetic notes with newsletter build and with Material's blog plugin,
# side by side: make bench BENCH_ARGS="--notes 10000 --skip-blog"
BENCH_ARGS ?= --notes 1000
bench: deps
	$(PY) -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf site $(VENV) .pytest_cache test-artifacts node_modules
