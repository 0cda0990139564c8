"""Bulk writers: raw DBAPI `executemany` for SQLite, `COPY` for PostgreSQL.

Per-row ORM objects would take hours at the large scale, so columns go straight from numpy
arrays to driver values in chunks, inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from sqlalchemy import Engine, MetaData
from sqlalchemy.schema import sort_tables_and_constraints

from operational_app.seed.generator import ColumnValues, TableData

CHUNK_ROWS = 50_000
Progress = Callable[[str, int, int], None]


def _datetime_bytes(values: np.ndarray, micros: bool) -> np.ndarray:
    """'YYYY-MM-DD HH:MM:SS[.000000]' as fixed-width bytes, digit by digit in numpy.

    np.datetime_as_string plus per-row Python formatting dominated the seed time.
    """
    days = values.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    second = (values - days).astype(np.int64)
    hour, minute, sec = second // 3600, second // 60 % 60, second % 60
    width = 26 if micros else 19
    grid = np.empty((values.size, width), dtype=np.uint8)
    template = b"0000-00-00 00:00:00.000000"[:width]
    grid[:] = np.frombuffer(template, dtype=np.uint8)
    zero = ord("0")
    for position, number, digits in (
        (0, year, 4),
        (5, month, 2),
        (8, day, 2),
        (11, hour, 2),
        (14, minute, 2),
        (17, sec, 2),
    ):
        for k in range(digits):
            grid[:, position + k] = zero + number // 10 ** (digits - 1 - k) % 10
    return grid.view(f"S{width}").ravel()


def _with_nulls(values: list[Any], null: np.ndarray, marker: Any) -> list[Any]:
    for i in np.flatnonzero(null).tolist():
        values[i] = marker
    return values


def sqlite_values(column: ColumnValues) -> list[Any]:
    """Python values exactly as SQLAlchemy stores them in SQLite."""
    if isinstance(column, list):
        return column
    kind = column.dtype
    if kind == np.dtype("datetime64[s]"):
        out = _datetime_bytes(column, micros=True).astype("U26").tolist()
        return _with_nulls(out, np.isnat(column), None)
    if kind == np.dtype("datetime64[D]"):
        return _with_nulls(np.datetime_as_string(column, unit="D").tolist(), np.isnat(column), None)
    if kind == np.bool_:
        return column.astype(np.int64).tolist()
    if kind == np.int64:
        return _with_nulls(column.tolist(), column < 0, None)
    return column.tolist()


def _copy_escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return text


def copy_values(column: ColumnValues) -> list[str]:
    """Fields in PostgreSQL COPY text format (NULL is \\N)."""
    if isinstance(column, list):
        return ["\\N" if v is None else _copy_escape(str(v)) for v in column]
    kind = column.dtype
    if kind == np.dtype("datetime64[s]"):
        out = _datetime_bytes(column, micros=False).astype("U19").tolist()
        return _with_nulls(out, np.isnat(column), "\\N")
    if kind == np.dtype("datetime64[D]"):
        dates = np.datetime_as_string(column, unit="D").tolist()
        return _with_nulls(dates, np.isnat(column), "\\N")
    if kind == np.bool_:
        return np.where(column, "t", "f").tolist()
    if kind == np.int64:
        return _with_nulls(column.astype(str).tolist(), column < 0, "\\N")
    return [f"{v:.2f}" for v in column.tolist()]


def _chunks(table: TableData) -> Iterable[tuple[int, dict[str, ColumnValues]]]:
    n = len(table)
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        yield stop, {name: values[start:stop] for name, values in table.columns.items()}


def tables_to_clear(engine: Engine, seeded: list[str]) -> list[str]:
    """Seeded tables plus every table that references them, children first.

    Reflection (not our models) so tables added by later migrations are cleared too; otherwise
    their foreign keys would block the delete or dangle.
    """
    reflected = MetaData()
    reflected.reflect(engine)
    doomed = set(seeded)
    changed = True
    while changed:
        changed = False
        for table in reflected.tables.values():
            if table.name in doomed:
                continue
            if any(fk.column.table.name in doomed for fk in table.foreign_keys):
                doomed.add(table.name)
                changed = True
    # Mutual references (a partner's main contact, a department's head, a user's partner) form
    # cycles; sort_tables_and_constraints sets those constraints aside instead of warning, and the
    # writers clear such tables with their checks off or deferred.
    ordered = [
        table
        for table, _ in sort_tables_and_constraints(reflected.tables.values())
        if table is not None
    ]
    return [table.name for table in reversed(ordered) if table.name in doomed]


def write_sqlite(
    engine: Engine, tables: list[TableData], clear: list[str], progress: Progress
) -> None:
    proxy = engine.raw_connection()
    connection = proxy.driver_connection
    assert connection is not None
    cursor = connection.cursor()
    try:
        # Data are consistent by construction (tests check foreign_key_check); skipping per-row
        # FK checks and fsyncs makes the seed several times faster. Restored below.
        cursor.execute("pragma foreign_keys=off")
        cursor.execute("pragma synchronous=off")
        cursor.execute("pragma cache_size=-262144")
        cursor.execute("begin")
        for name in clear:
            cursor.execute(f'delete from "{name}"')
        # Building secondary indexes once after the load beats updating them row by row; the
        # saved DDL recreates them exactly, all inside the same transaction.
        names = ", ".join(f"'{table.name}'" for table in tables)
        indexes = cursor.execute(
            "select name, sql from sqlite_master where type = 'index' and sql is not null "
            f"and tbl_name in ({names})"
        ).fetchall()
        for index_name, _ in indexes:
            cursor.execute(f'drop index "{index_name}"')
        for table in tables:
            columns = list(table.columns)
            sql = (
                f'insert into "{table.name}" ({", ".join(columns)}) '
                f"values ({', '.join('?' * len(columns))})"
            )
            total = len(table)
            progress(table.name, 0, total)
            for done, chunk in _chunks(table):
                values = [sqlite_values(chunk[c]) for c in columns]
                cursor.executemany(sql, zip(*values, strict=True))
                progress(table.name, done, total)
        progress("indexes", 0, len(indexes))
        for done, (_, ddl) in enumerate(indexes, start=1):
            cursor.execute(ddl)
            progress("indexes", done, len(indexes))
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        cursor.execute("pragma synchronous=normal")
        cursor.execute("pragma foreign_keys=on")
        cursor.execute("pragma cache_size=-2000")
        cursor.close()
        proxy.close()


def write_postgresql(
    engine: Engine, tables: list[TableData], clear: list[str], progress: Progress
) -> None:
    proxy = engine.raw_connection()
    connection = proxy.driver_connection
    assert connection is not None
    try:
        with connection.cursor() as cursor:
            cursor.execute("set local synchronous_commit = off")
            if clear:
                quoted = ", ".join(f'"{name}"' for name in clear)
                cursor.execute(f"truncate {quoted}")
            for table in tables:
                columns = list(table.columns)
                total = len(table)
                progress(table.name, 0, total)
                statement = f'copy "{table.name}" ({", ".join(columns)}) from stdin'
                with cursor.copy(statement) as copy:
                    for done, chunk in _chunks(table):
                        fields = [copy_values(chunk[c]) for c in columns]
                        lines = "\n".join(map("\t".join, zip(*fields, strict=True)))
                        copy.write((lines + "\n").encode())
                        progress(table.name, done, total)
                # Ids were given explicitly, so move the id sequence past them.
                cursor.execute(
                    f"select setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'coalesce(max(id), 0) + 1, false) from "{table.name}"'
                )
        connection.commit()
        # Until autovacuum gets to them (a minute or more), freshly loaded tables have no
        # statistics (the planner misjudged the deals by orders of magnitude and sorted them
        # all for every list page) and no visibility map (no index-only scans). VACUUM cannot
        # run in a transaction.
        progress("statistics", 0, 1)
        connection.autocommit = True
        with connection.cursor() as cursor:
            quoted = ", ".join(f'"{table.name}"' for table in tables)
            cursor.execute(f"vacuum (analyze) {quoted}")
        progress("statistics", 1, 1)
    except BaseException:
        if not connection.autocommit:
            connection.rollback()
        raise
    finally:
        if connection.autocommit:  # the pooled connection goes back as it came
            connection.autocommit = False
        proxy.close()
