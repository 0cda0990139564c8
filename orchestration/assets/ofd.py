"""Raw ОФД assets: a thin wrapper over `ingestion.ofd.inbox.ingest_receipts` (issue 21).

One step loads `data/inbox/ofd/` and materializes the raw_ofd tables the dbt sources read.
With no inbox configured it still creates the tables, so dbt always builds.
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from ingestion.ofd.inbox import (
    LINES_TABLE,
    QUARANTINE_TABLE,
    RECEIPTS_TABLE,
    REDEMPTIONS_TABLE,
    SCHEMA,
    ReceiptIngestReport,
    ensure_tables,
    ingest_receipts,
)
from orchestration.assets.inbox import files_metadata, files_table, load_inbox, raw_table_specs
from orchestration.resources import WarehouseResource

OFD_RECEIPTS_KEY = dg.AssetKey([SCHEMA, "receipts"])
OFD_LINES_KEY = dg.AssetKey([SCHEMA, "receipt_lines"])
OFD_REDEMPTIONS_KEY = dg.AssetKey([SCHEMA, "receipt_certificate_redemptions"])
OFD_QUARANTINE_KEY = dg.AssetKey([SCHEMA, "quarantine"])
OFD_ASSET_KEYS = (OFD_RECEIPTS_KEY, OFD_LINES_KEY, OFD_REDEMPTIONS_KEY, OFD_QUARANTINE_KEY)
_TABLE_OF = {
    OFD_RECEIPTS_KEY: RECEIPTS_TABLE,
    OFD_LINES_KEY: LINES_TABLE,
    OFD_REDEMPTIONS_KEY: REDEMPTIONS_TABLE,
    OFD_QUARANTINE_KEY: QUARANTINE_TABLE,
}


@dg.multi_asset(
    specs=raw_table_specs(
        {
            OFD_RECEIPTS_KEY: "Cash receipts (ФФД) from the ОФД inbox, appended once per file "
            "content.",
            OFD_LINES_KEY: "Cash receipt lines (tag 1059 items) of the loaded receipts.",
            OFD_REDEMPTIONS_KEY: "Gift certificates that paid a receipt (1084 properties), "
            "one row per certificate with its share of prepaidSum.",
            OFD_QUARANTINE_KEY: "ОФД files refused as malformed or hostile, with the reason.",
        }
    ),
    pool="duckdb_writer",
)
def raw_ofd_tables(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult]:
    ingest = None
    if warehouse.ofd_inbox_dir is not None and warehouse.ofd_quarantine_dir is not None:
        inbox_dir, quarantine_dir = (
            Path(warehouse.ofd_inbox_dir),
            Path(warehouse.ofd_quarantine_dir),
        )

        def ingest(con: duckdb.DuckDBPyConnection) -> ReceiptIngestReport:
            return ingest_receipts(inbox_dir, con, quarantine_dir, context.run_id)

    load = load_inbox(
        context,
        warehouse,
        name="ОФД",
        schema=SCHEMA,
        tables=_TABLE_OF,
        ingest=ingest,
        ensure_tables=ensure_tables,
        empty_report=lambda: ReceiptIngestReport(run_id=context.run_id),
    )
    report, row_counts = load.report, load.row_counts
    yield dg.MaterializeResult(
        asset_key=OFD_RECEIPTS_KEY,
        metadata={
            "dagster/row_count": row_counts[OFD_RECEIPTS_KEY],
            **files_metadata(report),
            "receipts_loaded": report.receipts_loaded,
            "quarantined": dg.MetadataValue.md(files_table(report.quarantined)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=OFD_LINES_KEY,
        metadata={"dagster/row_count": row_counts[OFD_LINES_KEY], "lines": report.lines_loaded},
    )
    yield dg.MaterializeResult(
        asset_key=OFD_REDEMPTIONS_KEY,
        metadata={"dagster/row_count": row_counts[OFD_REDEMPTIONS_KEY]},
    )
    yield dg.MaterializeResult(
        asset_key=OFD_QUARANTINE_KEY,
        metadata={"dagster/row_count": row_counts[OFD_QUARANTINE_KEY]},
    )
