"""Load the GIS inbox into `raw_gis` exactly once per file content (DESIGN.md §5).

`ingest_inbox` scans `<inbox>/{egais,vetis,gismt}/*`, hashes each file, skips hashes already
loaded or quarantined, parses the rest and appends their events. Files are loaded in batches:
the events of up to `BATCH_FILES` files and their `raw_gis.loaded_files` rows are written in one
DuckDB transaction, so a crash leaves each file either fully loaded and registered or not at
all, and the next run picks it up again (a transaction per file made the commits dominate).
A malformed or hostile file is quarantined (see quarantine.py) and the scan goes on.

Reading, hashing and parsing is Python-bound (expat with handlers in Python), so a large inbox is
read by a pool of processes, one per core, in chunks of `CHUNK_FILES` files; this process keeps
the order of the files, decides what is loaded, skipped or quarantined, and writes. A small inbox
(an incremental run's few new files) is read here, without starting a pool.

`raw_gis.inbox_index` remembers the size, modification time and hash each inbox path had when it
was last read. A file whose size and time are unchanged and whose hash is loaded or quarantined
is skipped without being read, so a run over a large inbox with few new files costs one
directory scan rather than hashing every file again. Anything else (a new path, a rewritten
file, a file whose recorded hash is unknown) is read and hashed as before: the index only ever
saves work, never decides what is loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import stat
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.gis import egais, gismt, vetis
from ingestion.gis.events import (
    ADDED_DUCKDB_COLUMNS,
    ARROW_SCHEMA,
    DUCKDB_COLUMNS,
    EVENT_COLUMNS,
    MAX_FILE_BYTES,
    SYSTEMS,
    ExchangeEvent,
    GisParseError,
    UnknownPartiesError,
    sha256_hex,
    to_arrow,
)
from ingestion.gis.identities import OurIdentities, load_identities
from ingestion.gis.quarantine import (
    SCHEMA,
    ensure_quarantine_table,
    quarantine_file,
    quarantined_hashes,
)
from ingestion.gis.quarantine import TABLE as QUARANTINE_TABLE

EVENTS_TABLE: Final = f"{SCHEMA}.exchange_events"
LOADED_TABLE: Final = f"{SCHEMA}.loaded_files"
INDEX_TABLE: Final = f"{SCHEMA}.inbox_index"
# The codes ГИС МТ documents list in their body (gismt.parse_codes), and which loaded files
# they were read from: a loaded gismt file is read for its codes once.
CODES_TABLE: Final = f"{SCHEMA}.gismt_marking_codes"
CODES_LOADED_TABLE: Final = f"{SCHEMA}.gismt_codes_loaded"
# Files per load transaction; a batch is also written once it holds this many events.
BATCH_FILES: Final = 2_000
BATCH_EVENTS: Final = 100_000
# Files per task of the reading pool, and the fewest files to read that are worth starting it
# (a pool of processes takes up to a second to start).
CHUNK_FILES: Final = 500
PARALLEL_MIN_FILES: Final = 5_000
# Reading threads per reading process, files and bytes per read task (a file over the byte
# limit is a task of its own), and tasks read ahead of the parser.
READ_THREADS: Final = 2
READ_BATCH_FILES: Final = 100
READ_BATCH_BYTES: Final = 4 * 2**20
READ_AHEAD_BATCHES: Final = 8
# The same for the scan's lstat of every inbox file, which is far cheaper per file.
SCAN_CHUNK_FILES: Final = 50_000
PARALLEL_MIN_SCAN_FILES: Final = 100_000

Parser = Callable[[bytes, str, OurIdentities], list[ExchangeEvent]]
PARSERS: Final[dict[str, Parser]] = {
    "egais": egais.parse,
    "vetis": vetis.parse,
    "gismt": gismt.parse,
}
# Names a writer uses while a file is still arriving; they are picked up once renamed.
_IN_FLIGHT_SUFFIXES: Final = (".tmp", ".part", ".partial", ".crdownload")


@dataclass
class IngestReport:
    run_id: str
    files_seen: int = 0
    files_loaded: int = 0
    files_skipped: int = 0  # same content already loaded or quarantined
    files_quarantined: int = 0
    events_loaded: int = 0
    events_by_system: Counter[str] = field(default_factory=Counter)
    events_by_status_group: Counter[str] = field(default_factory=Counter)
    codes_loaded: int = 0  # ГИС МТ codes read from documents with their body
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (source_file, reason)
    # Unexpected failures (a parser bug, not a bad file): neither loaded nor quarantined, so
    # the file is retried on the next run once the bug is fixed.
    failed: list[tuple[str, str]] = field(default_factory=list)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    ensure_quarantine_table(con)
    _ensure_code_tables(con)
    columns = ",\n            ".join(f"{name} {kind}" for name, kind in DUCKDB_COLUMNS)
    con.execute(
        f"""
        create table if not exists {EVENTS_TABLE} (
            {columns},
            check (system in ('egais', 'vetis', 'gismt')),
            check (direction in ('inbound', 'outbound')),
            check (status_group in ('accepted', 'rejected', 'processing', 'error'))
        )
        """
    )
    for name, kind in ADDED_DUCKDB_COLUMNS:  # a table created before these columns existed
        con.execute(f"alter table {EVENTS_TABLE} add column if not exists {name} {kind}")
    con.execute(
        f"""
        create table if not exists {LOADED_TABLE} (
            file_sha256 varchar primary key,
            system varchar not null,
            source_file varchar not null,
            loaded_at timestamp not null,
            event_count integer not null,
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


_CODE_DUCKDB_TYPES: Final = {pa.string(): "varchar", pa.int64(): "bigint", pa.date32(): "date"}


def _ensure_code_tables(con: duckdb.DuckDBPyConnection) -> None:
    columns = ",\n            ".join(
        f"{f.name} {_CODE_DUCKDB_TYPES[f.type]}" for f in gismt.CODE_SCHEMA
    )
    con.execute(f"create table if not exists {CODES_TABLE} (\n            {columns}\n        )")
    con.execute(
        f"""
        create table if not exists {CODES_LOADED_TABLE} (
            file_sha256 varchar primary key,
            code_count integer not null,
            loaded_at timestamp not null
        )
        """
    )


def load_marking_codes(con: duckdb.DuckDBPyConnection, inbox_dir: Path) -> int:
    """Read the codes of the loaded gismt files not read for codes yet; returns codes loaded.

    A file that left the inbox, or whose content changed, is left for a later run."""
    _ensure_code_tables(con)
    pending = con.execute(
        f"""
        select loaded.file_sha256, loaded.source_file
        from {LOADED_TABLE} as loaded
        anti join {CODES_LOADED_TABLE} as done on loaded.file_sha256 = done.file_sha256
        where loaded.system = 'gismt'
        order by loaded.source_file
        """
    ).fetchall()
    total = 0
    for sha, source_file in pending:
        path = inbox_dir / source_file
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if sha256_hex(data) != sha:
            continue
        codes = gismt.codes_to_arrow(gismt.parse_codes(data, source_file))
        con.register("gismt_codes_batch", codes)
        try:
            con.execute("begin transaction")
            try:
                con.execute(f"insert into {CODES_TABLE} by name select * from gismt_codes_batch")
                con.execute(
                    f"insert into {CODES_LOADED_TABLE} values (?, ?, ?)",
                    [sha, codes.num_rows, _utcnow()],
                )
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
        finally:
            con.unregister("gismt_codes_batch")
        total += codes.num_rows
    return total


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _loaded_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.sql(f"select file_sha256 from {LOADED_TABLE}").fetchall()}


def _scan(inbox_dir: Path, systems: tuple[str, ...] = SYSTEMS) -> pa.Table:
    """system, name, size and modification time (ns) of every file the inbox offers (in the
    `systems` folders of `inbox_dir`; the ОФД receipt loader scans its own folder with it).

    Listing a folder needs no system call per file, but the `lstat` of each file does, and the
    Python work around it holds the GIL. An incremental run rescans every file the inbox ever
    received, so a large inbox is statted by a pool of processes.
    """
    listed: list[tuple[str, list[str]]] = []
    for system in systems:
        folder = inbox_dir / system
        if not folder.is_dir():
            continue
        with os.scandir(folder) as entries:
            # Symlinks are skipped: a link could point the loader at any file on the machine.
            names = [
                entry.name
                for entry in entries
                if not entry.name.startswith(".")
                and not entry.name.endswith(_IN_FLIGHT_SUFFIXES)
                and entry.is_file(follow_symlinks=False)
            ]
        listed.append((system, names))
    chunks = [
        (system, names[start : start + SCAN_CHUNK_FILES])
        for system, names in listed
        for start in range(0, len(names), SCAN_CHUNK_FILES)
    ]
    folders = [str(inbox_dir / system) for system, _ in chunks]
    chunk_names = [names for _, names in chunks]
    if sum(len(names) for names in chunk_names) < PARALLEL_MIN_SCAN_FILES:
        stats = list(map(_stat_files, folders, chunk_names))
    else:
        with _process_pool(len(chunks)) as pool:
            stats = list(pool.map(_stat_files, folders, chunk_names))
    systems: list[str] = []
    found: list[str] = []
    sizes: list[int] = []
    times: list[int] = []
    for (system, names), (chunk_sizes, chunk_times) in zip(chunks, stats, strict=True):
        for name, size, modified_ns in zip(names, chunk_sizes, chunk_times, strict=True):
            if size < 0:  # gone, or replaced by something other than a file, since the listing
                continue
            systems.append(system)
            found.append(name)
            sizes.append(size)
            times.append(modified_ns)
    return pa.table(
        [
            pa.array(systems, pa.string()),
            pa.array(found, pa.string()),
            pa.array(sizes, pa.int64()),
            pa.array(times, pa.int64()),
        ],
        names=["system", "name", "file_size", "modified_ns"],
    )


def _stat_files(folder: str, names: list[str]) -> tuple[list[int], list[int]]:
    """Sizes and modification times (ns) of the named files of `folder`, without following
    symlinks; -1 for a name that is no longer a regular file. Two lists of ints cross from a
    pool's worker cheaper than a tuple per file."""
    sizes: list[int] = []
    times: list[int] = []
    folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name in names:
            size = modified_ns = -1
            try:
                status = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
            except FileNotFoundError:
                pass
            else:
                if stat.S_ISREG(status.st_mode):
                    size, modified_ns = status.st_size, status.st_mtime_ns
            sizes.append(size)
            times.append(modified_ns)
    finally:
        os.close(folder_fd)
    return sizes, times


def _process_pool(tasks: int) -> ProcessPoolExecutor:
    """One process per core (at most one per task). Forked where the platform can: a spawned
    worker imports the parent's main module again (for a Dagster run, Dagster and the
    definitions). A forked worker only lists, reads,
    hashes and parses files, so it never needs a lock another thread of the run process might
    have held at the fork."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max(1, min(os.cpu_count() or 1, tasks)), mp_context=context)


def _files_to_read(
    con: duckdb.DuckDBPyConnection,
    scan: pa.Table,
    systems: tuple[str, ...] = SYSTEMS,
    tables: tuple[str, str, str] = (INDEX_TABLE, LOADED_TABLE, QUARANTINE_TABLE),
) -> dict[str, list[tuple[str, int, int]]]:
    """Per system, (name, size, mtime) of the scanned files the index cannot vouch for: new
    paths, changed size or time, or a recorded hash neither loaded nor quarantined. In SQL, so
    a rescan of half a million files never brings the index into Python. `tables`: the index,
    loaded-files and quarantine tables (another inbox, the ОФД one, keeps its own)."""
    index_table, loaded_table, quarantine_table = tables
    con.register("gis_inbox_scan", scan)
    try:
        rows = con.sql(
            f"""
            select scan.system, scan.name, scan.file_size, scan.modified_ns
            from gis_inbox_scan as scan
            left join {index_table} as indexed
                on indexed.source_file = scan.system || '/' || scan.name
                and indexed.file_size = scan.file_size
                and indexed.modified_ns = scan.modified_ns
                and (
                    indexed.file_sha256 in (select file_sha256 from {loaded_table})
                    or indexed.file_sha256 in (select file_sha256 from {quarantine_table})
                )
            where indexed.source_file is null
            order by scan.system, scan.name
            """
        ).fetchall()
    finally:
        con.unregister("gis_inbox_scan")
    pending: dict[str, list[tuple[str, int, int]]] = {system: [] for system in systems}
    for system, name, size, modified_ns in rows:
        pending[system].append((name, size, modified_ns))
    return pending


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class _FileRead:
    """What reading one inbox file gave: its hash and either its events (`event_count` of the
    chunk's table, in file order), the reason it cannot be loaded, or a parser failure."""

    name: str
    size: int
    modified_ns: int
    sha: str
    event_count: int = 0
    parse_error: str | None = None  # a bad file: quarantined
    failure: str | None = None  # a parser bug: left for the next run


def _read_batch(folder: str, batch: list[tuple[str, int, int]]) -> list[bytes | None]:
    return [
        None if size > MAX_FILE_BYTES else Path(folder, name).read_bytes()
        for name, size, _modified_ns in batch
    ]


def _batches(files: list[tuple[str, int, int]]) -> Iterator[list[tuple[str, int, int]]]:
    batch: list[tuple[str, int, int]] = []
    batch_bytes = 0
    for item in files:
        if batch and (len(batch) >= READ_BATCH_FILES or batch_bytes >= READ_BATCH_BYTES):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(item)
        batch_bytes += item[1] if item[1] <= MAX_FILE_BYTES else 0
    if batch:
        yield batch


def _read_ahead(folder: str, files: list[tuple[str, int, int]]) -> Iterator[bytes | None]:
    """The bytes of each file, in order, read in batches by a few threads ahead of the parsing
    (None for a file over MAX_FILE_BYTES, which is hashed streamed and never held).

    An inbox that is not in the page cache (files that arrived over days, the first load after
    a restart) costs a disk wait per file, and read one at a time those waits add up. The reads
    release the GIL, so threads reading ahead overlap them with parsing; a batch of files per
    task keeps hand-overs between threads rare.
    """
    window: deque[Future[list[bytes | None]]] = deque()
    batches = _batches(files)
    with ThreadPoolExecutor(READ_THREADS, thread_name_prefix="gis-read") as pool:
        while True:
            while len(window) < READ_AHEAD_BATCHES and (batch := next(batches, None)):
                window.append(pool.submit(_read_batch, folder, batch))
            if not window:
                return
            yield from window.popleft().result()


def _read_chunk(
    system: str, folder: str, files: list[tuple[str, int, int]], identities: OurIdentities
) -> tuple[list[_FileRead], pa.Table]:
    """Read, hash and parse a chunk of one system's files (in a pool process or here)."""
    parser = PARSERS[system]
    reads: list[_FileRead] = []
    events: list[ExchangeEvent] = []
    for (name, size, modified_ns), data in zip(files, _read_ahead(folder, files), strict=True):
        path = Path(folder) / name
        if data is None:
            sha = _hash_file(path)  # streamed: never hold an oversized file in memory
            reason = f"size: {size} bytes exceeds the {MAX_FILE_BYTES} byte limit"
            reads.append(_FileRead(name, size, modified_ns, sha, parse_error=reason))
            continue
        # Hash and parse the same bytes, so a file rewritten mid-run cannot be registered
        # under a hash of content that was never loaded.
        sha = sha256_hex(data)
        try:
            parsed = parser(data, f"{system}/{name}", identities)
        except UnknownPartiesError as error:  # our identities are incomplete: retried next run
            reads.append(_FileRead(name, size, modified_ns, sha, failure=error.reason))
            continue
        except GisParseError as error:
            reads.append(_FileRead(name, size, modified_ns, sha, parse_error=error.reason))
            continue
        except Exception as error:  # a parser bug must not stop the other files
            failure = f"{type(error).__name__}: {error}"
            reads.append(_FileRead(name, size, modified_ns, sha, failure=failure))
            continue
        events.extend(parsed)
        reads.append(_FileRead(name, size, modified_ns, sha, event_count=len(parsed)))
    return reads, to_arrow(events)


def _read_all(
    inbox_dir: Path, pending: dict[str, list[tuple[str, int, int]]], identities: OurIdentities
) -> Iterator[tuple[str, list[_FileRead], pa.Table]]:
    """Chunks of files read, in the order of `pending`: by a process pool when there are
    enough files to pay for it, else in this process."""
    chunks = [
        (system, str(inbox_dir / system), files[start : start + CHUNK_FILES])
        for system, files in pending.items()
        for start in range(0, len(files), CHUNK_FILES)
    ]
    total = sum(len(files) for files in pending.values())
    workers = min(os.cpu_count() or 1, len(chunks))
    if total < PARALLEL_MIN_FILES or workers < 2:
        for system, folder, files in chunks:
            yield system, *_read_chunk(system, folder, files, identities)
        return
    with _process_pool(workers) as pool:
        columns = [*zip(*chunks, strict=True), [identities] * len(chunks)]
        results = pool.map(_read_chunk, *columns)
        for (system, _folder, _files), (reads, events) in zip(chunks, results, strict=True):
            yield system, reads, events


@dataclass
class _Batch:
    """Read files waiting for their load transaction."""

    events: list[pa.Table] = field(default_factory=list)
    event_count: int = 0
    loaded: list[tuple[str, str, str, dt.datetime, int, str]] = field(default_factory=list)
    indexed: list[tuple[str, int, int, str]] = field(default_factory=list)

    def full(self) -> bool:
        # Every file read is indexed (loaded, quarantined or a known content): counting those
        # commits a first scan of an inbox that predates the index in batches too.
        return len(self.indexed) >= BATCH_FILES or self.event_count >= BATCH_EVENTS


def _write_batch(con: duckdb.DuckDBPyConnection, batch: _Batch) -> None:
    """One transaction: the batch's events, its loaded_files rows and its index rows."""
    if not (batch.loaded or batch.indexed):
        return
    # One slice per file: one contiguous table for the insert.
    events = (
        pa.concat_tables(batch.events).combine_chunks()
        if batch.events
        else ARROW_SCHEMA.empty_table()
    )
    loaded = pa.table(
        list(zip(*batch.loaded, strict=True)) if batch.loaded else [[]] * 6,
        names=["file_sha256", "system", "source_file", "loaded_at", "event_count", "run_id"],
    )
    indexed = pa.table(
        list(zip(*batch.indexed, strict=True)) if batch.indexed else [[]] * 4,
        names=["source_file", "file_size", "modified_ns", "file_sha256"],
    )
    con.register("gis_events_batch", events)
    con.register("gis_loaded_batch", loaded)
    con.register("gis_index_batch", indexed)
    try:
        con.execute("begin transaction")
        try:
            columns = ", ".join(EVENT_COLUMNS)
            con.execute(
                f"insert into {EVENTS_TABLE} ({columns}) select {columns} from gis_events_batch"
            )
            con.execute(
                f"insert into {LOADED_TABLE} select file_sha256, system, source_file, "
                "loaded_at::timestamp, event_count::integer, run_id from gis_loaded_batch"
            )
            con.execute(
                f"insert or replace into {INDEX_TABLE} select source_file, "
                "file_size::bigint, modified_ns::bigint, file_sha256 from gis_index_batch"
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        for name in ("gis_events_batch", "gis_loaded_batch", "gis_index_batch"):
            con.unregister(name)


Progress = Callable[[int, int], None]


def ingest_inbox(
    inbox_dir: Path,
    con: duckdb.DuckDBPyConnection,
    quarantine_dir: Path,
    run_id: str,
    progress: Progress | None = None,
    identities: OurIdentities | None = None,
) -> IngestReport:
    """Load the inbox's new files; `progress(files_read, files_to_read)` follows each chunk.

    Direction and counterparty follow our organizations' identities: by default those of the
    OLTP copy in the warehouse (`raw_oltp.organizations`), so the OLTP copy should run first.
    A file naming none of them is left unloaded and reported in `failed`, and is read again
    on the next run, once an administrator has entered the missing FSRAR ID or GUID.
    """
    ensure_tables(con)
    if identities is None:
        identities = load_identities(con)
    report = IngestReport(run_id=run_id)
    scan = _scan(inbox_dir)
    pending = _files_to_read(con, scan)
    to_read = sum(len(files) for files in pending.values())
    report.files_seen = scan.num_rows
    report.files_skipped = scan.num_rows - to_read
    # Known hashes catch the same content under another path; only files to read need them.
    done = _loaded_hashes(con) | quarantined_hashes(con) if to_read else set()
    batch = _Batch()
    files_read = 0
    for system, reads, events in _read_all(inbox_dir, pending, identities):
        loaded_events: list[pa.Table] = []  # of this chunk
        offset = 0  # the chunk's events are in file order
        for read in reads:
            if batch.full():
                _write_batch(con, batch)
                batch = _Batch()
            source_file = f"{system}/{read.name}"
            file_events = events.slice(offset, read.event_count)
            offset += read.event_count
            if read.failure is not None:
                report.failed.append((source_file, read.failure))
                continue  # not indexed: read again on the next run
            batch.indexed.append((source_file, read.size, read.modified_ns, read.sha))
            if read.sha in done:
                report.files_skipped += 1
            elif read.parse_error is not None:
                quarantine_file(
                    con,
                    path=inbox_dir / system / read.name,
                    system=system,
                    source_file=source_file,
                    file_sha256=read.sha,
                    reason=read.parse_error,
                    quarantine_dir=quarantine_dir,
                    run_id=run_id,
                )
                report.files_quarantined += 1
                report.quarantined.append((source_file, read.parse_error))
            else:
                batch.events.append(file_events)
                batch.event_count += read.event_count
                batch.loaded.append(
                    (read.sha, system, source_file, _utcnow(), read.event_count, run_id)
                )
                loaded_events.append(file_events)
                report.files_loaded += 1
                report.events_loaded += read.event_count
                report.events_by_system[system] += read.event_count
            done.add(read.sha)
        if loaded_events:
            status_groups = pa.concat_tables(loaded_events)["status_group"]
            for group in pc.value_counts(status_groups).to_pylist():
                report.events_by_status_group[group["values"]] += group["counts"]
        files_read += len(reads)
        if progress is not None:
            progress(files_read, to_read)
    _write_batch(con, batch)
    report.codes_loaded = load_marking_codes(con, inbox_dir)
    return report
