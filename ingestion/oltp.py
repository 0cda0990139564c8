"""Extract the OLTP database into Arrow tables (DESIGN.md §1), incrementally by `updated_at`.

DuckDB's sqlite/postgres scanner extensions cannot be downloaded here, so tables travel as Arrow
through connectorx (for SQLite with explicit casts, see `read_sqlite`).

Every OLTP table carries `updated_at` (indexed, maintained by the app) and the app only deletes
softly (`deleted_at` plus a new `updated_at`), so the rows changed since the last load, soft
deletes included, are exactly those with a newer `updated_at`. They are merged into `raw_oltp`
by `id`, which keeps each raw table equal to a full copy of its source table.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import connectorx as cx
import duckdb
import pyarrow as pa
import yaml
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from ingestion.load import (
    FULL,
    INCREMENTAL,
    META_SCHEMA,
    RAW_OLTP_SCHEMA,
    LoadResult,
    arrow_column_types,
    column_types,
    load_with_watermark,
    read_watermark,
    table_columns,
)

# The one list of the OLTP tables the warehouse reads is the dbt source `opapp` (schema
# raw_oltp): staging reads nothing else, so nothing else is copied. Tables the app keeps for
# itself (sign-in tokens and sessions, invites, counters, the registry's copy of ЕГРЮЛ) stay out.
SOURCES_FILE = (
    Path(__file__).resolve().parent.parent
    / "dbt_project"
    / "models"
    / "staging"
    / "opapp"
    / "_opapp__sources.yml"
)
# Credentials never leave the OLTP database, even into the build file.
NOT_COPIED_COLUMNS: dict[str, frozenset[str]] = {"users": frozenset({"password_hash"})}

# An incremental extract re-reads rows up to this long before the last watermark. `updated_at`
# is stamped by the app when it builds the row, not when its transaction commits: a transaction
# that commits after our previous extract (a slow request, a long import) can carry an
# `updated_at` older than the newest row we already saw, and app servers' clocks drift by
# seconds. Re-reading a window costs a few rows and, because rows are merged by id, never
# duplicates anything.
SAFETY_OVERLAP = dt.timedelta(minutes=10)


class SourceUnavailable(RuntimeError):
    """The OLTP database cannot be read (missing file, refused connection)."""


@dataclass(frozen=True)
class ExtractedTable:
    name: str
    data: pa.Table
    seconds: float

    @property
    def row_count(self) -> int:
        return self.data.num_rows


def connectorx_url(sqlalchemy_url: str) -> str:
    """Translate a SQLAlchemy URL into the form connectorx expects."""
    url = make_url(sqlalchemy_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise SourceUnavailable("an in-memory SQLite database cannot be extracted")
        path = Path(url.database).resolve()
        if not path.exists():
            raise SourceUnavailable(f"OLTP database file {path} does not exist; run `crm seed`")
        return f"sqlite://{path}"
    if backend == "postgresql":
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    raise SourceUnavailable(f"unsupported OLTP backend {backend!r}: use SQLite or PostgreSQL")


def warehouse_tables(sources_file: Path = SOURCES_FILE) -> list[str]:
    """The OLTP tables the warehouse reads: those of the dbt source in schema raw_oltp."""
    declared = yaml.safe_load(sources_file.read_text(encoding="utf-8"))
    return sorted(
        table["name"]
        for source in declared["sources"]
        if source.get("schema") == RAW_OLTP_SCHEMA
        for table in source["tables"]
    )


def list_source_tables(sqlalchemy_url: str) -> list[str]:
    """The warehouse's tables, each checked to exist in the live OLTP schema."""
    engine = create_engine(sqlalchemy_url)
    try:
        present = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    tables = warehouse_tables()
    missing = [name for name in tables if name not in present]
    if missing:
        raise SourceUnavailable(
            f"the OLTP database lacks {', '.join(missing)}: its schema is older than this code; "
            "starting the app (`crm app`) or any `crm` command that writes to it upgrades it"
        )
    return tables


def timestamp_literal(sqlalchemy_url: str, moment: dt.datetime) -> str:
    """A SQL literal for `moment`, built only from a datetime's digits (nothing user-supplied).

    SQLite stores SQLAlchemy DateTime values as 'YYYY-MM-DD HH:MM:SS.ffffff' text, which sorts
    in time order, so comparing with text of the same shape uses the `updated_at` index.
    """
    if not isinstance(moment, dt.datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    text = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    if make_url(sqlalchemy_url).get_backend_name() == "postgresql":
        return f"timestamp '{text}'"
    return f"'{text}'"


def extract_query(sqlalchemy_url: str, table_name: str, since: dt.datetime | None) -> str:
    if not table_name.isidentifier():
        raise ValueError(f"not a table name: {table_name!r}")
    if since is None:
        return f"select * from {table_name}"
    return (
        f"select * from {table_name} where updated_at > {timestamp_literal(sqlalchemy_url, since)}"
    )


def extract_table(
    sqlalchemy_url: str, table_name: str, since: dt.datetime | None = None
) -> ExtractedTable:
    """The whole table, or only the rows with `updated_at` after `since`."""
    query = extract_query(sqlalchemy_url, table_name, since)
    started = time.perf_counter()
    if make_url(sqlalchemy_url).get_backend_name() == "sqlite":
        data = read_sqlite(sqlalchemy_url, table_name, query)
    else:
        data = cx.read_sql(connectorx_url(sqlalchemy_url), query, return_type="arrow")
    dropped = NOT_COPIED_COLUMNS.get(table_name, frozenset()) & set(data.column_names)
    if dropped:
        data = data.drop_columns(sorted(dropped))
    return ExtractedTable(table_name, data, time.perf_counter() - started)


def arrow_type_for_sqlite(declared: str) -> pa.DataType:
    """The Arrow type of a SQLite column, from its declared type (SQLite affinity rules)."""
    declared = declared.upper()
    if "BOOL" in declared:
        return pa.bool_()
    if "INT" in declared:
        return pa.int64()
    if any(word in declared for word in ("NUMERIC", "DECIMAL", "REAL", "FLOA", "DOUB")):
        return pa.float64()
    if "DATETIME" in declared or "TIMESTAMP" in declared:
        return pa.timestamp("us")
    if declared.startswith("DATE"):
        return pa.date32()
    return pa.string()


def _sqlite_column_plan(declared: str) -> tuple[str, str, pa.DataType]:
    """(SQL cast, sentinel literal, Arrow type) of one SQLite column, by its declared type."""
    target = arrow_type_for_sqlite(declared)
    if pa.types.is_int64(target) or pa.types.is_boolean(target):
        return "integer", "0", target
    if pa.types.is_float64(target):
        return "real", "0.0", target
    return "text", "''", target


def read_sqlite(sqlalchemy_url: str, table_name: str, query: str) -> pa.Table:
    """Read a SQLite query into Arrow through connectorx, typed by the declared column types.

    connectorx types a SQLite result column by its first row's storage class: SQLite stores
    100.00 in a NUMERIC column as the integer 100 (a later 2.5 then fails the extract), and a
    first NULL cannot be typed at all. So every column is cast to the storage class its
    declared type implies (the declared types are the schema contract), and a sentinel row of
    non-null values of those classes goes first; it is dropped afterwards. Times and dates
    travel as text and Arrow parses them (far faster than sqlite3 row by row).
    """
    path = connectorx_url(sqlalchemy_url).removeprefix("sqlite://")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        columns = [
            (name, declared_type)
            for _, name, declared_type, *_ in connection.execute(f"pragma table_info({table_name})")
        ]
    finally:
        connection.close()
    plans = [(name, *_sqlite_column_plan(declared)) for name, declared in columns]
    sentinel = ", ".join(f'{literal} as "{name}"' for name, _, literal, _ in plans)
    casts = ", ".join(f'cast(source."{name}" as {cast}) as "{name}"' for name, cast, _, _ in plans)
    typed_query = f"select {sentinel} union all select {casts} from ({query}) as source"
    data = cx.read_sql(connectorx_url(sqlalchemy_url), typed_query, return_type="arrow").slice(1)
    arrays = []
    for name, _, _, target in plans:
        column = data.column(name)
        arrays.append(column if column.type == target else column.cast(target))
    return pa.Table.from_arrays(arrays, names=[name for name, *_ in plans])


def extract_tables(sqlalchemy_url: str, table_names: list[str]) -> Iterator[ExtractedTable]:
    """Yield tables one at a time so only one is held in memory while it is loaded."""
    for table_name in table_names:
        yield extract_table(sqlalchemy_url, table_name)


def incremental_start(
    con: duckdb.DuckDBPyConnection, table_name: str, full_refresh: bool = False
) -> dt.datetime | None:
    """Where the next extract of `table_name` starts; None means a full copy.

    A full copy is taken on demand, on the first run, when the table has no watermark yet (or
    an empty table left none), and when its raw table is missing.
    """
    if full_refresh or not table_columns(con, RAW_OLTP_SCHEMA, table_name):
        return None
    watermark = read_watermark(con, table_name)
    return None if watermark is None else watermark - SAFETY_OVERLAP


def fits_stored_table(con: duckdb.DuckDBPyConnection, table_name: str, data: pa.Table) -> bool:
    """Whether changed rows can be merged into the stored raw table without changing them.

    Not when a migration added, dropped or reordered columns, nor when a column arrives with
    another type: connectorx types SQLite NUMERIC columns by the first row's value, so a batch
    whose first amount has cents arrives as DOUBLE where the stored copy says BIGINT, and
    inserting it would silently round. In both cases the table is copied whole instead.
    """
    stored = column_types(con, RAW_OLTP_SCHEMA, table_name)
    if list(stored) != data.column_names:
        return False
    # An empty batch merges nothing (and SQLite gives its columns no useful types).
    return data.num_rows == 0 or arrow_column_types(con, data) == stored


def load_oltp_table(
    sqlalchemy_url: str,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    table_name: str,
    full_refresh: bool = False,
) -> LoadResult:
    """Bring one raw table up to date: merge the changed rows, or copy it whole."""
    since = incremental_start(con, table_name, full_refresh)
    extracted = extract_table(sqlalchemy_url, table_name, since)
    mode = FULL if since is None else INCREMENTAL
    if mode == INCREMENTAL and not fits_stored_table(con, table_name, extracted.data):
        extracted = extract_table(sqlalchemy_url, table_name)
        mode = FULL
    return load_with_watermark(
        con,
        run_id,
        RAW_OLTP_SCHEMA,
        table_name,
        extracted.data,
        mode,
        extracted.seconds,
    )


def read_sqlite_file_ahead(sqlalchemy_url: str) -> None:
    """Read a SQLite OLTP file (and its WAL) front to back before a full copy, so the copy
    finds its pages in the page cache.

    A full copy reads every page in b-tree order, which on disk is random; one sequential read
    first is cheaper than those seeks (figures in bench/README.md).
    """
    parsed = make_url(sqlalchemy_url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    buffer = memoryview(bytearray(8 << 20))
    for path in (Path(parsed.database), Path(f"{parsed.database}-wal")):
        try:
            with path.open("rb", buffering=0) as handle:
                while handle.readinto(buffer):
                    pass
        except OSError:
            continue  # e.g. no such file: the extract itself reports a missing database


def drop_undeclared_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Drop the raw tables the warehouse no longer reads (and their watermarks): a build file
    from before the sources list held copies of the app's own tables, tokens and sessions
    among them."""
    declared = set(warehouse_tables())
    present = con.execute(
        "select table_name from duckdb_tables() "
        "where database_name = current_database() and schema_name = ?",
        [RAW_OLTP_SCHEMA],
    ).fetchall()
    undeclared = sorted(name for (name,) in present if name not in declared)
    for name in undeclared:
        con.execute(f'drop table {RAW_OLTP_SCHEMA}."{name}"')
    if undeclared and table_columns(con, META_SCHEMA, "watermarks"):
        con.execute(
            f"delete from {META_SCHEMA}.watermarks where list_contains(?, table_name)",
            [undeclared],
        )
    return undeclared


def copy_oltp_to_duckdb(
    sqlalchemy_url: str,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    table_names: list[str] | None = None,
    on_table: Callable[[LoadResult], None] | None = None,
    full_refresh: bool = False,
) -> list[LoadResult]:
    """Bring `raw_oltp` up to date from the OLTP database, one table at a time.

    Incremental by default (rows changed since each table's watermark, minus SAFETY_OVERLAP);
    `full_refresh` copies every table whole and resets the watermarks.
    """
    names = list_source_tables(sqlalchemy_url) if table_names is None else table_names
    drop_undeclared_tables(con)
    if full_refresh:
        read_sqlite_file_ahead(sqlalchemy_url)
    results = []
    for table_name in names:
        result = load_oltp_table(sqlalchemy_url, con, run_id, table_name, full_refresh)
        results.append(result)
        if on_table is not None:
            on_table(result)
    return results
