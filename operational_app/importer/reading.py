"""Reading exported tables: CSV (any usual encoding, delimiter, line ending), XLSX or XLS.

Exports from other CRMs and 1C are messy: UTF-8 with or without BOM, windows-1251, DOS cp866,
KOI8-R or Excel's "Unicode text" (UTF-16 with a BOM, tab-separated), commas or semicolons, CRLF,
quoted newlines inside fields and, sometimes, junk lines before the header. `read_source` hides
all that and yields one `SourceRow` per record with the record's number and the physical line
(or sheet row) it starts on, for the errors file.

Files come from outside, so reading is bounded and never guesses silently:
- the encoding is detected (BOM, strict UTF-8, then charset-normalizer over the single-byte
  encodings such exports use); a UTF-8 file with a damaged byte and a file whose encoding is a
  toss-up are refused with the place and the mapping's `encoding:` option to set, instead of
  being read as mojibake;
- an XLSX is a zip: its declared uncompressed size is checked before anything is inflated
  (Python's zipfile never inflates past the declared size, so a lying header ends in a CRC
  error, not in gigabytes), and a sheet declaring more than MAX_ROWS x MAX_COLUMNS is refused
  before its rows are read (openpyxl would pad every row to the declared width);
- rows and columns are bounded while reading too, for files that declare nothing.
Every problem is a `SourceError` with one clear line.

`open_source` streams a CSV: the encoding is detected (or checked) by decoding the bytes piece
by piece, then the file is read line by line and records become `SourceRow`s only as they are
consumed, so an import's memory does not grow with the file (only a file that is not UTF-8 or
has a bad byte is read whole, to judge its encoding or name the place);
`SourceStream.count()` is a first pass that finds the total and any structural error before
anything is written. XLSX/XLS sheets are read whole (openpyxl's).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DELIMITERS = ",;\t|"
# Single-byte encodings worth telling apart when a file is not UTF-8: 1C and Excel in Russia
# write windows-1251; DOS-era programs cp866; old Unix mail and some exports KOI8-R; Western
# CRMs windows-1252. Others must be named in the mapping.
SINGLE_BYTE_CANDIDATES = ("cp1251", "cp866", "koi8_r", "cp1252")
# Two readings are a toss-up when charset-normalizer scores them this close.
AMBIGUOUS_CHAOS = 0.02
AMBIGUOUS_COHERENCE = 0.05
# A file is "UTF-8 with damage" when at most this share of its non-ASCII characters are bad.
DAMAGED_UTF8_SHARE = 0.05

# Bounds for one imported table: Excel's own sheet size, and far more columns than any CRM
# export has (a sheet declaring XFD, 16 384 columns, is refused, not padded).
MAX_ROWS = 1_048_576
MAX_COLUMNS = 1_000
# What an XLSX may inflate to in all: a full 1M-row sheet of a dozen columns fits.
MAX_XLSX_UNCOMPRESSED_BYTES = 1024**3
XLSX_SUFFIXES = (".xlsx", ".xlsm")
XLS_SUFFIXES = (".xls",)
ENCODING_HINT = "set `encoding:` under `source:` in the mapping (for example `encoding: cp1251`)"


class SourceError(ValueError):
    """The file cannot be read as a table at all (not a per-row problem)."""


@dataclass(frozen=True)
class SourceOptions:
    encoding: str = "auto"  # auto | utf-8 | cp1251 | cp866 | koi8-r | utf-16 | any Python codec
    delimiter: str = "auto"  # auto | "," | ";" | "\t" | "|"
    skip_rows: int = 0  # physical lines (sheet rows) to drop before the header
    header_contains: tuple[str, ...] = ()  # or: the header is the first line with these columns
    sheet: str | None = None  # XLSX/XLS sheet name (default: the first)
    # 1C's «План продаж» layout: a column per month, unpivoted to «Месяц» + «Сумма» records
    # (see months_across.py)
    months_across: bool = False


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


@dataclass
class SourceStream:
    """A table whose rows are produced on demand: `rows()` may be called more than once (each
    call starts over), so a counting pass can precede the import."""

    columns: list[str]
    make_rows: Callable[[], Iterator[SourceRow]]
    encoding: str | None = None
    delimiter: str | None = None

    def rows(self) -> Iterator[SourceRow]:
        return self.make_rows()

    def count(self) -> int:
        """Records in the table (a full pass: raises the SourceError a damaged record gives)."""
        return sum(1 for _ in self.make_rows())


def read_source(path: Path, options: SourceOptions | None = None) -> SourceTable:
    stream = open_source(path, options)
    return SourceTable(stream.columns, list(stream.rows()), stream.encoding, stream.delimiter)


def open_source(path: Path, options: SourceOptions | None = None) -> SourceStream:
    options = options or SourceOptions()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        stream = _whole(_read_xlsx(path, options))
    elif suffix in XLS_SUFFIXES:
        stream = _whole(_read_xls(path, options))
    else:
        stream = _read_csv(path, options)
    return _months_down(stream) if options.months_across else stream


def _months_down(stream: SourceStream) -> SourceStream:
    """A months-across sheet (1C's «План продаж») as one record per row and month."""
    from operational_app.importer.months_across import LayoutError, months_down

    try:
        columns, records = months_down(
            stream.columns, [(row.line, row.values) for row in stream.rows()]
        )
    except LayoutError as error:
        raise SourceError(str(error)) from None
    rows = [
        SourceRow(number, line, values) for number, (line, values) in enumerate(records, start=1)
    ]
    return SourceStream(columns, lambda: iter(rows), stream.encoding, stream.delimiter)


def _whole(table: SourceTable) -> SourceStream:
    return SourceStream(table.columns, lambda: iter(table.rows), table.encoding, table.delimiter)


# -- encodings ----------------------------------------------------------------------------------


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _detect(path: Path, encoding: str) -> tuple[str, str]:
    """The codec to open `path` with and the name of its encoding, found (or checked) without
    holding the file: the bytes are decoded in 256 KB pieces. Only a file that fails (a bad byte,
    or not UTF-8 at all) is read whole, to name the place or to let charset-normalizer judge."""
    if encoding.strip().lower() != "auto":
        codec = _codec_of(encoding)
        if not _decodes(path, codec):
            _decode_as(path.read_bytes(), encoding)  # raises with the byte and the line
        return codec, encoding
    with path.open("rb") as handle:
        head = handle.read(4096)
    for bom, codec, name in (
        (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
    ):
        if head.startswith(bom):
            if not _decodes(path, codec):
                _decode_as(path.read_bytes(), codec)
            return codec, name
    if b"\x00" in head:
        raise SourceError(
            "the file has NUL bytes: it is binary, or UTF-16 text without a byte order mark; "
            "for the latter set `encoding:` under `source:` in the mapping (utf-16-le or "
            "utf-16-be)"
        )
    if _decodes(path, "utf-8"):
        return "utf-8", "utf-8"
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        _refuse_damaged_utf8(raw, error)
    _text, name = _detect_single_byte(raw)
    return name, name


def _codec_of(encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding.strip()).name
    except LookupError:
        raise SourceError(
            f"unknown encoding {encoding!r} in the mapping's `encoding:` option; "
            "use auto, utf-8, cp1251, cp866, koi8-r, utf-16 or another Python codec name"
        ) from None
    return "utf-8-sig" if codec == "utf-8" else codec  # a BOM is not part of the first column


def _decodes(path: Path, codec: str) -> bool:
    """Whether the whole file decodes with `codec`, checked piece by piece."""
    decoder = codecs.getincrementaldecoder(codec)()
    with path.open("rb") as handle:
        try:
            while piece := handle.read(1 << 18):
                decoder.decode(piece)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _decode_as(raw: bytes, encoding: str) -> str:
    codec = _codec_of(encoding)
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as error:
        bad = raw[error.start : error.start + 1].hex().upper()
        raise SourceError(
            f"the file is not {encoding}: byte 0x{bad} on line {_line_of(raw, error.start)} "
            f"cannot be read; fix the file or {ENCODING_HINT}"
        ) from None


def _refuse_damaged_utf8(raw: bytes, first: UnicodeDecodeError) -> None:
    """Raise when `raw` is UTF-8 but for a few bad bytes; return when it is something else."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if bad <= DAMAGED_UTF8_SHARE * non_ascii:
        byte = raw[first.start : first.start + 1].hex().upper()
        raise SourceError(
            f"the file is UTF-8 except for {bad} bad byte(s), the first 0x{byte} on line "
            f"{_line_of(raw, first.start)}: fix that line, or if the file is in another "
            f"encoding, {ENCODING_HINT}"
        )


def _detect_single_byte(raw: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw, cp_isolation=list(SINGLE_BYTE_CANDIDATES)))
    if not matches:
        raise SourceError(
            f"cannot tell the file's encoding (not UTF-8, nor any of "
            f"{', '.join(SINGLE_BYTE_CANDIDATES)}); {ENCODING_HINT}"
        )
    best, best_text = matches[0], str(matches[0])
    rivals = [
        match.encoding
        for match in matches[1:]
        if match.chaos - best.chaos < AMBIGUOUS_CHAOS
        and best.coherence - match.coherence < AMBIGUOUS_COHERENCE
        and str(match) != best_text
    ]
    if rivals:
        names = ", ".join([best.encoding, *rivals])
        raise SourceError(
            f"the file's encoding is ambiguous (it reads equally well as {names}); "
            f"{ENCODING_HINT.replace('cp1251', best.encoding)}"
        )
    return best_text, best.encoding


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


def _read_csv(path: Path, options: SourceOptions) -> SourceStream:
    codec, encoding = _detect(path, options.encoding)

    def lines() -> Iterator[str]:
        # The file read line by line with its endings (newline="": \r\n, \r or \n, what csv
        # needs for quoted newlines): memory holds a buffer, not the file's text.
        with path.open(encoding=codec, newline="") as handle:
            yield from handle

    # Physical lines only to find the header; the records are parsed by csv (quoted newlines).
    head_lines = [line.rstrip("\r\n") for line in itertools.islice(lines(), options.skip_rows + 51)]
    if not head_lines:
        raise SourceError("the file is empty")
    start = _header_index(head_lines, options)
    if start >= len(head_lines):
        raise SourceError(f"the file has fewer than {start + 1} lines")
    delimiter = _sniff_delimiter(head_lines[start], options)

    def open_reader() -> Any:
        physical = lines()
        for _ in range(start):
            next(physical, None)
        return csv.reader(physical, delimiter=delimiter)

    reader = open_reader()
    try:
        header = next(reader)
    except StopIteration as error:
        raise SourceError("the file has no header") from error
    except csv.Error as error:
        raise _csv_error(start, reader, error) from None
    columns = [name.strip() for name in header]
    _check_columns(columns)

    def rows() -> Iterator[SourceRow]:
        reader = open_reader()
        next(reader)
        try:
            yield from _csv_records(reader, start, columns)
        except csv.Error as error:
            raise _csv_error(start, reader, error) from None

    return SourceStream(columns, rows, encoding, delimiter)


def _csv_error(start: int, reader: Any, error: csv.Error) -> SourceError:
    # e.g. a field over csv.field_size_limit(): a broken quote swallowing the file, or junk.
    return SourceError(
        f"line {start + reader.line_num}: {error}; check the quotes in that line, "
        "the delimiter and the encoding"
    )


def _csv_records(reader: Any, start: int, columns: list[str]) -> Iterator[SourceRow]:
    line = start + reader.line_num + 1  # where the next record starts (1-based)
    number = 0
    for record in reader:
        first_line, line = line, start + reader.line_num + 1
        if not any(value.strip() for value in record):
            continue  # blank lines between records are not rows
        number += 1
        if number > MAX_ROWS:
            raise SourceError(f"the file has more than {MAX_ROWS:,} rows; split it")
        values = dict(zip(columns, record, strict=False))
        if len(record) > len(columns):
            values["__extra__"] = record[len(columns) : len(columns) + MAX_COLUMNS]
        yield SourceRow(number, first_line, values)


def _check_columns(columns: list[str]) -> None:
    if len(columns) > MAX_COLUMNS:
        raise SourceError(
            f"the header has {len(columns):,} columns, more than the {MAX_COLUMNS:,} "
            "an import takes"
        )
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


def _bounded_rows(sheet_rows: Iterable[Iterable[Any]]) -> list[list[Any]]:
    """The sheet's rows as cell values, trailing empty cells dropped, within the bounds."""
    all_rows: list[list[Any]] = []
    for index, row in enumerate(sheet_rows, start=1):
        if index > MAX_ROWS:
            raise SourceError(f"the sheet has more than {MAX_ROWS:,} rows; split it")
        cells = [_cell(value) for value in row]
        while cells and cells[-1] == "":
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise SourceError(
                f"row {index} of the sheet has {len(cells):,} columns, more than the "
                f"{MAX_COLUMNS:,} an import takes"
            )
        all_rows.append(cells)
    return all_rows


def _sheet_table(all_rows: list[list[Any]], options: SourceOptions) -> SourceTable:
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


def check_xlsx_archive(path: Path) -> None:
    """Refuse an XLSX whose members would inflate past MAX_XLSX_UNCOMPRESSED_BYTES, from the
    sizes its zip directory declares, before anything is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(f"not a readable XLSX file (it is not a zip archive: {error})") from None
    declared = sum(member.file_size for member in members)
    if declared > MAX_XLSX_UNCOMPRESSED_BYTES:
        largest = max(members, key=lambda member: member.file_size)
        raise SourceError(
            f"the XLSX would unpack to {declared / 1024**2:,.0f} MB (largest part "
            f"{largest.filename}: {largest.file_size / 1024**2:,.0f} MB from "
            f"{largest.compress_size / 1024:,.0f} KB), more than the "
            f"{MAX_XLSX_UNCOMPRESSED_BYTES / 1024**2:,.0f} MB an import reads; "
            "save it again from Excel or export CSV"
        )


def _check_declared_dimension(sheet: Any) -> None:
    """openpyxl reads the sheet's <dimension ref="A1:XFD1048576"/> and pads every row to it:
    refuse an absurd one before the first row is read."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise SourceError(
            f"the sheet declares {rows:,} rows x {columns:,} columns "
            f"(up to {MAX_ROWS:,} x {MAX_COLUMNS:,} are imported); "
            "save it again from Excel or export CSV"
        )


def _read_xlsx(path: Path, options: SourceOptions) -> SourceTable:
    from openpyxl import load_workbook

    check_xlsx_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise SourceError(f"not a readable XLSX file: {_reason(error)}") from None
    try:
        sheet = _pick_sheet(workbook.sheetnames, options, lambda name: workbook[name])
        _check_declared_dimension(sheet)
        # Past the check, read what is there rather than what was declared.
        sheet.reset_dimensions()
        try:
            all_rows = _bounded_rows(sheet.iter_rows(values_only=True))
        except SourceError:
            raise
        except Exception as error:  # a CRC error from a lying zip header, broken XML...
            raise SourceError(f"not a readable XLSX file: {_reason(error)}") from None
    finally:
        workbook.close()
    return _sheet_table(all_rows, options)


def _read_xls(path: Path, options: SourceOptions) -> SourceTable:
    """Excel 97-2003 workbooks, through calamine (Rust), which reads BIFF without macros."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # CalamineError and friends for a broken or protected file
        raise SourceError(f"not a readable XLS file: {_reason(error)}") from None
    try:
        sheet = _pick_sheet(workbook.sheet_names, options, workbook.get_sheet_by_name)
        # Rows and columns counted from A1: the cells before the first used one are read too,
        # so sheet row numbers in the errors file are the ones Excel shows.
        last_row, last_column = sheet.end or (-1, -1)
        if last_row + 1 > MAX_ROWS or last_column + 1 > MAX_COLUMNS:
            raise SourceError(
                f"the sheet has {last_row + 1:,} rows x {last_column + 1:,} columns "
                f"(up to {MAX_ROWS:,} x {MAX_COLUMNS:,} are imported)"
            )
        all_rows = _bounded_rows(sheet.to_python(skip_empty_area=False))
    finally:
        workbook.close()
    return _sheet_table(all_rows, options)


def _pick_sheet(names: list[str], options: SourceOptions, open_sheet: Any) -> Any:
    if not names:
        raise SourceError("the workbook has no sheets")
    if options.sheet and options.sheet not in names:
        raise SourceError(f"no sheet {options.sheet!r}; the workbook has: {', '.join(names)}")
    return open_sheet(options.sheet or names[0])


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
