# Glaneur: `make demo` to try it, `make test` to check it. See README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: a newer lock file (or pyproject.toml) reinstalls.
STAMP := $(VENV)/.glaneur-installed
PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: install lock demo test lint bench messages clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The lock is complete (every transitive dependency, setuptools included) and hash-checked:
# installed with --no-deps so that no installer resolves anything on its own (pip 23.2, the one
# `python3 -m venv` gives, resolves `lxml[html_clean]` afresh and takes a newer lxml), then
# `pip check` proves the set consistent. The project itself is built with the locked setuptools.
$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements.lock
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# After a change of dependencies in pyproject.toml: re-pin (keeping the other pins), then
# `make install`. Needs PyPI; uv goes into the venv, outside the lock.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock \
		--python-version 3.11 --generate-hashes --quiet

demo: install
	PORT=$(PORT) $(BIN)/glaneur demo

# Browser tests drive Debian's /usr/bin/chromium: no browser download here. The page checks
# (tests/pages) run the Nu checker and axe-core, installed from their npm lock.
PAGECHECK := tools/pagecheck
test: install $(PAGECHECK)/node_modules/.package-lock.json
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(PAGECHECK)/node_modules/.package-lock.json: $(PAGECHECK)/package-lock.json
	npm ci --prefix $(PAGECHECK) --no-audit --no-fund

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/topic_page.py $(BENCH_ARGS)

# Run from the package so only its strings are collected; the data dir stays at the top.
messages: install
	cd src/glaneur && GLANEUR_DATA_DIR=$(CURDIR)/var ../../$(BIN)/glaneur makemessages \
		--locale fr --locale en --ignore 'data/*'
	cd src/glaneur && GLANEUR_DATA_DIR=$(CURDIR)/var ../../$(BIN)/glaneur compilemessages \
		--locale fr --locale en

# Leaves var/ alone: it holds the demo's database, secret key and uploads.
clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis \
		test-results
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} +
