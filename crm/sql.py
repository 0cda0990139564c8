"""Read-only SQL access to the published warehouse for analysts (`crm sql`)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl

LIST_TABLES_SQL = (
    "select table_schema, table_name, table_type from information_schema.tables order by 1, 2;"
)


class SqlError(RuntimeError):
    """A statement the warehouse refused: bad SQL, unknown table, or an attempted write."""


def run_query(path: Path, statement: str, output_format: str = "table") -> str:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise SqlError(f"cannot open {path}: {error}") from error
    try:
        relation = con.sql(statement)
        if relation is None:
            return "OK"
        frame = relation.pl()
    except duckdb.Error as error:
        raise SqlError(str(error).splitlines()[0]) from error
    finally:
        con.close()
    return format_frame(frame, output_format)


def format_frame(frame: pl.DataFrame, output_format: str) -> str:
    if output_format == "csv":
        return frame.write_csv()
    if output_format == "json":
        return json.dumps(frame.to_dicts(), ensure_ascii=False, default=str, indent=2)
    with pl.Config(tbl_rows=200, tbl_cols=30, fmt_str_lengths=60, tbl_hide_dataframe_shape=False):
        return str(frame)


def interactive_shell(path: Path) -> int:
    """A small prompt: statements end with ';', `.tables` lists tables, `.quit` leaves."""
    try:
        import readline  # noqa: F401 - line editing and history for input()
    except ImportError:
        pass
    print(f"crm sql — {path} (read-only). End statements with ';'. .tables, .quit")
    buffer: list[str] = []
    while True:
        try:
            line = input("crm> " if not buffer else "...> ")
        except EOFError:
            print()
            return 0
        stripped = line.strip()
        if not buffer and stripped in {".quit", ".exit", "\\q"}:
            return 0
        if not buffer and stripped == ".tables":
            line = stripped = LIST_TABLES_SQL
        buffer.append(line)
        if not stripped.endswith(";"):
            continue
        statement = "\n".join(buffer)
        buffer.clear()
        try:
            print(run_query(path, statement))
        except SqlError as error:
            print(f"Error: {error}")
