"""Quarantine for GIS exchange files that are malformed or hostile (DESIGN.md §5, §7).

A quarantined file is copied to `<quarantine_dir>/<system>/<sha256 prefix>_<name>` and recorded
in `raw_gis.quarantine`, keyed by its content hash: the same bytes are never parsed again, a
changed file (new hash) is. The copy happens before the row is written, so a crash in between
only repeats the copy on the next run; nothing is lost and nothing is recorded without its copy.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Final

import duckdb

SCHEMA: Final = "raw_gis"
TABLE: Final = f"{SCHEMA}.quarantine"


def ensure_quarantine_table(con: duckdb.DuckDBPyConnection, table: str = TABLE) -> None:
    """`table`: schema-qualified; another inbox (the ОФД receipts) keeps its own."""
    con.execute(f"create schema if not exists {table.split('.')[0]}")
    con.execute(
        f"""
        create table if not exists {table} (
            file_sha256 varchar primary key,
            system varchar not null,
            source_file varchar not null,
            reason varchar not null,
            quarantined_at timestamp not null,
            run_id varchar not null
        )
        """
    )


def quarantined_hashes(con: duckdb.DuckDBPyConnection, table: str = TABLE) -> set[str]:
    return {row[0] for row in con.sql(f"select file_sha256 from {table}").fetchall()}


def quarantine_file(
    con: duckdb.DuckDBPyConnection,
    *,
    path: Path,
    system: str,
    source_file: str,
    file_sha256: str,
    reason: str,
    quarantine_dir: Path,
    run_id: str,
    table: str = TABLE,
) -> Path:
    """Copy the file aside and record why; returns the copy's path."""
    target_dir = quarantine_dir / system
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{file_sha256[:16]}_{path.name}"
    shutil.copyfile(path, target)
    con.execute(
        f"insert or ignore into {table} values (?, ?, ?, ?, ?, ?)",
        [
            file_sha256,
            system,
            source_file,
            reason[:2000],
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            run_id,
        ],
    )
    return target
