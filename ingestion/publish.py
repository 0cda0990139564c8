"""Publish the finished marts as a read-only warehouse with one atomic file replace.

Readers (dashboards, analysts) open the published file read-only per query. Because the new file
is complete before `os.replace` swaps it in, a reader sees either the previous run or this one,
never a half-built table or a mix of two runs, and never a lock held by the pipeline.

The outgoing file is kept under `previous/` for a grace period (a hard link, so it costs no
space until it is the only name left), which lets an operator roll back a bad publication by
copying it over `crm.duckdb`. A publish that was killed leaves `.<name>.<pid>.publishing` files;
the next publish removes those whose process is gone.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts", "meta")
PREVIOUS_DIR_NAME = "previous"
DEFAULT_PREVIOUS_GRACE = dt.timedelta(hours=24)
# crm-20260630T023012Z-<run id>.duckdb: when the file stopped being the published one, and the
# run that had published it.
_PREVIOUS_NAME = re.compile(r"^crm-(?P<retired>\d{8}T\d{6}Z)-(?P<run>[^/]+)\.duckdb$")
_RETIRED_FORMAT = "%Y%m%dT%H%M%SZ"
_STAGING_PID = re.compile(r"^\..+\.(?P<pid>\d+)\.publishing(\.wal)?$")

# The columns of meta.data_freshness, one row per source (documented in the warehouse as a
# table comment too, so `crm sql` and any DuckDB client can read it).
DATA_FRESHNESS_COMMENT = (
    "One row per source at publication time. source: 'raw_oltp.<table>' or 'raw_gis.<system>'; "
    "last_loaded_at: UTC time of the latest successful load of that source into the build "
    "database; rows: rows the raw table held when published (GIS: exchange events of that "
    "system); published_at: UTC time this warehouse was published (same as meta.publication)."
)


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: list[str]
    seconds: float
    previous: Path | None = None
    pruned: list[Path] = field(default_factory=list)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def publish_warehouse(
    build_path: Path,
    published_path: Path,
    parquet_dir: Path | None = None,
    run_id: str = "manual",
    schemas: tuple[str, ...] = PUBLISHED_SCHEMAS,
    previous_grace: dt.timedelta = DEFAULT_PREVIOUS_GRACE,
) -> PublishResult:
    """Copy the published schemas of the build database into a fresh file, then swap it in."""
    started = time.perf_counter()
    if not build_path.exists():
        raise FileNotFoundError(f"build database {build_path} does not exist; run the pipeline")
    published_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(published_path, parquet_dir)
    staging_path = published_path.with_name(f".{published_path.name}.{os.getpid()}.publishing")
    _unlink_with_wal(staging_path)
    copied: list[str] = []
    published_at = _utc_now()
    previous: Path | None = None
    try:
        con = duckdb.connect(str(staging_path))
        try:
            con.execute(f"attach {_literal(str(build_path))} as build (read_only)")
            tables = con.sql(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name = 'build' and list_contains(?, schema_name) order by 1, 2",
                params=[list(schemas)],
            ).fetchall()
            if not any(schema == "marts" for schema, _ in tables):
                raise RuntimeError("the build database has no marts to publish; run dbt first")
            for schema, table in tables:
                con.execute(f"create schema if not exists {_quote(schema)}")
                qualified = f"{_quote(schema)}.{_quote(table)}"
                con.execute(f"create table {qualified} as select * from build.{qualified}")
                copied.append(f"{schema}.{table}")
            con.execute("create schema if not exists meta")
            con.execute(
                "create or replace table meta.publication as "
                "select ?::varchar as run_id, ?::timestamp as published_at",
                [run_id, published_at],
            )
            write_data_freshness(con, "build", published_at)
            con.execute("detach build")
            if parquet_dir is not None:
                _export_parquet(con, tables, parquet_dir)
            con.execute("checkpoint")
        finally:
            con.close()
        if published_path.exists():
            previous = keep_previous(published_path, published_at)
        # The atomic step: readers holding the old file keep their open handle until they close.
        os.replace(staging_path, published_path)
    finally:
        _unlink_with_wal(staging_path)
    pruned = prune_previous(published_path.parent / PREVIOUS_DIR_NAME, previous_grace)
    return PublishResult(published_path, copied, time.perf_counter() - started, previous, pruned)


def write_data_freshness(
    con: duckdb.DuckDBPyConnection, build: str, published_at: dt.datetime
) -> None:
    """(Re)create meta.data_freshness from the build database's load records.

    OLTP tables come from meta.load_log (their latest load; rows counted in the raw table, so
    incremental loads report the table's size, not the rows merged). GIS systems come from
    raw_gis.loaded_files. A source that has never been loaded has no row.
    """
    present = {
        (schema, table)
        for schema, table in con.sql(
            "select schema_name, table_name from duckdb_tables() where database_name = ?",
            params=[build],
        ).fetchall()
    }
    parts: list[str] = []
    if ("meta", "load_log") in present:
        latest = con.sql(
            f"select source_schema, table_name, max(loaded_at) from {build}.meta.load_log "
            "group by all order by 1, 2"
        ).fetchall()
        for schema, table, loaded_at in latest:
            if (schema, table) in present:
                rows = f"(select count(*) from {build}.{_quote(schema)}.{_quote(table)})"
            else:
                rows = "null::bigint"
            parts.append(
                f"select {_literal(f'{schema}.{table}')} as source, "
                f"{_literal(str(loaded_at))}::timestamp as last_loaded_at, {rows} as rows"
            )
    if ("raw_gis", "loaded_files") in present:
        events = ("raw_gis", "exchange_events") in present
        rows = (
            f"(select count(*) from {build}.raw_gis.exchange_events as events "
            "where events.system = files.system)"
            if events
            else "sum(files.event_count)"
        )
        parts.append(
            f"select 'raw_gis.' || files.system as source, max(files.loaded_at) as last_loaded_at,"
            f" {rows} as rows from {build}.raw_gis.loaded_files as files group by files.system"
        )
    con.execute("create schema if not exists meta")
    con.execute(
        "create or replace table meta.data_freshness ("
        "source varchar not null primary key, last_loaded_at timestamp not null, rows bigint, "
        "published_at timestamp not null)"
    )
    if parts:
        con.execute(
            "insert into meta.data_freshness select source, last_loaded_at, rows, ? "
            f"from ({' union all '.join(parts)}) order by source",
            [published_at],
        )
    con.execute(f"comment on table meta.data_freshness is {_literal(DATA_FRESHNESS_COMMENT)}")


def keep_previous(published_path: Path, retired_at: dt.datetime) -> Path:
    """Give the current published file a second name under previous/ before it is replaced.

    A hard link costs nothing and stays valid after `os.replace` drops the main name; a copy is
    the fallback on file systems without hard links.
    """
    previous_dir = published_path.parent / PREVIOUS_DIR_NAME
    previous_dir.mkdir(exist_ok=True)
    run = _safe_name(published_run_id(published_path) or "unknown")
    target = previous_dir / f"crm-{retired_at.strftime(_RETIRED_FORMAT)}-{run}.duckdb"
    target.unlink(missing_ok=True)
    try:
        os.link(published_path, target)
    except OSError:
        shutil.copy2(published_path, target)
    return target


def published_run_id(path: Path) -> str | None:
    """The run that published `path`, read from its meta.publication (None if unreadable)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.sql("select run_id from meta.publication").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None


def prune_previous(
    previous_dir: Path, grace: dt.timedelta, now: dt.datetime | None = None
) -> list[Path]:
    """Delete previous versions retired longer than `grace` ago, never the newest one."""
    if not previous_dir.is_dir():
        return []
    now = now or _utc_now()
    versions: list[tuple[dt.datetime, Path]] = []
    for path in previous_dir.iterdir():
        match = _PREVIOUS_NAME.match(path.name)
        if match:
            retired = dt.datetime.strptime(match["retired"], _RETIRED_FORMAT)
            versions.append((retired, path))
    versions.sort()
    pruned = []
    for retired, path in versions[:-1]:
        if now - retired > grace:
            path.unlink(missing_ok=True)
            pruned.append(path)
    return pruned


def remove_stale_staging(published_path: Path, parquet_dir: Path | None = None) -> list[Path]:
    """Remove what a killed publish left behind: staging files and folders of dead processes."""
    removed: list[Path] = []
    candidates = list(published_path.parent.glob(f".{published_path.name}.*.publishing*"))
    if parquet_dir is not None:
        candidates += parquet_dir.parent.glob(f".{parquet_dir.name}.*.publishing")
        retired_dir = parquet_dir.with_name(f".{parquet_dir.name}.retired")
        if retired_dir.exists() and parquet_dir.exists():
            candidates.append(retired_dir)
    for path in candidates:
        match = _STAGING_PID.match(path.name)
        if match and _process_alive(int(match["pid"])) and int(match["pid"]) != os.getpid():
            continue  # another live publisher (should not happen: the pool admits one writer)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    if parquet_dir is not None and not parquet_dir.exists():
        # Killed between the two renames of _export_parquet: the retired folder is the last
        # complete export, so put it back rather than leave readers without Parquet files.
        retired_dir = parquet_dir.with_name(f".{parquet_dir.name}.retired")
        if retired_dir.exists():
            retired_dir.rename(parquet_dir)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:64]


def _unlink_with_wal(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def _export_parquet(
    con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]], parquet_dir: Path
) -> None:
    """Write the marts as Parquet into a fresh folder, then swap the folder in."""
    fresh_dir = parquet_dir.with_name(f".{parquet_dir.name}.{os.getpid()}.publishing")
    shutil.rmtree(fresh_dir, ignore_errors=True)
    fresh_dir.mkdir(parents=True)
    for schema, table in tables:
        if schema != "marts":
            continue
        target = fresh_dir / f"{table}.parquet"
        con.execute(
            f"copy {_quote(schema)}.{_quote(table)} to {_literal(str(target))} (format parquet)"
        )
    retired_dir = parquet_dir.with_name(f".{parquet_dir.name}.retired")
    shutil.rmtree(retired_dir, ignore_errors=True)
    if parquet_dir.exists():
        parquet_dir.rename(retired_dir)
    fresh_dir.rename(parquet_dir)
    shutil.rmtree(retired_dir, ignore_errors=True)
