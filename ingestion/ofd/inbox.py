"""Load the ОФД receipt inbox `data/inbox/ofd/` into `raw_ofd`, exactly once per file content.

The rules are the GIS inbox's (ingestion/gis/inbox.py) and so is the machinery: the same scan
(symlinks, dot files and in-flight names skipped), the same index of size, time and hash that
spares rereading known files, the same read-ahead, and the same quarantine (a copy of the file
plus a row with the reason, here in `raw_ofd.quarantine`). A file is loaded exactly once, keyed
by its sha256; a malformed or hostile file is quarantined and the other files still load; a
parser bug leaves the file for the next run. Receipts, lines, the loaded-file register and the
index rows of a batch of files are written in one transaction.

One receipt can reach the inbox twice (two exports overlapping in time): the raw tables keep
both copies and staging keeps one per receipt_key (fiscal drive + fiscal document number).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import duckdb
import pyarrow as pa

from ingestion.gis.events import MAX_FILE_BYTES, sha256_hex
from ingestion.gis.inbox import _files_to_read, _hash_file, _read_ahead, _scan
from ingestion.gis.quarantine import ensure_quarantine_table, quarantine_file, quarantined_hashes
from ingestion.ofd.receipts import (
    LINE_SCHEMA,
    RECEIPT_SCHEMA,
    Receipt,
    ReceiptLine,
    ReceiptParseError,
    parse,
    to_arrow,
)

SCHEMA: Final = "raw_ofd"
SYSTEM: Final = "ofd"
RECEIPTS_TABLE: Final = f"{SCHEMA}.receipts"
LINES_TABLE: Final = f"{SCHEMA}.receipt_lines"
LOADED_TABLE: Final = f"{SCHEMA}.loaded_files"
INDEX_TABLE: Final = f"{SCHEMA}.inbox_index"
QUARANTINE_TABLE: Final = f"{SCHEMA}.quarantine"
BATCH_FILES: Final = 2_000

_DUCKDB_TYPES: Final = {
    pa.string(): "varchar",
    pa.int64(): "bigint",
    pa.float64(): "double",
    pa.timestamp("us"): "timestamp",
}


@dataclass
class ReceiptIngestReport:
    run_id: str
    files_seen: int = 0
    files_loaded: int = 0
    files_skipped: int = 0
    files_quarantined: int = 0
    receipts_loaded: int = 0
    lines_loaded: int = 0
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _create(con: duckdb.DuckDBPyConnection, table: str, schema: pa.Schema) -> None:
    columns = ",\n    ".join(f"{f.name} {_DUCKDB_TYPES[f.type]}" for f in schema)
    con.execute(f"create table if not exists {table} (\n    {columns}\n)")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    ensure_quarantine_table(con, QUARANTINE_TABLE)
    _create(con, RECEIPTS_TABLE, RECEIPT_SCHEMA)
    _create(con, LINES_TABLE, LINE_SCHEMA)
    # A table created before a column existed gains it (null for the rows already loaded).
    for table, schema in ((RECEIPTS_TABLE, RECEIPT_SCHEMA), (LINES_TABLE, LINE_SCHEMA)):
        for column in schema:
            con.execute(
                f"alter table {table} add column if not exists "
                f"{column.name} {_DUCKDB_TYPES[column.type]}"
            )
    con.execute(
        f"""
        create table if not exists {LOADED_TABLE} (
            file_sha256 varchar primary key,
            source_file varchar not null,
            loaded_at timestamp not null,
            receipt_count integer not null,
            run_id varchar not null
        )
        """
    )
    con.execute(
        f"""
        create table if not exists {INDEX_TABLE} (
            source_file varchar primary key,
            file_size bigint not null,
            modified_ns bigint not null,
            file_sha256 varchar not null
        )
        """
    )


@dataclass
class _Batch:
    receipts: list[Receipt] = field(default_factory=list)
    lines: list[ReceiptLine] = field(default_factory=list)
    loaded: list[tuple[str, str, dt.datetime, int, str]] = field(default_factory=list)
    indexed: list[tuple[str, int, int, str]] = field(default_factory=list)


def _write_batch(con: duckdb.DuckDBPyConnection, batch: _Batch) -> None:
    if not (batch.loaded or batch.indexed):
        return
    receipts = to_arrow(batch.receipts, RECEIPT_SCHEMA)
    lines = to_arrow(batch.lines, LINE_SCHEMA)
    loaded = pa.table(
        list(zip(*batch.loaded, strict=True)) if batch.loaded else [[]] * 5,
        names=["file_sha256", "source_file", "loaded_at", "receipt_count", "run_id"],
    )
    indexed = pa.table(
        list(zip(*batch.indexed, strict=True)) if batch.indexed else [[]] * 4,
        names=["source_file", "file_size", "modified_ns", "file_sha256"],
    )
    names = ("ofd_receipts_batch", "ofd_lines_batch", "ofd_loaded_batch", "ofd_index_batch")
    for name, table in zip(names, (receipts, lines, loaded, indexed), strict=True):
        con.register(name, table)
    try:
        con.execute("begin transaction")
        try:
            con.execute(f"insert into {RECEIPTS_TABLE} by name select * from ofd_receipts_batch")
            con.execute(f"insert into {LINES_TABLE} by name select * from ofd_lines_batch")
            con.execute(
                f"insert into {LOADED_TABLE} select file_sha256, source_file, "
                "loaded_at::timestamp, receipt_count::integer, run_id from ofd_loaded_batch"
            )
            con.execute(
                f"insert or replace into {INDEX_TABLE} select source_file, "
                "file_size::bigint, modified_ns::bigint, file_sha256 from ofd_index_batch"
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        for name in names:
            con.unregister(name)


def ingest_receipts(
    inbox_dir: Path, con: duckdb.DuckDBPyConnection, quarantine_dir: Path, run_id: str
) -> ReceiptIngestReport:
    """Load the new files of `inbox_dir` (the `ofd` folder itself)."""
    ensure_tables(con)
    report = ReceiptIngestReport(run_id=run_id)
    root, folder = inbox_dir.parent, inbox_dir.name
    scan = _scan(root, (folder,))
    pending = _files_to_read(con, scan, (folder,), (INDEX_TABLE, LOADED_TABLE, QUARANTINE_TABLE))
    files = pending[folder]
    report.files_seen = scan.num_rows
    report.files_skipped = scan.num_rows - len(files)
    if not files:
        return report
    done = {
        row[0] for row in con.sql(f"select file_sha256 from {LOADED_TABLE}").fetchall()
    } | quarantined_hashes(con, QUARANTINE_TABLE)
    batch = _Batch()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for (name, size, modified_ns), data in zip(
        files, _read_ahead(str(inbox_dir), files), strict=True
    ):
        if len(batch.indexed) >= BATCH_FILES:
            _write_batch(con, batch)
            batch = _Batch()
        source_file = f"{SYSTEM}/{name}"
        path = inbox_dir / name
        reason: str | None = None
        parsed: tuple[list[Receipt], list[ReceiptLine]] | None = None
        if data is None:
            sha = _hash_file(path)
            reason = f"size: {size} bytes exceeds the {MAX_FILE_BYTES} byte limit"
        else:
            sha = sha256_hex(data)
            if sha not in done:
                try:
                    parsed = parse(data, source_file)
                except ReceiptParseError as error:
                    reason = error.reason
                except Exception as error:  # a parser bug must not stop the other files
                    report.failed.append((source_file, f"{type(error).__name__}: {error}"))
                    continue
        batch.indexed.append((source_file, size, modified_ns, sha))
        if sha in done:
            report.files_skipped += 1
        elif reason is not None:
            quarantine_file(
                con,
                path=path,
                system=SYSTEM,
                source_file=source_file,
                file_sha256=sha,
                reason=reason,
                quarantine_dir=quarantine_dir,
                run_id=run_id,
                table=QUARANTINE_TABLE,
            )
            report.files_quarantined += 1
            report.quarantined.append((source_file, reason))
        else:
            assert parsed is not None
            receipts, lines = parsed
            batch.receipts.extend(receipts)
            batch.lines.extend(lines)
            batch.loaded.append((sha, source_file, now, len(receipts), run_id))
            report.files_loaded += 1
            report.receipts_loaded += len(receipts)
            report.lines_loaded += len(lines)
        done.add(sha)
    _write_batch(con, batch)
    return report
