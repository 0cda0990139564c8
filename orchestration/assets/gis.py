"""Raw GIS assets: a thin wrapper over `ingestion.gis.inbox.ingest_inbox` (DESIGN.md §5).

One step loads the inbox and materializes the four `raw_gis` tables it writes, so the dbt
sources `gis.exchange_events`, `gis.quarantine`, `gis.loaded_files` and
`gis.gismt_marking_codes` all have a parent asset.
With an empty (or unconfigured) inbox the step still creates the tables, so dbt always builds.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from ingestion.gis.events import STATUS_GROUPS, SYSTEMS
from ingestion.gis.identities import load_our_identities
from ingestion.gis.inbox import (
    CODES_TABLE,
    EVENTS_TABLE,
    LOADED_TABLE,
    IngestReport,
    ensure_tables,
    ingest_inbox,
)
from ingestion.gis.quarantine import SCHEMA as RAW_GIS_SCHEMA
from ingestion.gis.quarantine import TABLE as QUARANTINE_TABLE
from orchestration.assets.inbox import (
    MAX_LISTED_FILES,
    files_metadata,
    files_table,
    load_inbox,
    raw_table_specs,
)
from orchestration.resources import WarehouseResource

__all__ = ["MAX_LISTED_FILES", "files_table"]  # re-exported: the tests and older imports

GIS_EVENTS_KEY = dg.AssetKey([RAW_GIS_SCHEMA, "exchange_events"])
GIS_QUARANTINE_KEY = dg.AssetKey([RAW_GIS_SCHEMA, "quarantine"])
GIS_LOADED_FILES_KEY = dg.AssetKey([RAW_GIS_SCHEMA, "loaded_files"])
GIS_MARKING_CODES_KEY = dg.AssetKey([RAW_GIS_SCHEMA, "gismt_marking_codes"])
GIS_ASSET_KEYS = (GIS_EVENTS_KEY, GIS_QUARANTINE_KEY, GIS_LOADED_FILES_KEY, GIS_MARKING_CODES_KEY)
_TABLE_OF = {
    GIS_EVENTS_KEY: EVENTS_TABLE,
    GIS_QUARANTINE_KEY: QUARANTINE_TABLE,
    GIS_LOADED_FILES_KEY: LOADED_TABLE,
    GIS_MARKING_CODES_KEY: CODES_TABLE,
}
NO_UNPARSED_FILES_CHECK = "no_unparsed_files"
# A long first load logs its progress each tenth of the files to read.
PROGRESS_MIN_FILES = 1_000


def _progress_logger(context: dg.AssetExecutionContext) -> Callable[[int, int], None]:
    logged_tenths = 0

    def log(files_read: int, files_to_read: int) -> None:
        nonlocal logged_tenths
        tenths = files_read * 10 // files_to_read
        if files_to_read >= PROGRESS_MIN_FILES and tenths > logged_tenths:
            logged_tenths = tenths
            context.log.info(f"GIS inbox: {files_read:,} of {files_to_read:,} new files read")

    return log


def ingest_metadata(report: IngestReport) -> dict[str, Any]:
    """What one inbox scan did, as metadata of the `raw_gis/exchange_events` materialization."""
    metadata: dict[str, Any] = {
        **files_metadata(report),
        "events_loaded": report.events_loaded,
        "gismt_codes_loaded": report.codes_loaded,
        "quarantined": dg.MetadataValue.md(files_table(report.quarantined)),
    }
    for system in SYSTEMS:
        metadata[f"events_{system}"] = report.events_by_system[system]
    for group in STATUS_GROUPS:
        metadata[f"events_{group}"] = report.events_by_status_group[group]
    if report.failed:
        metadata["failed"] = dg.MetadataValue.md(files_table(report.failed))
    return metadata


@dg.multi_asset(
    specs=raw_table_specs(
        {
            GIS_EVENTS_KEY: "GIS exchange events (ЕГАИС, Меркурий, ГИС МТ) from the inbox, "
            "appended once per file content.",
            GIS_QUARANTINE_KEY: "GIS files refused as malformed or hostile, with the reason.",
            GIS_LOADED_FILES_KEY: "Register of loaded GIS files (sha256, events, run).",
            GIS_MARKING_CODES_KEY: "ГИС МТ marking codes listed by the documents' bodies "
            "(LK_RECEIPT withdrawals), loaded once per file.",
        }
    ),
    check_specs=[
        dg.AssetCheckSpec(
            NO_UNPARSED_FILES_CHECK,
            asset=GIS_EVENTS_KEY,
            description="Every inbox file was loaded or quarantined; a parser failure leaves "
            "the file in the inbox to be retried and warns here.",
        )
    ],
    pool="duckdb_writer",
)
def raw_gis_tables(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    ingest = None
    if warehouse.gis_inbox_dir is not None:
        if warehouse.gis_quarantine_dir is None:
            raise dg.Failure("gis_quarantine_dir must be set when gis_inbox_dir is")
        inbox_dir, quarantine_dir = (
            Path(warehouse.gis_inbox_dir),
            Path(warehouse.gis_quarantine_dir),
        )

        def ingest(con: duckdb.DuckDBPyConnection) -> IngestReport:
            return ingest_inbox(
                inbox_dir,
                con,
                quarantine_dir,
                context.run_id,
                progress=_progress_logger(context),
                # Our organizations decide each document's direction and counterparty; read
                # from the OLTP itself, as this asset may run before the OLTP copy.
                identities=load_our_identities(con, warehouse.oltp_url),
            )

    load = load_inbox(
        context,
        warehouse,
        name="GIS",
        schema=RAW_GIS_SCHEMA,
        tables=_TABLE_OF,
        ingest=ingest,
        ensure_tables=ensure_tables,
        empty_report=lambda: IngestReport(run_id=context.run_id),
    )
    report, row_counts = load.report, load.row_counts
    yield dg.MaterializeResult(
        asset_key=GIS_EVENTS_KEY,
        metadata={"dagster/row_count": row_counts[GIS_EVENTS_KEY], **ingest_metadata(report)},
    )
    yield dg.MaterializeResult(
        asset_key=GIS_QUARANTINE_KEY,
        metadata={
            "dagster/row_count": row_counts[GIS_QUARANTINE_KEY],
            "files_quarantined": report.files_quarantined,
        },
    )
    yield dg.MaterializeResult(
        asset_key=GIS_LOADED_FILES_KEY,
        metadata={
            "dagster/row_count": row_counts[GIS_LOADED_FILES_KEY],
            "files_loaded": report.files_loaded,
        },
    )
    yield dg.MaterializeResult(
        asset_key=GIS_MARKING_CODES_KEY,
        metadata={
            "dagster/row_count": row_counts[GIS_MARKING_CODES_KEY],
            "gismt_codes_loaded": report.codes_loaded,
        },
    )
    yield dg.AssetCheckResult(
        check_name=NO_UNPARSED_FILES_CHECK,
        asset_key=GIS_EVENTS_KEY,
        passed=not report.failed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"files_failed": len(report.failed)},
    )
