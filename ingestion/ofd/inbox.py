"""Load the ОФД receipt inbox `data/inbox/ofd/` into `raw_ofd`, exactly once per file content.

The rules are the GIS inbox's (ingestion/gis/inbox.py) and so is the machinery: the same scan
(symlinks, dot files and in-flight names skipped), the same index of size, time and hash that
spares rereading known files, the same read-ahead, and the same quarantine (a copy of the file
plus a row with the reason, here in `raw_ofd.quarantine`). A file is loaded exactly once, keyed
by its sha256; a malformed or hostile file is quarantined and the other files still load; a
parser bug leaves the file for the next run. Receipts, lines, the loaded-file register and the
index rows of a batch of files are written in one transaction.

Parsing: the columnar fast path (ingestion/ofd/columnar.py) parses each batch of files in
DuckDB on both cores and leaves the files it is not sure of to the Python parser
(ingestion/ofd/receipts.py, the reference), which also gives every quarantine reason; hashing
runs in a thread of its own, beside the GIS inbox's read-ahead, and each batch is written in a
thread of its own while the next one is parsed (the warehouse connection is used by one thread
at a time: `_Writer.settle` comes first). `columnar=False` parses with the Python parser alone.

One receipt can reach the inbox twice (two exports overlapping in time): the raw tables keep
both copies and staging keeps one per receipt_key (fiscal drive + fiscal document number).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import duckdb
import pyarrow as pa

from ingestion.gis.events import MAX_FILE_BYTES, sha256_hex
from ingestion.gis.inbox import _files_to_read, _hash_file, _read_ahead, _scan
from ingestion.gis.quarantine import ensure_quarantine_table, quarantine_file, quarantined_hashes
from ingestion.ofd.columnar import parse_files, scratch_connection
from ingestion.ofd.receipts import (
    LINE_SCHEMA,
    RECEIPT_SCHEMA,
    REDEMPTION_SCHEMA,
    ReceiptParseError,
    certificate_redemptions,
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
REDEMPTIONS_TABLE: Final = f"{SCHEMA}.receipt_certificate_redemptions"
BATCH_FILES: Final = 2_000
# Bytes of files parsed (columnar) and written per batch: bounds the memory a batch of large
# exports takes (the text, DuckDB's parsed rows and the Arrow tables of one batch).
BATCH_BYTES: Final = 256 * 2**20
HASH_AHEAD: Final = 64  # files hashed ahead of the parsing
COLUMNAR_WORKERS: Final = max(1, min(4, os.cpu_count() or 1))

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
    _create(con, REDEMPTIONS_TABLE, REDEMPTION_SCHEMA)
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
    receipts: list[pa.Table] = field(default_factory=list)
    lines: list[pa.Table] = field(default_factory=list)
    redemptions: list[pa.Table] = field(default_factory=list)
    loaded: list[tuple[str, str, dt.datetime, int, str]] = field(default_factory=list)
    indexed: list[tuple[str, int, int, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Pending:
    """A file read and hashed, waiting for its batch to be parsed."""

    source_file: str
    path: Path
    size: int
    modified_ns: int
    sha: str
    data: bytes


def _write_batch(con: duckdb.DuckDBPyConnection, batch: _Batch) -> None:
    if not (batch.loaded or batch.indexed):
        return
    receipts = pa.concat_tables(batch.receipts) if batch.receipts else RECEIPT_SCHEMA.empty_table()
    lines = pa.concat_tables(batch.lines) if batch.lines else LINE_SCHEMA.empty_table()
    redemptions = (
        pa.concat_tables(batch.redemptions)
        if batch.redemptions
        else REDEMPTION_SCHEMA.empty_table()
    )
    loaded = pa.table(
        list(zip(*batch.loaded, strict=True)) if batch.loaded else [[]] * 5,
        names=["file_sha256", "source_file", "loaded_at", "receipt_count", "run_id"],
    )
    indexed = pa.table(
        list(zip(*batch.indexed, strict=True)) if batch.indexed else [[]] * 4,
        names=["source_file", "file_size", "modified_ns", "file_sha256"],
    )
    names = (
        "ofd_receipts_batch",
        "ofd_lines_batch",
        "ofd_redemptions_batch",
        "ofd_loaded_batch",
        "ofd_index_batch",
    )
    for name, table in zip(names, (receipts, lines, redemptions, loaded, indexed), strict=True):
        con.register(name, table)
    try:
        con.execute("begin transaction")
        try:
            con.execute(f"insert into {RECEIPTS_TABLE} by name select * from ofd_receipts_batch")
            con.execute(f"insert into {LINES_TABLE} by name select * from ofd_lines_batch")
            con.execute(
                f"insert into {REDEMPTIONS_TABLE} by name select * from ofd_redemptions_batch"
            )
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


def _python_parse(pending: _Pending) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The reference parser on one file (ReceiptParseError with the reason)."""
    receipts, lines = parse(pending.data, pending.source_file)
    return (
        to_arrow(receipts, RECEIPT_SCHEMA),
        to_arrow(lines, LINE_SCHEMA),
        to_arrow(certificate_redemptions(receipts), REDEMPTION_SCHEMA),
    )


@dataclass
class _Parsed:
    """What parsing a batch's pending files gave: rows, and the files quarantined or failed."""

    receipts: list[pa.Table] = field(default_factory=list)
    lines: list[pa.Table] = field(default_factory=list)
    redemptions: list[pa.Table] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # receipts per file sha256
    reasons: dict[int, str] = field(default_factory=dict)  # index -> quarantine reason
    failed: dict[int, str] = field(default_factory=dict)  # index -> parser bug


def _parse_pending(scratches: list[duckdb.DuckDBPyConnection], pending: list[_Pending]) -> _Parsed:
    """Parse the pending files: columnar (`columnar.parse_files`) when scratch connections are
    given, then the files it leaves (all of them without) by the Python parser, which also
    gives the quarantine reasons. Touches no warehouse connection."""
    parsed = _Parsed()
    deferred: Sequence[int] = range(len(pending))
    if scratches and pending:
        fast = parse_files(scratches, [(p.source_file, p.sha, p.data) for p in pending])
        deferred = fast.deferred
        parsed.receipts.append(fast.receipts)
        parsed.lines.append(fast.lines)
        parsed.redemptions.append(fast.redemptions)
        shas = fast.receipts.group_by("file_sha256").aggregate([("file_sha256", "count")])
        parsed.counts = dict(
            zip(shas["file_sha256"].to_pylist(), shas["file_sha256_count"].to_pylist(), strict=True)
        )
    for index in deferred:
        item = pending[index]
        try:
            receipts, lines, redemptions = _python_parse(item)
        except ReceiptParseError as error:
            parsed.reasons[index] = error.reason
            continue
        except Exception as error:  # a parser bug must not stop the other files
            parsed.failed[index] = f"{type(error).__name__}: {error}"
            continue
        parsed.receipts.append(receipts)
        parsed.lines.append(lines)
        parsed.redemptions.append(redemptions)
        parsed.counts[item.sha] = receipts.num_rows
    return parsed


def _record_parsed(
    con: duckdb.DuckDBPyConnection,
    pending: list[_Pending],
    parsed: _Parsed,
    batch: _Batch,
    report: ReceiptIngestReport,
    quarantine_dir: Path,
    now: dt.datetime,
) -> None:
    """Put the parsed rows into `batch`, quarantine the refused files (on `con`) and count."""
    batch.receipts += parsed.receipts
    batch.lines += parsed.lines
    batch.redemptions += parsed.redemptions
    report.receipts_loaded += sum(table.num_rows for table in parsed.receipts)
    report.lines_loaded += sum(table.num_rows for table in parsed.lines)
    for index, item in enumerate(pending):
        if index in parsed.failed:
            # Neither indexed nor registered: read again next run.
            report.failed.append((item.source_file, parsed.failed[index]))
            continue
        batch.indexed.append((item.source_file, item.size, item.modified_ns, item.sha))
        if index in parsed.reasons:
            quarantine_file(
                con,
                path=item.path,
                system=SYSTEM,
                source_file=item.source_file,
                file_sha256=item.sha,
                reason=parsed.reasons[index],
                quarantine_dir=quarantine_dir,
                run_id=report.run_id,
                table=QUARANTINE_TABLE,
            )
            report.files_quarantined += 1
            report.quarantined.append((item.source_file, parsed.reasons[index]))
        else:
            batch.loaded.append(
                (item.sha, item.source_file, now, parsed.counts.get(item.sha, 0), report.run_id)
            )
            report.files_loaded += 1


class _Writer:
    """Writes each batch in a thread of its own while the next batch is parsed (DuckDB releases
    the GIL); `settle` waits for the write in flight (raising its error), and must come before
    anything else uses the warehouse connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, pool: ThreadPoolExecutor) -> None:
        self.con, self.pool = con, pool
        self.writing: Future[None] | None = None

    def settle(self) -> None:
        if self.writing is not None:
            writing, self.writing = self.writing, None
            writing.result()

    def write(self, batch: _Batch) -> None:
        self.settle()
        self.writing = self.pool.submit(_write_batch, self.con, batch)


def ingest_receipts(
    inbox_dir: Path,
    con: duckdb.DuckDBPyConnection,
    quarantine_dir: Path,
    run_id: str,
    *,
    columnar: bool = True,
) -> ReceiptIngestReport:
    """Load the new files of `inbox_dir` (the `ofd` folder itself); `columnar=False` parses
    every file with the Python parser alone (the reference, for comparison)."""
    ensure_tables(con)
    report = ReceiptIngestReport(run_id=run_id)
    root, folder = inbox_dir.parent, inbox_dir.name
    scan = _scan(root, (folder,))
    pending_files = _files_to_read(
        con, scan, (folder,), (INDEX_TABLE, LOADED_TABLE, QUARANTINE_TABLE)
    )
    files = pending_files[folder]
    report.files_seen = scan.num_rows
    report.files_skipped = scan.num_rows - len(files)
    if not files:
        return report
    done = {
        row[0] for row in con.sql(f"select file_sha256 from {LOADED_TABLE}").fetchall()
    } | quarantined_hashes(con, QUARANTINE_TABLE)
    # Scratch databases for the columnar parser, one per core (`parse_files`): its temporary
    # tables never touch the warehouse.
    scratches = [scratch_connection() for _ in range(COLUMNAR_WORKERS if columnar else 0)]
    batch = _Batch()
    pending: list[_Pending] = []
    pending_bytes = 0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def parse_and_record(writer: _Writer, pending: list[_Pending], batch: _Batch) -> None:
        parsed = _parse_pending(scratches, pending)
        writer.settle()  # the previous batch is written before this one's quarantine rows
        _record_parsed(con, pending, parsed, batch, report, quarantine_dir, now)

    try:
        with ThreadPoolExecutor(1, thread_name_prefix="ofd-write") as pool:
            writer = _Writer(con, pool)
            try:
                for (name, size, modified_ns), (data, sha) in zip(
                    files, _read_and_hash_ahead(inbox_dir, files), strict=True
                ):
                    if (
                        len(batch.indexed) + len(pending) >= BATCH_FILES
                        or pending_bytes >= BATCH_BYTES
                    ):
                        parse_and_record(writer, pending, batch)
                        writer.write(batch)
                        batch, pending, pending_bytes = _Batch(), [], 0
                    source_file = f"{SYSTEM}/{name}"
                    path = inbox_dir / name
                    if sha in done:
                        batch.indexed.append((source_file, size, modified_ns, sha))
                        report.files_skipped += 1
                        continue
                    done.add(sha)
                    if data is None:
                        reason = f"size: {size} bytes exceeds the {MAX_FILE_BYTES} byte limit"
                        batch.indexed.append((source_file, size, modified_ns, sha))
                        writer.settle()
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
                        continue
                    pending.append(_Pending(source_file, path, size, modified_ns, sha, data))
                    pending_bytes += len(data)
                parse_and_record(writer, pending, batch)
                writer.write(batch)
            finally:
                writer.settle()
    finally:
        for scratch in scratches:
            scratch.close()
    return report


def _hashed(data: bytes | None, path: Path) -> tuple[bytes | None, str]:
    # An oversized file is hashed streamed, never held (data None).
    return data, (_hash_file(path) if data is None else sha256_hex(data))


def _read_and_hash_ahead(
    inbox_dir: Path, files: list[tuple[str, int, int]]
) -> Iterator[tuple[bytes | None, str]]:
    """(bytes, sha256) of each file, in order: read ahead by the GIS inbox's reader threads and
    hashed by a thread of our own (hashlib releases the GIL on large buffers), so hashing runs
    on the second core while this one parses. Hash and parse see the same bytes, so a file
    rewritten mid-run cannot be registered under a hash of content that was never loaded."""
    window: deque[Future[tuple[bytes | None, str]]] = deque()
    reads = zip(files, _read_ahead(str(inbox_dir), files), strict=True)
    with ThreadPoolExecutor(1, thread_name_prefix="ofd-hash") as pool:
        while True:
            while len(window) < HASH_AHEAD and (read := next(reads, None)) is not None:
                (name, _, _), data = read
                window.append(pool.submit(_hashed, data, inbox_dir / name))
            if not window:
                return
            yield window.popleft().result()
