# Two commands on a fresh machine (see README):
#   make serve   set up (with antiword and poppler-utils for previews), build the sample portal and
#                serve it on http://127.0.0.1:8000
#   make test    set up (Python packages, Debian's chromium, antiword, poppler-utils, nodejs,
#                PostgreSQL) and run every test
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
# axe-core (accessibility checks in the browser tests), from the npm registry, pinned.
AXE = $(VENV)/npm/node_modules/axe-core/axe.min.js
AXE_VERSION = 4.10.3

.PHONY: setup serve build test system previews messages bench bench-build bench-validate bench-hostile bench-function bench-lookup bench-units clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.function: function/pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e './function[postgres,test]'
	touch $@

# The harvesters' own code (CKAN 2.12 core, ckanext-dcat, ckanext-harvest) that the tests run against the
# built sample (tests/ckan_clients.py), in a venv of its own: CKAN's pins would move the portal's packages.
CKAN_VENV = $(VENV)/ckan
$(CKAN_VENV)/.installed: tests/ckan-clients.txt
	$(PYTHON) -m venv $(CKAN_VENV)
	$(CKAN_VENV)/bin/pip install --quiet -r tests/ckan-clients.txt
	$(CKAN_VENV)/bin/pip install --quiet --no-deps ckan==2.12.0 ckanext-dcat==2.4.4 ckanext-harvest==1.6.3
	touch $@

build: setup
	$(BIN)/opendata build

serve: setup $(VENV)/.function previews
	$(BIN)/opendata serve

# What document previews use (antiword, pdftotext); pure-Python readers stand in without them.
previews:
	@bash scripts/install-system.sh previews

# After changing an interface message: extract them all again and merge into generator/locale/.
messages: setup
	$(BIN)/python -m generator.i18n update

# Debian packages the tests and document previews need (never a downloaded browser).
system:
	@bash scripts/install-system.sh

$(AXE): | system
	npm install --silent --no-audit --no-fund --prefix $(VENV)/npm axe-core@$(AXE_VERSION)

# One worker per core, each test file on one worker (its module fixtures are built once); PYTEST_PARALLEL=
# runs the suite in one process.
PYTEST_PARALLEL ?= -n auto --dist loadfile
test: setup system $(VENV)/.function $(AXE) $(CKAN_VENV)/.installed
	PG_URL=$$(bash scripts/start-postgres.sh) && OPENDATA_TEST_DATABASE_URL=$$PG_URL $(BIN)/python -m pytest $(PYTEST_PARALLEL)

# Every goal of a change's cost (full build, rebuild, validate --changed-since, 10,000 datasets, a 1M-row table),
# each beside its baseline measured in the same run. Takes several minutes (the 10,000-dataset builds).
bench: setup
	$(BIN)/python benchmarks/build_goals.py --datasets 1000 --large 10000 --rows 1000000

bench-build: setup
	$(BIN)/python benchmarks/build_portal.py --datasets 1000

bench-validate: setup
	$(BIN)/python benchmarks/validate_table.py

bench-hostile: setup
	$(BIN)/python benchmarks/hostile_gate.py

bench-units: setup
	$(BIN)/python benchmarks/units_load.py

bench-function: setup $(VENV)/.function
	@command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(BIN)/python benchmarks/function_load.py

# SMS/Zalo look-ups per second through the webhooks beside the keyed API, same run.
bench-lookup: setup $(VENV)/.function
	$(BIN)/python benchmarks/lookup_load.py

clean:
	rm -rf site .pytest_cache tests/screenshots
