# CarBot Monitor. Quick start: `make dev` (serve every function on :3000) and `make test`.
SHELL := /bin/bash
PORT ?= 3000
VENV := .venv
BIN := $(VENV)/bin
# Python 3.12 is what Vercel runs; pyenv's shim resolves it through .python-version.
PYTHON312 := $(shell python3.12 -c 'import sys; print(sys.executable)' 2>/dev/null || \
	(p=$$(pyenv prefix 3.12 2>/dev/null) && echo $$p/bin/python3.12))

.PHONY: dev test lint format vercel-check bench bench-quick clean setup postgres chromium dashboard

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON312)" || { echo "Python 3.12 not found (install it, e.g. pyenv install 3.12)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON312) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

setup: $(BIN)/.installed

postgres:
	@bash scripts/ensure-postgres

# Debian's chromium for the status-page browser test (never a browser download).
chromium:
	@bash scripts/ensure-chromium

# The dashboard's charting library: installed from npm (package-lock.json) and copied into
# public/dashboard/vendor/ by the same build step Vercel runs (vercel.json buildCommand).
DASHBOARD_LIB := public/dashboard/vendor/uPlot.iife.min.js
$(DASHBOARD_LIB): package.json package-lock.json scripts/build_dashboard.mjs
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20+ for the dashboard"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build

dashboard: $(DASHBOARD_LIB)

dev: setup dashboard
	PORT=$(PORT) $(BIN)/python -m lib dev

# Three workers on two cores: tests mostly wait on PostgreSQL, dev servers and Chromium (measured
# on 2 cores: 222 s with 2 workers, 193 s with 3). A module stays on one worker (its module
# fixtures start once).
test: setup postgres chromium dashboard lint
	$(BIN)/pytest -n 3 --dist loadscope

# ruff, then the layer contract of .importlinter (docs/development.md).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The real `vercel build` (npm vercel@58.10.0 under .tools/) of a throwaway copy in .vercel-check/,
# its output checked, and the built /api/health run under Vercel's own Python runtime; settings and
# monitoring.toml are validated first (python -m lib check-config).
vercel-check: setup postgres
	$(BIN)/python -m lib check-config
	$(BIN)/python -m scripts.vercel_check

# supabase/schema.sql: pg_dump of a throwaway database after every migration (docs/development.md).
.PHONY: schema
schema: setup postgres
	$(BIN)/python -m lib schema

bench: setup postgres
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Every benchmark once in quick mode (bench/quick.py), two at a time, each one's output in one
# piece: CI runs it so none can rot. Timing targets are judged only by `make bench`.
QUICK_BENCHES := $(patsubst bench/%.py,quick-%,$(wildcard bench/bench_*.py))
bench-quick: setup postgres
	@$(MAKE) --no-print-directory -j2 --output-sync=target $(QUICK_BENCHES)

quick-%:
	@echo "== bench/$*.py --quick"; $(BIN)/python bench/$*.py --quick

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .vercel-check node_modules public/dashboard/vendor
