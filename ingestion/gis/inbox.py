"""Load the GIS inbox into `raw_gis` exactly once per file content (DESIGN.md §5).

`ingest_inbox` scans `<inbox>/{egais,vetis,gismt}/*`, hashes each file, skips hashes already
loaded or quarantined, parses the rest and appends their events. A file's events and its
`raw_gis.loaded_files` row are written in one DuckDB transaction, so a crash leaves the file
either fully loaded and registered or not at all, and the next run picks it up again.
A malformed or hostile file is quarantined (see quarantine.py) and the scan goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import duckdb

from ingestion.gis import egais, gismt, vetis
from ingestion.gis.events import (
    DUCKDB_COLUMNS,
    EVENT_COLUMNS,
    MAX_FILE_BYTES,
    SYSTEMS,
    ExchangeEvent,
    GisParseError,
    sha256_hex,
    to_arrow,
)
from ingestion.gis.quarantine import (
    SCHEMA,
    ensure_quarantine_table,
    quarantine_file,
    quarantined_hashes,
)

EVENTS_TABLE: Final = f"{SCHEMA}.exchange_events"
LOADED_TABLE: Final = f"{SCHEMA}.loaded_files"

Parser = Callable[[bytes, str], list[ExchangeEvent]]
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
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (source_file, reason)
    # Unexpected failures (a parser bug, not a bad file): neither loaded nor quarantined, so
    # the file is retried on the next run once the bug is fixed.
    failed: list[tuple[str, str]] = field(default_factory=list)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    ensure_quarantine_table(con)
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


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _loaded_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.sql(f"select file_sha256 from {LOADED_TABLE}").fetchall()}


def _inbox_files(inbox_dir: Path, system: str) -> list[Path]:
    folder = inbox_dir / system
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        # Symlinks are skipped: a link could point the loader at any file on the machine.
        if p.is_file()
        and not p.is_symlink()
        and not p.name.startswith(".")
        and not p.name.endswith(_IN_FLIGHT_SUFFIXES)
    )


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _load(
    con: duckdb.DuckDBPyConnection,
    events: list[ExchangeEvent],
    *,
    system: str,
    source_file: str,
    file_sha256: str,
    run_id: str,
) -> None:
    batch = to_arrow(events)
    con.register("gis_events_batch", batch)
    try:
        con.execute("begin transaction")
        try:
            columns = ", ".join(EVENT_COLUMNS)
            con.execute(
                f"insert into {EVENTS_TABLE} ({columns}) select {columns} from gis_events_batch"
            )
            con.execute(
                f"insert into {LOADED_TABLE} values (?, ?, ?, ?, ?, ?)",
                [
                    file_sha256,
                    system,
                    source_file,
                    _utcnow(),
                    len(events),
                    run_id,
                ],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.unregister("gis_events_batch")


def ingest_inbox(
    inbox_dir: Path,
    con: duckdb.DuckDBPyConnection,
    quarantine_dir: Path,
    run_id: str,
) -> IngestReport:
    ensure_tables(con)
    report = IngestReport(run_id=run_id)
    done = _loaded_hashes(con) | quarantined_hashes(con)
    for system in SYSTEMS:
        parser = PARSERS[system]
        for path in _inbox_files(inbox_dir, system):
            report.files_seen += 1
            source_file = path.relative_to(inbox_dir).as_posix()

            def to_quarantine(
                reason: str, sha: str, path: Path = path, src: str = source_file, sys_: str = system
            ) -> None:
                quarantine_file(
                    con,
                    path=path,
                    system=sys_,
                    source_file=src,
                    file_sha256=sha,
                    reason=reason,
                    quarantine_dir=quarantine_dir,
                    run_id=run_id,
                )
                done.add(sha)
                report.files_quarantined += 1
                report.quarantined.append((src, reason))

            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                sha = _hash_file(path)  # streamed: never hold an oversized file in memory
                if sha in done:
                    report.files_skipped += 1
                else:
                    to_quarantine(
                        f"size: {size} bytes exceeds the {MAX_FILE_BYTES} byte limit", sha
                    )
                continue
            # Hash and parse the same bytes, so a file rewritten mid-run cannot be registered
            # under a hash of content that was never loaded.
            data = path.read_bytes()
            sha = sha256_hex(data)
            if sha in done:
                report.files_skipped += 1
                continue
            try:
                events = parser(data, source_file)
            except GisParseError as error:
                to_quarantine(error.reason, sha)
                continue
            except Exception as error:  # a parser bug must not stop the other files
                report.failed.append((source_file, f"{type(error).__name__}: {error}"))
                continue
            _load(
                con, events, system=system, source_file=source_file, file_sha256=sha, run_id=run_id
            )
            done.add(sha)
            report.files_loaded += 1
            report.events_loaded += len(events)
            report.events_by_system[system] += len(events)
            report.events_by_status_group.update(e.status_group for e in events)
    return report
