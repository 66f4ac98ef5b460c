# StrongStride: `make demo` runs the product on a demo club, `make test` runs the suite.
# Needs only python3 (3.11+) and make; uv is installed from PyPI into .tools/ when missing.

SHELL := /bin/bash
export STRONGSTRIDE_HOME ?= $(CURDIR)/data
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen
PORT ?= 8501

.PHONY: demo test test-fast lint format dagster serve clean-data env

env: .venv/.synced

$(CURDIR)/.tools/bin/uv:
	@echo "==> installing uv from PyPI into .tools/"
	python3 -m venv .tools && .tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	@echo "==> creating the environment (uv sync)"
	$(UV) sync --frozen
	@touch $@

demo: env
	@test -f "$(STRONGSTRIDE_HOME)/club/roster.csv" || $(RUN) strongstride demo-data
	$(RUN) strongstride ingest
	$(RUN) strongstride demo-accounts
	$(RUN) strongstride serve --with-daemon --port $(PORT)

test: env
	$(RUN) pytest -n auto --dist worksteal

# The quick loop: all but whole-pipeline, multi-process and browser tests (about two minutes on
# two cores). `make test`, what CI runs, still runs everything.
test-fast: env
	$(RUN) pytest -n auto --dist worksteal -m "not slow and not browser"

lint: env
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) sqlfluff lint sql/

format: env
	$(RUN) ruff format .
	$(RUN) ruff check --fix .
	$(RUN) sqlfluff fix sql/

dagster: env
	DAGSTER_HOME="$(STRONGSTRIDE_HOME)/.dagster" $(RUN) dagster dev -m pipelines.definitions -h 127.0.0.1 -p 3000

serve: env
	$(RUN) strongstride serve --port $(PORT)

clean-data:
	rm -rf "$(STRONGSTRIDE_HOME)"/{inbox,club,raw,demo,.dagster,warehouse.duckdb,serving.duckdb,accounts.json}
