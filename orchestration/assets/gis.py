"""Raw GIS assets: a thin wrapper over `ingestion.gis.inbox.ingest_inbox` (DESIGN.md §5).

One step loads the inbox and materializes the three `raw_gis` tables it writes, so the dbt
sources `gis.exchange_events`, `gis.quarantine` and `gis.loaded_files` all have a parent asset.
With an empty (or unconfigured) inbox the step still creates the tables, so dbt always builds.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg

from ingestion.gis.events import STATUS_GROUPS, SYSTEMS
from ingestion.gis.identities import load_our_identities
from ingestion.gis.inbox import (
    EVENTS_TABLE,
    LOADED_TABLE,
    IngestReport,
    ensure_tables,
    ingest_inbox,
)
from ingestion.gis.quarantine import SCHEMA as RAW_GIS_SCHEMA
from ingestion.gis.quarantine import TABLE as QUARANTINE_TABLE
from orchestration.resources import WarehouseResource

GIS_EVENTS_KEY = dg.AssetKey([RAW_GIS_SCHEMA, "exchange_events"])
GIS_QUARANTINE_KEY = dg.AssetKey([RAW_GIS_SCHEMA, "quarantine"])
GIS_LOADED_FILES_KEY = dg.AssetKey([RAW_GIS_SCHEMA, "loaded_files"])
GIS_ASSET_KEYS = (GIS_EVENTS_KEY, GIS_QUARANTINE_KEY, GIS_LOADED_FILES_KEY)
_TABLE_OF = {
    GIS_EVENTS_KEY: EVENTS_TABLE,
    GIS_QUARANTINE_KEY: QUARANTINE_TABLE,
    GIS_LOADED_FILES_KEY: LOADED_TABLE,
}
NO_UNPARSED_FILES_CHECK = "no_unparsed_files"
# Quarantine reasons listed in the materialization metadata; the table holds all of them.
MAX_LISTED_FILES = 50
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


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def files_table(rows: list[tuple[str, str]]) -> str:
    """(file, reason) rows as a markdown table for the Dagster UI, at most MAX_LISTED_FILES."""
    if not rows:
        return "none"
    lines = ["| file | reason |", "| --- | --- |"]
    lines += [
        f"| {_markdown_cell(name)} | {_markdown_cell(reason)} |"
        for name, reason in rows[:MAX_LISTED_FILES]
    ]
    if len(rows) > MAX_LISTED_FILES:
        lines.append(f"| … | {len(rows) - MAX_LISTED_FILES} more |")
    return "\n".join(lines)


def ingest_metadata(report: IngestReport) -> dict[str, Any]:
    """What one inbox scan did, as metadata of the `raw_gis/exchange_events` materialization."""
    metadata: dict[str, Any] = {
        "files_seen": report.files_seen,
        "files_loaded": report.files_loaded,
        "files_skipped": report.files_skipped,
        "files_quarantined": report.files_quarantined,
        "files_failed": len(report.failed),
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
    specs=[
        dg.AssetSpec(
            GIS_EVENTS_KEY,
            group_name="raw",
            kinds={"duckdb"},
            description="GIS exchange events (ЕГАИС, Меркурий, ГИС МТ) from the inbox, "
            "appended once per file content.",
        ),
        dg.AssetSpec(
            GIS_QUARANTINE_KEY,
            group_name="raw",
            kinds={"duckdb"},
            description="GIS files refused as malformed or hostile, with the reason.",
        ),
        dg.AssetSpec(
            GIS_LOADED_FILES_KEY,
            group_name="raw",
            kinds={"duckdb"},
            description="Register of loaded GIS files (sha256, events, run).",
        ),
    ],
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
    con = warehouse.connect_build()
    try:
        if warehouse.gis_inbox_dir is None:
            context.log.warning("No GIS inbox configured: only creating the raw_gis tables.")
            ensure_tables(con)
            report = IngestReport(run_id=context.run_id)
        else:
            inbox_dir = Path(warehouse.gis_inbox_dir)
            if warehouse.gis_quarantine_dir is None:
                raise dg.Failure("gis_quarantine_dir must be set when gis_inbox_dir is")
            report = ingest_inbox(
                inbox_dir,
                con,
                Path(warehouse.gis_quarantine_dir),
                context.run_id,
                progress=_progress_logger(context),
                # Our organizations decide each document's direction and counterparty; read
                # from the OLTP itself, as this asset may run before the OLTP copy.
                identities=load_our_identities(con, warehouse.oltp_url),
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
    yield dg.AssetCheckResult(
        check_name=NO_UNPARSED_FILES_CHECK,
        asset_key=GIS_EVENTS_KEY,
        passed=not report.failed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"files_failed": len(report.failed)},
    )
