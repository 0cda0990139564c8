"""Read-only SQL access to the published warehouse for analysts (`crm sql`).

The warehouse file is opened read-only, and by default the connection is then sealed: no file
outside it can be read or written (`enable_external_access=false`, which refuses `COPY ... TO`,
`EXPORT DATABASE`, `read_csv('/etc/passwd')`, `ATTACH`, `INSTALL`), DuckDB may use at most
`memory_limit` and spill nothing to disk, and `lock_configuration=true` keeps a statement from
undoing any of it. `allow_files=True` (`crm sql --allow-files`) leaves file access on for
analysts who need to read their own files; the warehouse itself stays read-only either way.

Results are streamed: DuckDB renders every value as text (or JSON) itself, so every type it has
prints (INTERVAL, LIST, STRUCT, MAP, BLOB, UUID, HUGEINT, DECIMAL, TIMESTAMPTZ, UNION...), and the
rows are fetched in batches and written as they come, so `select * from range(1e9)` piped into
`head` uses the memory of one batch, not of the result.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import duckdb

LIST_TABLES_SQL = (
    "select table_schema, table_name, table_type from information_schema.tables order by 1, 2;"
)
DEFAULT_MEMORY_LIMIT = "1GB"
BATCH_ROWS = 2_048
OUTPUT_FORMATS = ("table", "csv", "json")
MEMORY_LIMIT_PATTERN = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
# Table format: column widths come from the first batch; longer cells are cut to this width.
MAX_TABLE_CELL = 60
NULL_IN_TABLE = "NULL"
# The projection that renders a result; named so that no user column shadows it.
_RESULT_ALIAS = "crm_sql_result"


class SqlError(RuntimeError):
    """A statement the warehouse refused: bad SQL, unknown table, an attempted write, or a
    file access that is switched off."""


def open_warehouse(
    path: Path, *, allow_files: bool = False, memory_limit: str = DEFAULT_MEMORY_LIMIT
) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only, sealed as the module docstring says."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise SqlError(f"cannot open {path}: {_first_line(error)}") from error
    if not MEMORY_LIMIT_PATTERN.fullmatch(memory_limit):
        con.close()
        raise SqlError(f"memory limit {memory_limit!r} is not a size such as 512MB or 2GB")
    settings = [
        f"set memory_limit = '{memory_limit}'",
        # Spilling would turn the memory limit into a disk-filling one.
        "set max_temp_directory_size = '0B'",
        # Python objects in scope are not tables here.
        "set python_enable_replacements = false",
        "set autoinstall_known_extensions = false",
        "set autoload_known_extensions = false",
    ]
    if not allow_files:
        settings.append("set enable_external_access = false")
    settings.append("set lock_configuration = true")
    try:
        for setting in settings:
            con.execute(setting)
    except duckdb.Error as error:
        con.close()
        raise SqlError(f"cannot configure the connection: {_first_line(error)}") from error
    return con


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _describe(error: duckdb.Error, allow_files: bool) -> str:
    message = _first_line(error)
    if isinstance(error, duckdb.PermissionException) and not allow_files:
        return (
            f"{message}. crm sql reads only the warehouse; "
            "run it with --allow-files to read or write other files."
        )
    return message


def _render_columns(columns: list[str], output_format: str) -> str:
    """SQL over the result that turns each row into text DuckDB renders itself: one varchar per
    column (by position, so duplicate names are fine), or one JSON object per row."""
    if output_format == "json":
        return f"select to_json({_RESULT_ALIAS}) from {_RESULT_ALIAS}"
    casts = ", ".join(f"cast(#{position} as varchar)" for position in range(1, len(columns) + 1))
    return f"select {casts} from {_RESULT_ALIAS}"


def iter_query(
    path: Path,
    statement: str,
    output_format: str = "table",
    *,
    allow_files: bool = False,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[str]:
    """The output of `statement` as text pieces, produced batch by batch while DuckDB runs it.

    Closing the iterator early (a pipe closed by `head`) stops the query.
    """
    if output_format not in OUTPUT_FORMATS:
        raise SqlError(f"unknown format {output_format!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    con = open_warehouse(path, allow_files=allow_files, memory_limit=memory_limit)
    try:
        try:
            relation = con.sql(statement)
            if relation is None:
                yield "OK\n"
                return
            columns = list(relation.columns)
            rendered = relation.query(_RESULT_ALIAS, _render_columns(columns, output_format))
            batches = rendered.to_arrow_reader(batch_rows)
            writer = _WRITERS[output_format](columns)
            yield writer.start()
            for batch in batches:
                rows = zip(*(column.to_pylist() for column in batch.columns), strict=True)
                yield writer.rows(list(rows))
            yield writer.end()
        except duckdb.Error as error:
            raise SqlError(_describe(error, allow_files)) from error
    finally:
        con.close()


def stream_query(
    path: Path, statement: str, out: TextIO, output_format: str = "table", **options: Any
) -> None:
    """Write the output of `statement` to `out` as it is produced; returns nothing."""
    for piece in iter_query(path, statement, output_format, **options):
        if piece:
            out.write(piece)
            out.flush()


def run_query(path: Path, statement: str, output_format: str = "table", **options: Any) -> str:
    """The whole output as one string (for small results and tests)."""
    return "".join(iter_query(path, statement, output_format, **options))


class _CsvWriter:
    def __init__(self, columns: list[str]) -> None:
        self.columns = columns

    @staticmethod
    def _format(rows: list[tuple[str | None, ...]] | list[list[str]]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue()

    def start(self) -> str:
        return self._format([self.columns])

    def rows(self, rows: list[tuple[str | None, ...]]) -> str:
        # NULL is an empty field, as DuckDB's own COPY ... (FORMAT csv) writes it.
        return self._format(rows)

    def end(self) -> str:
        return ""


class _JsonWriter:
    """A JSON array of objects, one per row, written one line per row."""

    def __init__(self, columns: list[str]) -> None:
        self.first = True

    def start(self) -> str:
        return "["

    def rows(self, rows: list[tuple[str | None, ...]]) -> str:
        pieces = []
        for (row_json,) in rows:
            pieces.append(("\n" if self.first else ",\n") + row_json)
            self.first = False
        return "".join(pieces)

    def end(self) -> str:
        return "]\n" if self.first else "\n]\n"


class _TableWriter:
    """Aligned columns like psql; widths are set by the header and the first batch, since the
    rest of the rows are not known yet when the first ones are printed."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.widths: list[int] | None = None
        self.count = 0

    @staticmethod
    def _cell(value: str | None) -> str:
        text = NULL_IN_TABLE if value is None else value.replace("\n", "\\n").replace("\r", "\\r")
        return text if len(text) <= MAX_TABLE_CELL else text[: MAX_TABLE_CELL - 1] + "…"

    def _line(self, cells: list[str]) -> str:
        assert self.widths is not None
        padded = []
        for text, width in zip(cells, self.widths, strict=True):
            cut = text if len(text) <= width else text[: max(width - 1, 0)] + "…"
            padded.append(cut.ljust(width))
        return " | ".join(padded).rstrip() + "\n"

    def _header(self, first_rows: list[list[str]]) -> str:
        names = [self._cell(name) for name in self.columns]
        self.widths = [
            max([len(name), *(len(row[index]) for row in first_rows)])
            for index, name in enumerate(names)
        ]
        rule = "-+-".join("-" * width for width in self.widths)
        return self._line(names) + rule + "\n"

    def start(self) -> str:
        return ""

    def rows(self, rows: list[tuple[str | None, ...]]) -> str:
        cells = [[self._cell(value) for value in row] for row in rows]
        head = self._header(cells) if self.widths is None else ""
        self.count += len(rows)
        return head + "".join(self._line(row) for row in cells)

    def end(self) -> str:
        head = self._header([]) if self.widths is None else ""
        return f"{head}({self.count} {'row' if self.count == 1 else 'rows'})\n"


_WRITERS = {"csv": _CsvWriter, "json": _JsonWriter, "table": _TableWriter}


def interactive_shell(
    path: Path, *, allow_files: bool = False, memory_limit: str = DEFAULT_MEMORY_LIMIT
) -> int:
    """A small prompt: statements end with ';', `.tables` lists tables, `.quit` leaves."""
    try:
        import readline  # noqa: F401 - line editing and history for input()
    except ImportError:
        pass
    access = "read-only, files allowed" if allow_files else "read-only"
    print(f"crm sql — {path} ({access}). End statements with ';'. .tables, .quit")
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
            stream_query(
                path,
                statement,
                sys.stdout,
                allow_files=allow_files,
                memory_limit=memory_limit,
            )
        except SqlError as error:
            print(f"Error: {error}")
        except KeyboardInterrupt:
            print("\nInterrupted.")


__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "SqlError",
    "interactive_shell",
    "iter_query",
    "open_warehouse",
    "run_query",
    "stream_query",
]
