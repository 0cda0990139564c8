"""The publish asset: swap the tested marts into the read-only warehouse readers use."""

import datetime as dt
from pathlib import Path

import dagster as dg

from ingestion.publish import DEFAULT_PREVIOUS_GRACE, publish_warehouse
from orchestration.resources import WarehouseResource

PUBLISHED_WAREHOUSE_KEY = dg.AssetKey(["published_warehouse"])


class PublishConfig(dg.Config):
    """Run config of the publish step (`ops: published_warehouse: config: ...`)."""

    previous_grace_hours: float = DEFAULT_PREVIOUS_GRACE.total_seconds() / 3600
    """How long replaced versions stay under `previous/` (the newest one always stays)."""


def build_publish_asset(dbt_models: dg.AssetsDefinition) -> dg.AssetsDefinition:
    # Depending on every dbt asset means publish runs only after `dbt build` (tests included)
    # succeeded: a failed test fails the dbt step and Dagster skips this one.
    @dg.asset(
        key=PUBLISHED_WAREHOUSE_KEY,
        deps=[dbt_models],
        group_name="publish",
        kinds={"duckdb", "parquet"},
        pool="duckdb_writer",
        description="Read-only copy of the marts that dashboards and analysts open.",
    )
    def published_warehouse(
        context: dg.AssetExecutionContext, config: PublishConfig, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        result = publish_warehouse(
            Path(warehouse.build_database_path),
            Path(warehouse.published_database_path),
            Path(warehouse.parquet_dir),
            run_id=context.run_id,
            previous_grace=dt.timedelta(hours=config.previous_grace_hours),
        )
        metadata: dict[str, object] = {
            "path": dg.MetadataValue.path(str(result.path)),
            "tables": len(result.tables),
            # Unchanged tables are kept from the previous published file instead of copied.
            "tables_copied": len(result.copied),
            "tables_reused": len(result.reused),
            # Of the copied: patched in place (only their changed rows written).
            "tables_patched": len(result.patched),
            "parquet_files_reused": len(result.parquet_reused),
            "publish_seconds": dg.MetadataValue.float(round(result.seconds, 3)),
            "previous_versions_pruned": len(result.pruned),
        }
        if result.previous is not None:
            metadata["previous_version"] = dg.MetadataValue.path(str(result.previous))
        return dg.MaterializeResult(metadata=metadata)

    return published_warehouse
