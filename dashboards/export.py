"""Table downloads: a polars frame to CSV or XLSX bytes (pure functions, no Streamlit).

CSV is UTF-8 with a byte-order mark (so Excel opens Cyrillic correctly), comma-separated with a
decimal point: a machine format for other tools. XLSX keeps numbers as numbers and dates as
dates, so Excel shows them in the reader's own locale (ru-RU: ``1 234,5``, ``31.12.2024``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime

import polars as pl
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAX_COLUMN_WIDTH = 60


def _labelled(frame: pl.DataFrame, headers: Mapping[str, str] | None) -> pl.DataFrame:
    if not headers:
        return frame
    return frame.rename({name: headers[name] for name in frame.columns if name in headers})


def to_csv_bytes(frame: pl.DataFrame, headers: Mapping[str, str] | None = None) -> bytes:
    """The frame as CSV; ``headers`` maps column names to the labels written in the header."""
    return "\ufeff".encode() + _labelled(frame, headers).write_csv().encode("utf-8")


def to_xlsx_bytes(
    frame: pl.DataFrame, headers: Mapping[str, str] | None = None, sheet_name: str = "data"
) -> bytes:
    """The frame as a one-sheet workbook: a bold, frozen header row, then one row per row."""
    labelled = _labelled(frame, headers)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    # Excel forbids some characters in sheet titles and caps them at 31 characters.
    sheet.title = "".join(ch for ch in sheet_name if ch not in "[]:*?/\\")[:31] or "data"
    sheet.append(labelled.columns)
    for cell in sheet[1]:
        cell.font = cell.font.copy(bold=True)
    sheet.freeze_panes = "A2"
    for row in labelled.iter_rows():
        sheet.append(list(row))
    for index, (name, dtype) in enumerate(labelled.schema.items(), start=1):
        letter = get_column_letter(index)
        number_format = _number_format(dtype)
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
