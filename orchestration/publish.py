"""The publish asset: swap the tested marts into the read-only warehouse readers use."""

from pathlib import Path

import dagster as dg

from ingestion.publish import publish_warehouse
from orchestration.resources import WarehouseResource

PUBLISHED_WAREHOUSE_KEY = dg.AssetKey(["published_warehouse"])


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
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        result = publish_warehouse(
            Path(warehouse.build_database_path),
            Path(warehouse.published_database_path),
            Path(warehouse.parquet_dir),
            run_id=context.run_id,
        )
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(result.path)),
                "tables": len(result.tables),
                "publish_seconds": dg.MetadataValue.float(round(result.seconds, 3)),
            }
        )

    return published_warehouse
