"""Resources: where the pipeline reads and writes. Built from settings when definitions load."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import sys
import time
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DbtCliInvocation, DbtCliResource, DbtProject
from dagster_dbt.dbt_project import using_dagster_dev
from packaging import version

from crm.settings import Settings
from orchestration.dbt_in_process import dbt_in_this_process

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"


class WarehouseResource(dg.ConfigurableResource):
    """The OLTP source and the DuckDB files. The pipeline is the only process that writes them."""

    oltp_url: str
    build_database_path: str
    published_database_path: str
    parquet_dir: str
    # The GIS exchange-log inbox (<dir>/<system>/*) and where refused files are copied.
    # None (the default): no inbox configured; the GIS asset then only creates the raw tables.
    gis_inbox_dir: str | None = None
    gis_quarantine_dir: str | None = None
    # The ОФД receipt inbox (<dir>/*.json) and the quarantine root (copies go under ofd/).
    ofd_inbox_dir: str | None = None
    ofd_quarantine_dir: str | None = None
    # The marts' pinned "now" (Settings.as_of, ISO, naive UTC); None: the build time.
    as_of: str | None = None
    # The engine dbt builds on: duckdb (in the build database) or spark (ingestion/spark.py).
    dbt_engine: str = "duckdb"
    spark_dir: str | None = None
    spark_driver_memory: str = "4g"

    @property
    def as_of_moment(self) -> dt.datetime | None:
        return None if self.as_of is None else dt.datetime.fromisoformat(self.as_of)

    def connect_build(self) -> duckdb.DuckDBPyConnection:
        Path(self.build_database_path).parent.mkdir(parents=True, exist_ok=True)
        return connect_when_unlocked(self.build_database_path)


# Another process may hold the build database's lock for a while (a second `crm pipeline`, an
# analyst's read-write session). The next run waits for it rather than failing; a lock held
# longer than this is reported with the holder's PID.
BUILD_LOCK_TIMEOUT_SECONDS = 600.0


def connect_when_unlocked(
    path: str, timeout: float = BUILD_LOCK_TIMEOUT_SECONDS
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return duckdb.connect(path)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def warehouse_resource(settings: Settings) -> WarehouseResource:
    return WarehouseResource(
        oltp_url=settings.oltp_url,
        build_database_path=str(settings.build_database_path),
        published_database_path=str(settings.published_database_path),
        parquet_dir=str(settings.parquet_dir),
        gis_inbox_dir=str(settings.gis_inbox_dir),
        gis_quarantine_dir=str(settings.gis_quarantine_dir),
        ofd_inbox_dir=str(settings.ofd_inbox_dir),
        ofd_quarantine_dir=str(settings.ofd_quarantine_dir),
        as_of=None if settings.as_of is None else settings.as_of.isoformat(),
        dbt_engine=settings.dbt_engine,
        spark_dir=str(settings.spark_dir),
        spark_driver_memory=settings.spark_driver_memory,
    )


def dbt_project(target: str | None = None) -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target=target)


# What the manifest is parsed from: a change to any of these makes an existing manifest stale.
_DBT_SOURCE_DIRS = ("models", "macros", "tests", "seeds", "snapshots", "analyses")
_DBT_SOURCE_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml")


def manifest_is_stale(project: DbtProject) -> bool:
    """Whether target/manifest.json is missing or older than a file it was parsed from (a
    model added or changed since `make manifest`: the pipeline must not build from the old
    graph, which names models that no longer exist and lacks the new ones)."""
    try:
        parsed_at = project.manifest_path.stat().st_mtime_ns
    except FileNotFoundError:
        return True
    project_dir = Path(project.project_dir)
    sources = [project_dir / name for name in _DBT_SOURCE_FILES]
    for directory in _DBT_SOURCE_DIRS:
        sources.extend(path for path in (project_dir / directory).rglob("*") if path.is_file())
    return any(path.stat().st_mtime_ns > parsed_at for path in sources if path.exists())


def prepare_dbt_project(project: DbtProject) -> None:
    """Parse the dbt project into a manifest when none exists or it is stale, and on every load
    under `dagster dev` (so edits to the models show up after a reload).

    The manifest is normally built by `make manifest`; this covers a fresh checkout so that
    `crm pipeline` works without an extra step. It runs when definitions load, never at import.
    dagster-dbt's own `prepare_if_dev` is not used: it runs `dbt` found on PATH, which a
    `dagster dev` started as `.venv/bin/dagster` without an activated virtualenv does not have.
    """
    if not manifest_is_stale(project) and not using_dagster_dev():
        return
    parser = dbt_resource(project, global_flags=[])  # parse is run for its manifest.json
    parser.cli(["parse", "--quiet"], target_path=project.target_path).wait()


def point_dbt_at_build_database(settings: Settings) -> None:
    """dbt's profile reads the build database path from the environment (dbt runs in this
    process, orchestration/dbt_in_process.py)."""
    os.environ["CRM_DBT_DUCKDB_PATH"] = str(settings.build_database_path)


def dbt_executable() -> str:
    """The dbt installed beside the running Python, so that runs (and `dagster dev`) work
    without an activated virtualenv: dagster-dbt checks the executable when the resource is
    made, and would otherwise look for `dbt` on PATH only."""
    for bin_dir in (Path(sys.executable).parent, Path(sys.prefix) / "bin"):
        beside_python = bin_dir / "dbt"
        if beside_python.exists():
            return str(beside_python)
    return "dbt"


class CrmDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs this project never uses.

    Before each command it ran `dbt --version` (a second dbt start) and set up a dbt
    adapter inside the Dagster process (imports, profile, macros: several seconds) that only
    `fetch_row_counts()` / `fetch_column_metadata()` use. The version comes from the installed
    dbt-core package instead (the executable beside this Python, see dbt_executable), and no
    adapter is made, which dagster-dbt already supports (it falls back to none on any error).
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None

    def cli(self, args: Sequence[str], **kwargs: Any) -> DbtCliInvocation:  # type: ignore[override]
        """dagster-dbt's command, run inside this process (orchestration/dbt_in_process.py)."""
        with dbt_in_this_process():
            return super().cli(args, **kwargs)


# dbt's global flags for the pipeline's commands: no manifest.json and run_results.json, which
# nothing here reads (Dagster's events come from dbt's structured log) and which cost time on
# every command; the run's dbt.log at info level (each node's start, result and
# error, without every statement).
DBT_GLOBAL_FLAGS = ("--no-write-json", "--log-level-file", "info")


def dbt_resource(
    project: DbtProject, global_flags: Sequence[str] = DBT_GLOBAL_FLAGS
) -> DbtCliResource:
    return CrmDbtCliResource(
        project_dir=project,
        dbt_executable=dbt_executable(),
        global_config_flags=list(global_flags),
    )
