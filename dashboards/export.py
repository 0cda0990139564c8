"""Table downloads: a polars frame to CSV or XLSX bytes (pure functions, no Streamlit).

CSV is written for the spreadsheet of the UI's language: with a Russian UI, semicolons between
fields and a decimal comma (what a Russian Excel expects when it opens a .csv), with an English
one, commas and a decimal point; always UTF-8 with a byte-order mark, so Excel reads Cyrillic
right. XLSX keeps numbers as numbers and dates as dates, with number formats (thousands, two
decimals for money, percent, one decimal for days), so Excel shows them in the reader's locale.

Every text cell of either format goes through ``crm.spreadsheet.escape_formula``: a partner named
``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

import polars as pl
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from crm.spreadsheet import escape_formula

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAX_COLUMN_WIDTH = 60
# Excel number formats per table column kind (see widgets.ColumnKind).
_KIND_FORMATS = {
    "int": "#,##0",
    "amount": "#,##0.00",
    "percent": "0.0%",
    "change": "+0.0%;-0.0%;0.0%",
    "points": "+0.0%;-0.0%;0.0%",
    "days": "0.0",
    "hours": "0.0",
    "month": "MMM YYYY",
    "date": "DD.MM.YYYY",
    "datetime": "DD.MM.YYYY HH:MM",
}


def _labelled(frame: pl.DataFrame, headers: Mapping[str, str] | None) -> pl.DataFrame:
    if not headers:
        return frame
    return frame.rename({name: headers[name] for name in frame.columns if name in headers})


def _csv_cell(value: object, lang: str) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M" if lang == "ru" else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y") if lang == "ru" else value.isoformat()
    if isinstance(value, float | Decimal):
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return text.replace(".", ",") if lang == "ru" else text
    return escape_formula(value)


def to_csv_bytes(
    frame: pl.DataFrame, headers: Mapping[str, str] | None = None, *, lang: str = "ru"
) -> bytes:
    """The frame as CSV; ``headers`` maps column names to the labels written in the header.

    ``lang`` "ru": ``;`` between fields and a decimal comma; "en": ``,`` and a decimal point.
    """
    labelled = _labelled(frame, headers)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if lang == "ru" else ",", lineterminator="\r\n")
    writer.writerow([escape_formula(name) for name in labelled.columns])
    for row in labelled.iter_rows():
        writer.writerow([_csv_cell(value, lang) for value in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def to_xlsx_bytes(
    frame: pl.DataFrame,
    headers: Mapping[str, str] | None = None,
    sheet_name: str = "data",
    *,
    kinds: Mapping[str, str] | None = None,
) -> bytes:
    """The frame as a one-sheet workbook: a bold, frozen header row, then one row per row.

    ``kinds`` (column name -> table column kind) picks each column's number format; without
    it the format follows the column's type.
    """
    kinds = kinds or {}
    formats = [
        _KIND_FORMATS.get(kinds.get(name, ""), None) or _number_format(dtype)
        for name, dtype in frame.schema.items()
    ]
    labelled = _labelled(frame, headers)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    # Excel forbids some characters in sheet titles and caps them at 31 characters.
    sheet.title = "".join(ch for ch in sheet_name if ch not in "[]:*?/\\")[:31] or "data"
    sheet.append([escape_formula(name) for name in labelled.columns])
    for cell in sheet[1]:
        cell.font = cell.font.copy(bold=True)
    sheet.freeze_panes = "A2"
    for row in labelled.iter_rows():
        sheet.append([escape_formula(value) for value in row])
    for index, (name, number_format) in enumerate(zip(labelled.columns, formats, strict=True), 1):
        letter = get_column_letter(index)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
        widest = max([len(str(name)), *(len(str(value)) for value in labelled[name].head(200))])
        sheet.column_dimensions[letter].width = min(widest + 2, _MAX_COLUMN_WIDTH)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number_format(dtype: pl.DataType) -> str | None:
    if dtype == pl.Date:
        return "DD.MM.YYYY"
    if isinstance(dtype, pl.Datetime):
        return "DD.MM.YYYY HH:MM"
    if dtype.is_integer():
        return "#,##0"
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        return "#,##0.00"
    return None


def read_xlsx(data: bytes) -> list[tuple[object, ...]]:
    """The first sheet's rows as tuples (for tests and for checking a download)."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [
        tuple(value.date() if _is_midnight(value) else value for value in row)
        for row in sheet.iter_rows(values_only=True)
    ]


def _is_midnight(value: object) -> bool:
    # openpyxl reads every date cell back as a datetime.
    return isinstance(value, datetime) and value.time() == datetime.min.time()


def file_name(stem: str, extension: str, today: date | None = None) -> str:
    """``deals_at_stage`` -> ``deals_at_stage_2024-06-20.csv``."""
    return f"{stem}_{(today or date.today()).isoformat()}.{extension}"
