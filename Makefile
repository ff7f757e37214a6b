# Two commands on a fresh machine (see README):
#   make serve   set up, build the sample portal and serve it on http://127.0.0.1:8000
#   make test    set up (Python packages, Debian's chromium) and run the tests
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: setup serve build test browser bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: setup
	$(BIN)/opendata build

serve: setup
	$(BIN)/opendata serve

# Browser tests drive Debian's chromium (never a downloaded browser).
browser:
	@command -v chromium >/dev/null || bash scripts/install-browser.sh

test: setup browser
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/build_portal.py --datasets 1000

clean:
	rm -rf site .pytest_cache tests/screenshots
