# Two entry points for a fresh machine (see README.md):
#   make serve   build and preview the site from the shipped content
#   make test    install everything the tests need, then run the whole suite
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build check test bench deps browser-deps apt-packages clean
.PHONY: zensical zensical-if-possible export export-mkdocs export-properdocs export-zensical build-properdocs

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

test: deps browser-deps zensical-if-possible
	$(PY) -m pytest

# Build N synthetic notes with newsletter build and with Material's blog plugin,
# side by side: make bench BENCH_ARGS="--notes 10000 --skip-blog"
BENCH_ARGS ?= --notes 1000
bench: deps
	$(PY) -m benchmarks.run $(BENCH_ARGS)

# Other engines (README: Engines). ProperDocs comes with the test extras; Zensical gets
# a virtual environment of its own, without this package, as a host building the
# export would have (its pin is pyproject's `zensical` extra).
ZENSICAL_VENV ?= .venv-zensical
ZENSICAL_PIN = $(shell $(PYTHON) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['zensical'])")

$(ZENSICAL_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(ZENSICAL_VENV)
	$(ZENSICAL_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(ZENSICAL_VENV)/bin/python -m pip install --quiet "$(ZENSICAL_PIN)"
	touch $@

zensical: $(ZENSICAL_VENV)/.installed

# `make test` runs the Zensical tests where Zensical installs, and skips them (saying why) elsewhere.
zensical-if-possible:
	@$(MAKE) --no-print-directory zensical || echo "Zensical did not install: its tests will be skipped"

# The site as a plugin-free project in export/, then built by each engine into export/site/
# and link-checked there.
export: deps
	$(VENV)/bin/newsletter export --out export

export-mkdocs: export
	$(VENV)/bin/mkdocs build --strict -f export/mkdocs.yml
	$(VENV)/bin/newsletter -f export/mkdocs.yml check --site export/site

export-properdocs: export
	$(VENV)/bin/properdocs build --strict -f export/mkdocs.yml
	$(VENV)/bin/newsletter -f export/mkdocs.yml check --site export/site

export-zensical: export zensical
	cd export && ../$(ZENSICAL_VENV)/bin/zensical build --strict --clean
	$(VENV)/bin/newsletter -f export/mkdocs.yml check --site export/site

# The project itself, plugin included, built by ProperDocs instead of MkDocs.
build-properdocs: deps
	$(VENV)/bin/properdocs build --strict -f mkdocs.yml -d site-properdocs
	$(VENV)/bin/newsletter check --site site-properdocs

clean:
	rm -rf site site-properdocs export $(VENV) $(ZENSICAL_VENV) .pytest_cache test-artifacts node_modules
