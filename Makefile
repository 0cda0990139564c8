# crm-warehouse — `make demo` and `make test` do all set-up on a fresh machine (Python 3.11+, make).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# uv from PATH when the machine has it, otherwise a private copy installed with pip.
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/uv/bin/uv)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
CRM := $(BIN)/crm
export PATH := $(BIN):$(PATH)
export CRM_DATA_DIR ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(CRM_DATA_DIR)/dagster
DEMO_SEED ?= 42
# Where `make demo` / `make serve` and the single-app targets listen, e.g.
# `make demo APP_PORT=8001 DASHBOARDS_PORT=8502 DAGSTER_PORT=3001`.
HOST ?= 127.0.0.1
APP_PORT ?= 8000
DASHBOARDS_PORT ?= 8501
DAGSTER_PORT ?= 3000
DOCS_PORT ?= 8080
# `make pipeline FULL=1` reloads and rebuilds everything (crm pipeline --full).
PIPELINE_FLAGS := $(if $(FULL),--full,)

.PHONY: help install install-spark test-spark exposures manifest demo seed pipeline serve app dashboards dagster docs lint fmt test test-slow

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(CURDIR)/.tools/uv/bin/uv:
	$(PYTHON) -m venv $(CURDIR)/.tools/uv
	$(CURDIR)/.tools/uv/bin/pip install --quiet uv

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.installed ## create .venv and install the locked dependencies

# Spark as the dbt engine (issue #23): pyspark and dbt-spark, the optional group `spark`, kept
# out of `make install` (about 450 MB). Spark also needs a Java 17+ runtime (Debian: openjdk-17-jre-headless).
# A later `make install` after the lock changes removes them again; run this again then.
$(VENV)/.installed-spark: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra spark
	@touch $(VENV)/.installed $@

install-spark: $(VENV)/.installed-spark ## install the optional Spark engine (pyspark, dbt-spark) into .venv

exposures: install ## regenerate dbt_project/models/exposures.yml from the dashboard pages' queries
	$(BIN)/python -m dashboards.lineage > dbt_project/models/exposures.yml

manifest: install ## parse the dbt project into target/manifest.json
	cd dbt_project && $(BIN)/dbt parse --profiles-dir . --quiet

demo: export CRM_DEMO_MODE = 1
demo: install ## seed the demo data, run the pipeline once, then serve every app until Ctrl-C
	$(CRM) seed --scale demo --seed $(DEMO_SEED) --if-empty
	$(CRM) pipeline
	$(MAKE) --no-print-directory serve

seed: install ## generate the demo data set into the OLTP database (SCALE=demo|small|medium|large|xlarge)
	$(CRM) seed --scale $(or $(SCALE),demo) --seed $(DEMO_SEED) --replace

pipeline: install ## run the pipeline once, incremental (FULL=1: rebuild everything), and exit
	$(CRM) pipeline $(PIPELINE_FLAGS)

serve: install ## serve the app, the dashboards and the Dagster UI (ports: APP_PORT, DASHBOARDS_PORT, DAGSTER_PORT)
	@echo "Operational app  http://$(HOST):$(APP_PORT)"
	@echo "Dashboards       http://$(HOST):$(DASHBOARDS_PORT)"
	@echo "Dagster UI       http://$(HOST):$(DAGSTER_PORT)"
	@mkdir -p $(DAGSTER_HOME)
	@trap 'kill 0' INT TERM EXIT; \
	$(CRM) app --host $(HOST) --port $(APP_PORT) & \
	$(CRM) dashboards --host $(HOST) --port $(DASHBOARDS_PORT) & \
	$(BIN)/dagster dev -m orchestration.definitions -h $(HOST) -p $(DAGSTER_PORT) & \
	wait

app: install ## serve the operational app on HOST:APP_PORT (127.0.0.1:8000)
	$(CRM) app --host $(HOST) --port $(APP_PORT)

dashboards: install ## serve the dashboards on HOST:DASHBOARDS_PORT (127.0.0.1:8501)
	$(CRM) dashboards --host $(HOST) --port $(DASHBOARDS_PORT)

dagster: install ## the Dagster UI on HOST:DAGSTER_PORT (127.0.0.1:3000), same Dagster home as crm pipeline
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/dagster dev -m orchestration.definitions -h $(HOST) -p $(DAGSTER_PORT)

# The docs' catalog comes from the build database the last pipeline run left (so run it first).
docs: export CRM_DBT_DUCKDB_PATH ?= $(or $(CRM_WAREHOUSE_DIR),$(CRM_DATA_DIR)/warehouse)/build/crm_build.duckdb
docs: install ## dbt docs (models, columns, tests, lineage) on HOST:DOCS_PORT (127.0.0.1:8080)
	cd dbt_project && $(BIN)/dbt docs generate --profiles-dir . --target-path target/docs
	cd dbt_project && $(BIN)/dbt docs serve --profiles-dir . --target-path target/docs \
		--host $(HOST) --port $(DOCS_PORT) --no-browser

lint: install ## ruff (lint + format check) and sqlfluff on the dbt models
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models

fmt: install ## format Python and fix what sqlfluff can
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/sqlfluff fix dbt_project/models

# Two workers (2 cores). `--dist loadgroup` keeps the tests that share an expensive fixture (the
# e2e warehouse, a module's own build) on one worker, so each is built once (tests/conftest.py);
# the manifest is parsed first so the workers' pipelines never parse it at the same time.
test: install lint manifest ## lint, then the whole test suite but the slow reliability tests
	$(BIN)/pytest -m "not slow and not spark" -n 2 --dist loadgroup

test-spark: install-spark ## the Spark portability test (dbt on Spark and DuckDB, every mart row compared, unit tests on Spark)
	$(BIN)/pytest -m spark

test-slow: install ## the slow reliability tests (kill the pipeline at each step, rerun, compare)
	$(BIN)/pytest -m slow
