"""dbt models as Dagster assets; `dbt build` runs models and their tests together.

An incremental run builds only what is downstream of the raw tables that changed since the last
successful build (orchestration/dbt_selection.py); the models it leaves alone are reported as
unchanged so that publishing still follows a passed build.
"""

import datetime as dt
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from ingestion.load import RAW_OLTP_SCHEMA
from orchestration.dbt_selection import (
    ensure_build_ledger,
    exclusion_args,
    nodes_to_skip,
    plan_build,
    project_fingerprint,
    record_successful_build,
)
from orchestration.resources import WarehouseResource

DBT_LAYERS = ("staging", "intermediate", "marts")


class CrmDbtTranslator(DagsterDbtTranslator):
    """Groups models by their layer folder and maps dbt sources onto the raw assets' keys."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # A source's key is [its schema, table]: opapp -> raw_oltp, gis -> raw_gis.
            schema = dbt_resource_props.get("schema") or RAW_OLTP_SCHEMA
            return dg.AssetKey([schema, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return model_group(dbt_resource_props.get("fqn", []))


def model_group(fqn: list[str]) -> str | None:
    """`["crm_warehouse", "marts", "sales", "fct_deals"]` -> "marts"."""
    return next((part for part in fqn[1:-1] if part in DBT_LAYERS), None)


class DbtBuildConfig(dg.Config):
    """Run config of the dbt step (`ops: crm_dbt_models: config: ...`)."""

    full_refresh: bool = False
    """Rebuild incremental models from scratch (`dbt build --full-refresh`)."""


def dbt_build_args(full_refresh: bool = False, as_of: dt.datetime | None = None) -> list[str]:
    """`dbt build` of models, snapshots and data tests. Unit tests check the SQL logic on fixed
    inputs, not the data: dbt Labs recommends running them in development and CI only, which
    `make test` does (tests/dbt/test_unit_tests.py); in a run they held up each model they
    guard.

    A pinned as-of (CRM_AS_OF, naive UTC) becomes dbt's var('as_of'), the "now" of the marts'
    overdue rules (macro as_of_timestamp); without one they use the build time."""
    args = ["build", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    if as_of is not None:
        args += ["--vars", json.dumps({"as_of": as_of_var(as_of)})]
    return args


def as_of_var(as_of: dt.datetime) -> str:
    """The var's text: a timestamp every adapter casts (`2026-06-30 23:59:59.999999`)."""
    return as_of.isoformat(sep=" ", timespec="microseconds")


def keep_partial_parse(run_target: Path, project: DbtProject) -> None:
    """Carry the run's partial-parse state back into the project's target directory, where the
    next run's copy comes from: dbt then re-parses only what changed (each run works in its
    own target directory)."""
    state = run_target / "partial_parse.msgpack"
    if state.exists():
        destination = Path(project.project_dir) / project.target_path / "partial_parse.msgpack"
        staging = destination.with_suffix(".msgpack.tmp")
        shutil.copyfile(state, staging)
        os.replace(staging, destination)


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=CrmDbtTranslator(),
        pool="duckdb_writer",
    )
    def crm_dbt_models(
        context: dg.AssetExecutionContext,
        config: DbtBuildConfig,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
    ):
        if warehouse.dbt_engine == "spark":
            yield from build_on_spark(context, config, dbt, warehouse, project)
            return
        if context.is_subset:
            # Assets picked by hand in the UI: dagster-dbt selects exactly those, and a partial
            # build must not count as a successful build of the whole project.
            args = dbt_build_args(config.full_refresh, warehouse.as_of_moment)
            yield from dbt.cli(args, context=context).stream()
            return
        manifest = json.loads(Path(project.manifest_path).read_text(encoding="utf-8"))
        fingerprint = project_fingerprint(manifest)
        con = warehouse.connect_build()
        try:
            plan = plan_build(con, fingerprint, config.full_refresh, as_of=warehouse.as_of_moment)
        finally:
            con.close()
        skipped = nodes_to_skip(manifest, plan)
        context.log.info(f"dbt build: {plan.reason}; {len(skipped)} model(s) left as they are")
        # The models left alone are current: reported first (parents before children, and
        # never downstream of a rebuilt one), so publish, which depends on every dbt asset,
        # still runs after this build passes.
        translator = CrmDbtTranslator()
        selected_keys = set(context.selected_asset_keys)
        for unique_id in skipped:
            key = translator.get_asset_key(manifest["nodes"][unique_id])
            if key in selected_keys:
                yield dg.Output(
                    None,
                    output_name=context.assets_def.get_output_name_for_asset_key(key),
                    metadata={"rebuilt": False, "reason": plan.reason},
                )
        started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        # A whole-project build (first build, changed dbt code) rebuilds the incremental models
        # from scratch too: a model that gained a column would otherwise fail their
        # on_schema_change='fail' until someone ran `--full` by hand.
        args = [
            *dbt_build_args(config.full_refresh or plan.is_full, warehouse.as_of_moment),
            *exclusion_args(manifest, plan),
        ]
        invocation = dbt.cli(args, context=context)
        yield from invocation.stream()
        keep_partial_parse(Path(invocation.target_path), project)
        con = warehouse.connect_build()
        try:
            record_successful_build(
                con, context.run_id, started_at, fingerprint, plan, warehouse.as_of_moment
            )
        finally:
            con.close()

    return crm_dbt_models


# The snapshot, and what it reads, built on DuckDB when Spark is the engine: its history needs
# MERGE, which plain Parquet tables on Spark lack; Spark reads the snapshot as a table.
SNAPSHOT_ON_DUCKDB = ["build", "--select", "+resource_type:snapshot", "--exclude",
                      "resource_type:unit_test"]  # fmt: skip
# Schemas dbt builds on Spark; dropped first, so every Spark run is a whole build.
SPARK_BUILT_SCHEMAS = ("main", "staging", "intermediate", "marts", "dbt_test__audit")


def spark_build_args(as_of: dt.datetime | None) -> list[str]:
    """`dbt build` of the whole project on the spark target: every model from scratch (its
    catalog is emptied first), without the snapshot (built on DuckDB) and unit tests."""
    args = [
        "build",
        "--target",
        "spark",
        "--exclude",
        # one argument: dagster-dbt takes a single value after --exclude
        "resource_type:snapshot resource_type:unit_test",
    ]
    if as_of is not None:
        args += ["--vars", json.dumps({"as_of": as_of_var(as_of)})]
    return args


def build_on_spark(
    context: dg.AssetExecutionContext,
    config: DbtBuildConfig,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    project: DbtProject,
):
    """dbt on Spark: the raw tables go out as Parquet, dbt builds every model in a local Spark
    session, and the marts come back into the build database for publish (ingestion/spark.py)."""
    from ingestion import spark

    if reason := spark.spark_available():
        raise dg.Failure(f"dbt on Spark cannot run: {reason}")
    spark_dir = Path(warehouse.spark_dir or Path(warehouse.build_database_path).parent / "spark")
    manifest = json.loads(Path(project.manifest_path).read_text(encoding="utf-8"))
    snapshot_args = [*SNAPSHOT_ON_DUCKDB]
    if warehouse.as_of_moment is not None:
        snapshot_args += ["--vars", json.dumps({"as_of": as_of_var(warehouse.as_of_moment)})]
    dbt.cli(snapshot_args, raise_on_error=True).wait()
    con = warehouse.connect_build()
    try:
        files = spark.export_tables_to_parquet(
            con, [*spark.RAW_SCHEMAS, spark.SNAPSHOT_SCHEMA], spark_dir / "parquet"
        )
    finally:
        con.close()
    session = spark.spark_session(spark_dir, warehouse.spark_driver_memory)
    spark.drop_built_schemas(session, SPARK_BUILT_SCHEMAS)
    spark.register_parquet_tables(session, files)
    context.log.info(f"dbt build on Spark: {len(files)} raw and snapshot tables as Parquet")
    # The snapshot was built on DuckDB: reported as soon as its parents are, since a multi-asset
    # yields its outputs parents first.
    translator = CrmDbtTranslator()
    selected = set(context.selected_asset_keys)
    waiting = {
        translator.get_asset_key(node): {
            translator.get_asset_key(manifest["nodes"][parent])
            for parent in node["depends_on"]["nodes"]
            if parent in manifest["nodes"]
        }
        for node in manifest["nodes"].values()
        if node["resource_type"] == "snapshot" and translator.get_asset_key(node) in selected
    }

    def ready_snapshots(done: dg.AssetKey | None) -> list[dg.Output]:
        ready = []
        for key, parents in list(waiting.items()):
            parents.discard(done)
            if done is None or not parents:
                del waiting[key]
                ready.append(
                    dg.Output(
                        None,
                        output_name=context.assets_def.get_output_name_for_asset_key(key),
                        metadata={"engine": "duckdb"},
                    )
                )
        return ready

    for event in dbt.cli(spark_build_args(warehouse.as_of_moment), context=context).stream():
        yield event
        if isinstance(event, dg.Output):
            built = context.asset_key_for_output(event.output_name)
            yield from ready_snapshots(built)
    yield from ready_snapshots(None)
    con = warehouse.connect_build()
    try:
        loaded = spark.import_marts_to_duckdb(
            session, con, spark_dir / "export", spark.contract_column_types(manifest)
        )
        # The DuckDB models are now older than the marts: the next DuckDB run builds them all.
        ensure_build_ledger(con)
        con.execute("delete from meta.dbt_builds")
    finally:
        con.close()
    context.log.info(f"Spark's marts loaded into the build database: {len(loaded)} tables")
