"""1C's «План продаж» layout: the plan's dimensions in rows, one column per month.

1C:КА and 1C:ERP lay a plan out this way: the plan's detail (here manager, business region and
deal kind) in the rows and a column for each period of the planning scenario's frequency, with
the periods summed in a total column. `months_down` turns such a sheet into one record per row
and month (columns «Месяц» and «Сумма»), which a plain mapping then imports; a «Показатель»
column, when present, says what a row plans: «Сумма» (the default) or «Количество сделок», and
rows of one manager, region and kind are merged per month.

Month headers may be a date cell, "01.2026", "2026-01", "01.01.2026" or a month's name with its
year ("Январь 2026", "янв 2026", "январь 2026 г."); «Итого»/«Всего» columns are the sheet's own
sums and are not read. An empty cell plans nothing (a plan already there is left as it is).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

MONTH_COLUMN = "Месяц"
AMOUNT_COLUMN = "Сумма"
COUNT_COLUMN = "Количество сделок"
INDICATOR_COLUMN = "Показатель"
TOTAL_COLUMNS = ("итого", "всего", "total")

_MONTH_NAMES = {
    "январ": 1, "янв": 1, "феврал": 2, "фев": 2, "март": 3, "мар": 3, "апрел": 4, "апр": 4,
    "май": 5, "мая": 5, "июн": 6, "июл": 7, "август": 8, "авг": 8, "сентябр": 9, "сен": 9,
    "октябр": 10, "окт": 10, "ноябр": 11, "ноя": 11, "декабр": 12, "дек": 12,
}  # fmt: skip
_NAMED = re.compile(r"^([а-яё]+)\.?\s+(\d{4})(\s*г\.?)?$")
_NUMERIC = (
    (re.compile(r"^(\d{4})-(\d{1,2})(-\d{1,2})?([ t].*)?$"), 1, 2),  # 2026-01, ISO date(time)
    (re.compile(r"^(\d{1,2})\.(\d{4})$"), 2, 1),  # 01.2026
    (re.compile(r"^\d{1,2}\.(\d{1,2})\.(\d{4})$"), 2, 1),  # 01.01.2026
)


class LayoutError(ValueError):
    """The sheet is not in the months-across layout (no month columns, an unknown indicator)."""


def month_of(header: Any) -> dt.date | None:
    """The month a column header names, or None when it names no month."""
    if isinstance(header, dt.datetime | dt.date):
        return dt.date(header.year, header.month, 1)
    text = str(header or "").strip().casefold()
    for pattern, year_group, month_group in _NUMERIC:
        found = pattern.match(text)
        if found:
            year, month = int(found.group(year_group)), int(found.group(month_group))
            return dt.date(year, month, 1) if 1 <= month <= 12 else None
    found = _NAMED.match(text)
    if found:
        word = found.group(1)
        for stem, month in _MONTH_NAMES.items():
            if word.startswith(stem):
                return dt.date(int(found.group(2)), month, 1)
    return None


def _indicator(value: Any, line: int) -> str:
    text = str(value or "").strip().casefold()
    if not text or "сумм" in text or "amount" in text:
        return AMOUNT_COLUMN
    if "колич" in text or "сделок" in text or "кол-во" in text or "deals" in text:
        return COUNT_COLUMN
    raise LayoutError(
        f"line {line}: {INDICATOR_COLUMN} {value!r} is neither «{AMOUNT_COLUMN}» nor"
        f" «{COUNT_COLUMN}»"
    )


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def months_down(
    columns: list[str], rows: list[tuple[int, dict[str, Any]]]
) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """(columns, [(line, values)]) of a months-across sheet as one record per row and month:
    the row's other columns, «Месяц», and «Сумма» and/or «Количество сделок»."""
    months = {column: month_of(column) for column in columns}
    month_columns = [column for column, month in months.items() if month is not None]
    if not month_columns:
        raise LayoutError("no column is a month (expected headers like «Январь 2026» or 01.2026)")
    dimensions = [
        column
        for column in columns
        if months[column] is None
        and column != INDICATOR_COLUMN
        and column.strip().casefold() not in TOTAL_COLUMNS
    ]
    merged: dict[tuple[Any, ...], tuple[int, dict[str, Any]]] = {}
    for line, values in rows:
        indicator = _indicator(values.get(INDICATOR_COLUMN), line)
        for column in month_columns:
            value = values.get(column)
            if _empty(value):
                continue
            month = months[column]
            key = (*(values.get(name) for name in dimensions), month)
            first_line, record = merged.setdefault(
                key, (line, {name: values.get(name) for name in dimensions} | {MONTH_COLUMN: month})
            )
            record[indicator] = value
    out_columns = [*dimensions, MONTH_COLUMN, AMOUNT_COLUMN, COUNT_COLUMN]
    return out_columns, list(merged.values())
