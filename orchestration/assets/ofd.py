"""Raw ОФД assets: a thin wrapper over `ingestion.ofd.inbox.ingest_receipts` (issue 21).

One step loads `data/inbox/ofd/` and materializes the raw_ofd tables the dbt sources read.
With no inbox configured it still creates the tables, so dbt always builds.
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from ingestion.ofd.inbox import (
    LINES_TABLE,
    QUARANTINE_TABLE,
    RECEIPTS_TABLE,
    SCHEMA,
    ReceiptIngestReport,
    ensure_tables,
    ingest_receipts,
)
from orchestration.assets.gis import files_table
from orchestration.resources import WarehouseResource

OFD_RECEIPTS_KEY = dg.AssetKey([SCHEMA, "receipts"])
OFD_LINES_KEY = dg.AssetKey([SCHEMA, "receipt_lines"])
OFD_QUARANTINE_KEY = dg.AssetKey([SCHEMA, "quarantine"])
OFD_ASSET_KEYS = (OFD_RECEIPTS_KEY, OFD_LINES_KEY, OFD_QUARANTINE_KEY)
_TABLE_OF = {
    OFD_RECEIPTS_KEY: RECEIPTS_TABLE,
    OFD_LINES_KEY: LINES_TABLE,
    OFD_QUARANTINE_KEY: QUARANTINE_TABLE,
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            OFD_RECEIPTS_KEY,
            group_name="raw",
            kinds={"duckdb"},
            description="Cash receipts (ФФД) from the ОФД inbox, appended once per file content.",
        ),
        dg.AssetSpec(
            OFD_LINES_KEY,
            group_name="raw",
            kinds={"duckdb"},
            description="Cash receipt lines (tag 1059 items) of the loaded receipts.",
        ),
        dg.AssetSpec(
            OFD_QUARANTINE_KEY,
            group_name="raw",
            kinds={"duckdb"},
            description="ОФД files refused as malformed or hostile, with the reason.",
        ),
    ],
    pool="duckdb_writer",
)
def raw_ofd_tables(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult]:
    con = warehouse.connect_build()
    try:
        if warehouse.ofd_inbox_dir is None or warehouse.ofd_quarantine_dir is None:
            context.log.warning("No ОФД inbox configured: only creating the raw_ofd tables.")
            ensure_tables(con)
            report = ReceiptIngestReport(run_id=context.run_id)
        else:
            report = ingest_receipts(
                Path(warehouse.ofd_inbox_dir),
                con,
                Path(warehouse.ofd_quarantine_dir),
                context.run_id,
            )
        row_counts = {
            key: con.sql(f"select count(*) from {table}").fetchall()[0][0]
            for key, table in _TABLE_OF.items()
        }
    finally:
        con.close()
    for source_file, reason in report.quarantined:
        context.log.warning(f"Quarantined {source_file}: {reason}")
    for source_file, error in report.failed:
        context.log.error(f"Could not parse {source_file} (left for the next run): {error}")
    yield dg.MaterializeResult(
        asset_key=OFD_RECEIPTS_KEY,
        metadata={
            "dagster/row_count": row_counts[OFD_RECEIPTS_KEY],
            "files_seen": report.files_seen,
            "files_loaded": report.files_loaded,
            "files_skipped": report.files_skipped,
            "files_quarantined": report.files_quarantined,
            "files_failed": len(report.failed),
            "receipts_loaded": report.receipts_loaded,
            "quarantined": dg.MetadataValue.md(files_table(report.quarantined)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=OFD_LINES_KEY,
        metadata={"dagster/row_count": row_counts[OFD_LINES_KEY], "lines": report.lines_loaded},
    )
    yield dg.MaterializeResult(
        asset_key=OFD_QUARANTINE_KEY,
        metadata={"dagster/row_count": row_counts[OFD_QUARANTINE_KEY]},
    )
