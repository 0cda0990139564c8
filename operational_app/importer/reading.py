"""Reading exported tables: CSV (any usual encoding, delimiter, line ending) or XLSX.

Exports from other CRMs and 1C are messy: UTF-8 with or without BOM or windows-1251, commas or
semicolons, CRLF, quoted newlines inside fields and, sometimes, junk lines before the header.
`read_source` hides all that and yields one `SourceRow` per record with the record's number and
the physical line (or sheet row) it starts on, for the errors file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENCODINGS = ("utf-8-sig", "cp1251")
DELIMITERS = ",;\t|"


class SourceError(ValueError):
    """The file cannot be read as a table at all (not a per-row problem)."""


@dataclass(frozen=True)
class SourceOptions:
    encoding: str = "auto"  # auto | utf-8 | cp1251 | any Python codec
    delimiter: str = "auto"  # auto | "," | ";" | "\t" | "|"
    skip_rows: int = 0  # physical lines (sheet rows) to drop before the header
    header_contains: tuple[str, ...] = ()  # or: the header is the first line with these columns
    sheet: str | None = None  # XLSX sheet name (default: the first)


@dataclass
class SourceRow:
    number: int  # 1 = first record after the header
    line: int  # physical line (CSV) or sheet row (XLSX) where the record starts
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceTable:
    columns: list[str]
    rows: list[SourceRow]
    encoding: str | None = None
    delimiter: str | None = None


def read_source(path: Path, options: SourceOptions | None = None) -> SourceTable:
    options = options or SourceOptions()
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, options)
    return _read_csv(path, options)


def _decode(raw: bytes, encoding: str) -> tuple[str, str]:
    if encoding != "auto":
        codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        return raw.decode(codec), encoding
    for codec in ENCODINGS:
        try:
            return raw.decode(codec), "utf-8" if codec == "utf-8-sig" else codec
        except UnicodeDecodeError:
            continue
    raise SourceError("the file is neither UTF-8 nor windows-1251; set source.encoding")


def _header_index(lines: list[str], options: SourceOptions) -> int:
    """Physical line (0-based) of the header."""
    if not options.header_contains:
        return options.skip_rows
    wanted = [name.casefold() for name in options.header_contains]
    for index in range(options.skip_rows, min(len(lines), options.skip_rows + 50)):
        lowered = lines[index].casefold()
        if all(name in lowered for name in wanted):
            return index
    raise SourceError(
        f"no header line with columns {', '.join(options.header_contains)} in the first 50 lines"
    )


def _sniff_delimiter(header: str, options: SourceOptions) -> str:
    if options.delimiter != "auto":
        return options.delimiter
    counts = {candidate: header.count(candidate) for candidate in DELIMITERS}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _read_csv(path: Path, options: SourceOptions) -> SourceTable:
    text, encoding = _decode(path.read_bytes(), options.encoding)
    # Physical lines only to find the header; the records are parsed by csv (quoted newlines).
    head_lines = text.splitlines()[: options.skip_rows + 51]
    if not head_lines:
        raise SourceError("the file is empty")
    start = _header_index(head_lines, options)
    if start >= len(head_lines):
        raise SourceError(f"the file has fewer than {start + 1} lines")
    delimiter = _sniff_delimiter(head_lines[start], options)
    stream = io.StringIO(text, newline="")
    for _ in range(start):
        stream.readline()
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as error:
        raise SourceError("the file has no header") from error
    columns = [name.strip() for name in header]
    _check_columns(columns)
    rows: list[SourceRow] = []
    line = start + reader.line_num + 1  # where the next record starts (1-based)
    number = 0
    for record in reader:
        first_line, line = line, start + reader.line_num + 1
        if not any(value.strip() for value in record):
            continue  # blank lines between records are not rows
        number += 1
        values = dict(zip(columns, record, strict=False))
        if len(record) > len(columns):
            values["__extra__"] = record[len(columns) :]
        rows.append(SourceRow(number, first_line, values))
    return SourceTable(columns, rows, encoding, delimiter)


def _check_columns(columns: list[str]) -> None:
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise SourceError(f"column {name!r} appears twice in the header")
        seen.add(name)


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, options: SourceOptions) -> SourceTable:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook[options.sheet] if options.sheet else workbook.worksheets[0]
        all_rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    as_text = [",".join(str(value) for value in row) for row in all_rows]
    start = _header_index(as_text, options)
    if start >= len(all_rows):
        raise SourceError(f"the sheet has fewer than {start + 1} rows")
    columns = [str(value).strip() for value in all_rows[start]]
    while columns and not columns[-1]:
        columns.pop()
    _check_columns(columns)
    rows: list[SourceRow] = []
    number = 0
    for offset, record in enumerate(all_rows[start + 1 :], start=start + 2):
        if not any(str(value).strip() for value in record):
            continue
        number += 1
        rows.append(SourceRow(number, offset, dict(zip(columns, record, strict=False))))
    return SourceTable(columns, rows)
