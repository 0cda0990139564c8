"""Raw OLTP assets: thin wrappers over `ingestion`, one asset key per source table."""

from collections.abc import Iterator

import dagster as dg

from ingestion.load import RAW_OLTP_SCHEMA, LoadResult
from ingestion.oltp import copy_oltp_to_duckdb, warehouse_tables
from orchestration.resources import WarehouseResource


class OltpLoadConfig(dg.Config):
    """Run config of the raw OLTP step (`ops: raw_oltp_tables: config: ...`)."""

    full_refresh: bool = False
    """Copy every table whole and reset its watermark instead of merging the changed rows."""


def oltp_table_names() -> list[str]:
    """The OLTP tables the warehouse reads (the dbt source `opapp`)."""
    return warehouse_tables()


def raw_oltp_asset_key(table_name: str) -> dg.AssetKey:
    return dg.AssetKey([RAW_OLTP_SCHEMA, table_name])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            raw_oltp_asset_key(table_name),
            group_name="raw",
            kinds={"duckdb", "sqlite"},
            description=(
                f"Copy of the OLTP table `{table_name}`, kept equal to the source by merging "
                "the rows changed since the last load (a full copy on the first run or on "
                "request)."
            ),
        )
        for table_name in oltp_table_names()
    ],
    can_subset=True,
    pool="duckdb_writer",
)
def raw_oltp_tables(
    context: dg.AssetExecutionContext, config: OltpLoadConfig, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult]:
    selected = [key.path[-1] for key in sorted(context.selected_asset_keys)]
    con = warehouse.connect_build()
    try:
        results = copy_oltp_to_duckdb(
            warehouse.oltp_url,
            con,
            context.run_id,
            table_names=selected,
            full_refresh=config.full_refresh,
        )
    finally:
        con.close()
    for result in results:
        yield dg.MaterializeResult(
            asset_key=raw_oltp_asset_key(result.table_name),
            metadata=load_metadata(result),
        )


def load_metadata(result: LoadResult) -> dict[str, object]:
    metadata: dict[str, object] = {
        "dagster/row_count": result.table_rows
        if result.table_rows is not None
        else result.row_count,
        "load_mode": result.mode,
        "rows_merged": result.row_count,
        "load_seconds": dg.MetadataValue.float(round(result.seconds, 3)),
    }
    if result.watermark is not None:
        metadata["watermark"] = result.watermark.isoformat()
    return metadata
