"""Resources: where the pipeline reads and writes. Built from settings when definitions load."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, DbtProject

from crm.settings import Settings

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"


class WarehouseResource(dg.ConfigurableResource):
    """The OLTP source and the DuckDB files. The pipeline is the only process that writes them."""

    oltp_url: str
    build_database_path: str
    published_database_path: str
    parquet_dir: str

    def connect_build(self) -> duckdb.DuckDBPyConnection:
        Path(self.build_database_path).parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(self.build_database_path)


def warehouse_resource(settings: Settings) -> WarehouseResource:
    return WarehouseResource(
        oltp_url=settings.oltp_url,
        build_database_path=str(settings.build_database_path),
        published_database_path=str(settings.published_database_path),
        parquet_dir=str(settings.parquet_dir),
    )


def dbt_project(target: str | None = None) -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target=target)


def prepare_dbt_project(project: DbtProject) -> None:
    """Parse the dbt project into a manifest when none exists yet.

    The manifest is normally built by `make manifest`; this covers a fresh checkout so that
    `crm pipeline` works without an extra step. It runs when definitions load, never at import.
    `dagster dev` re-parses on every load through `prepare_if_dev`.
    """
    if project.manifest_path.exists():
        project.prepare_if_dev()
        return
    dbt_resource(project).cli(["parse", "--quiet"], target_path=project.target_path).wait()


def point_dbt_at_build_database(settings: Settings) -> None:
    """dbt's profile reads the build database path from the environment of its subprocess."""
    os.environ["CRM_DBT_DUCKDB_PATH"] = str(settings.build_database_path)


def dbt_executable() -> str:
    """The dbt installed beside this Python, so runs work without an activated virtualenv."""
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else "dbt"


def dbt_resource(project: DbtProject) -> DbtCliResource:
    return DbtCliResource(project_dir=project, dbt_executable=dbt_executable())
