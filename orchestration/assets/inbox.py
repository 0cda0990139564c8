"""What the inbox assets (GIS exchange files, ОФД receipts) share: their raw table specs, one
load of an inbox with the tables counted after it, the log lines for refused files and the
metadata every inbox load reports.

Each asset module keeps only what is its own: its keys and descriptions, how its ingestion
function is called, and its extra metadata.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import dagster as dg
import duckdb

from orchestration.resources import WarehouseResource

# Quarantine reasons listed in the materialization metadata; the table holds all of them.
MAX_LISTED_FILES = 50


class InboxReport(Protocol):
    """What both inbox loaders report (ingestion.gis.inbox.IngestReport and
    ingestion.ofd.inbox.ReceiptIngestReport)."""

    files_seen: int
    files_loaded: int
    files_skipped: int
    files_quarantined: int
    quarantined: list[tuple[str, str]]
    failed: list[tuple[str, str]]


@dataclass(frozen=True)
class InboxLoad:
    report: Any
    row_counts: dict[dg.AssetKey, int]


def raw_table_specs(descriptions: Mapping[dg.AssetKey, str]) -> list[dg.AssetSpec]:
    """An asset per raw table an inbox load writes, in the `raw` group."""
    return [
        dg.AssetSpec(key, group_name="raw", kinds={"duckdb"}, description=description)
        for key, description in descriptions.items()
    ]


def load_inbox(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    *,
    name: str,
    schema: str,
    tables: Mapping[dg.AssetKey, str],
    ingest: Callable[[duckdb.DuckDBPyConnection], InboxReport] | None,
    ensure_tables: Callable[[duckdb.DuckDBPyConnection], None],
    empty_report: Callable[[], InboxReport],
) -> InboxLoad:
    """Run `ingest` on the build database (or, with no inbox configured, only create the
    tables so dbt always builds), count each asset's table and log every refused file."""
    con = warehouse.connect_build()
    try:
        if ingest is None:
            context.log.warning(f"No {name} inbox configured: only creating the {schema} tables.")
            ensure_tables(con)
            report = empty_report()
        else:
            report = ingest(con)
        row_counts = {
            key: con.sql(f"select count(*) from {table}").fetchall()[0][0]
            for key, table in tables.items()
        }
    finally:
        con.close()
    for source_file, reason in report.quarantined:
        context.log.warning(f"Quarantined {source_file}: {reason}")
    for source_file, error in report.failed:
        context.log.error(f"Could not parse {source_file} (left for the next run): {error}")
    return InboxLoad(report, row_counts)


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


def files_metadata(report: InboxReport) -> dict[str, Any]:
    """What one inbox scan did with its files, for the main table's materialization."""
    return {
        "files_seen": report.files_seen,
        "files_loaded": report.files_loaded,
        "files_skipped": report.files_skipped,
        "files_quarantined": report.files_quarantined,
        "files_failed": len(report.failed),
    }
