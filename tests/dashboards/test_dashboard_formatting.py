"""Every number in every table is formatted like the tiles (issue 15): Russian by default
(``21 653 800``, ``85 637,51 ₽``, ``31,5 %``, days ``12,6``, months ``янв 2026``), English
with CRM_LANG=en. Read from what each page hands to st.dataframe (the Styler's display values).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import formatting
from dashboards.formatting import (
    cell_formatter,
    format_compact,
    format_days,
    format_money,
    format_month,
)
from dashboards.widgets import display_table
from tests.dashboards.conftest import table_text

NBSP = "\u00a0"
PAGES = [
    None,  # overview
    "app_pages/sales_funnel.py",
    "app_pages/deal_efficiency.py",
    "app_pages/claims.py",
    "app_pages/events_calendar.py",
    "app_pages/orders.py",
    "app_pages/regions.py",
    "app_pages/gis_exchange.py",
    "app_pages/client_base.py",
    "app_pages/data_freshness.py",
]
# A number as a Russian reader expects it: groups of three split by a no-break space, a decimal
# comma, then % or ₽ (or a dash for nothing).
# Changes (the comparison's Δ% and Δ in percentage points) carry their sign.
RUSSIAN_NUMBER = re.compile(r"^([-+]?\d{1,3}(\u00a0\d{3})*(,\d+)?(\u00a0(%|₽|п\.п\.))?|—)$")
ENGLISH_NUMBER = re.compile(r"^([-+]?₽?\d{1,3}(,\d{3})*(\.\d+)?(%|\u00a0pp)?|—)$")
RUSSIAN_MONTH = re.compile(r"^(янв|фев|мар|апр|май|июн|июл|авг|сен|окт|ноя|дек) \d{4}$")
RUSSIAN_DATE = re.compile(r"^(\d{2}\.\d{2}\.\d{4}( \d{2}:\d{2})?|—)$")


@pytest.fixture(autouse=True)
def _russian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_LANG", raising=False)


@pytest.mark.parametrize(
    ("value", "ru", "en"),
    [
        (21_653_800, f"21{NBSP}653{NBSP}800,00{NBSP}₽", "₽21,653,800.00"),
        (Decimal("85637.51"), f"85{NBSP}637,51{NBSP}₽", "₽85,637.51"),
        (-5, f"-5,00{NBSP}₽", "-₽5.00"),
        (None, "—", "—"),
    ],
)
def test_money(value: Any, ru: str, en: str) -> None:
    assert format_money(value, lang="ru") == ru
    assert format_money(value, lang="en") == en


def test_compact_tile_values_fit_and_small_ones_stay_whole() -> None:
    assert format_compact(9_876_543, money=True, lang="ru") == f"9{NBSP}876{NBSP}543{NBSP}₽"
    assert format_compact(21_653_800, money=True, lang="ru") == f"21,7{NBSP}млн{NBSP}₽"
    assert format_compact(1_550_000_000, lang="ru") == f"1,6{NBSP}млрд"
    assert format_compact(21_653_800, money=True, lang="en") == "₽21.7M"
    assert format_compact(-46_965_242, money=True, lang="en") == "-₽47.0M"


def test_days_months_and_cells() -> None:
    assert format_days(12.567, lang="ru") == "12,6"
    assert format_days(12.567, lang="en") == "12.6"
    assert format_month(date(2026, 1, 1), lang="ru") == "янв 2026"
    assert format_month(date(2026, 5, 31), lang="en") == "May 2026"
    assert cell_formatter("percent", lang="ru")(0.315) == f"31,5{NBSP}%"
    assert cell_formatter("int", lang="ru")(21_653_800.0) == f"21{NBSP}653{NBSP}800"
    assert cell_formatter("int", lang="ru")(float("nan")) == "—"
    assert cell_formatter("date", lang="ru")(datetime(2026, 5, 1)) == "01.05.2026"


FRAME = pl.DataFrame(
    {
        "deal_id": [7, 8],
        "deal_number": ["СД-00007", "СД-00008"],
        "month": [date(2026, 1, 1), date(2026, 2, 1)],
        "deals": [21_653_800, 3],
        "amount": [85637.51, None],
        "share": [0.315, 1.0],
        "days": [12.567, 3.0],
    }
)
COLUMNS: Any = {
    "deal_number": ("Номер", "text"),
    "month": ("Месяц", "month"),
    "deals": ("Сделки", "int"),
    "amount": ("Сумма", "amount"),
    "share": ("Доля", "percent"),
    "days": ("Дней", "days"),
}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_display_table_formats_cells_but_keeps_values_for_sorting(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("CRM_LANG", lang)
    styler, config = display_table(FRAME, COLUMNS)

    shown = styler.to_string(delimiter="|").splitlines()[1].split("|")[1:]
    if lang == "ru":
        assert shown[1:] == [
            "янв 2026",
            f"21{NBSP}653{NBSP}800",
            f"85{NBSP}637,51{NBSP}₽",
            f"31,5{NBSP}%",
            "12,6",
        ]
    else:
        assert shown[1:] == ["Jan 2026", "21,653,800", "₽85,637.51", "31.5%", "12.6"]
    # The values stay numbers (sorting by value), only the text shown is formatted.
    assert styler.data["deals"].tolist() == [21_653_800, 3]
    assert styler.data["deal_number"].tolist()[0] == "http://127.0.0.1:8000/deals/7#СД-00007"
    assert config["deal_number"]["type_config"]["type"] == "link"


def test_missing_values_never_reach_the_grid_as_null() -> None:
    """The grid draws a null cell as a faded "None" whatever the Styler says: a missing number
    goes as NaN (shown "—"), a date column with gaps as its text."""
    frame = pl.DataFrame(
        {"amount": [1.5, None], "deals": [3, None], "day": [date(2024, 1, 31), None]}
    )
    styler, _ = display_table(
        frame, {"amount": ("Сумма", "amount"), "deals": ("Сделки", "int"), "day": ("День", "date")}
    )

    assert styler.data.notna().sum().to_dict() == {"amount": 1, "deals": 1, "day": 2}
    assert styler.data["day"].tolist() == ["31.01.2024", "—"]
    assert styler.to_string(delimiter="|").splitlines()[2] == "1|—|—|—"


def _run(app_path: str, page: str | None) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60).run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [error.value for error in app.exception]
    return app


@pytest.mark.parametrize("page", PAGES)
def test_every_table_on_every_page_speaks_russian(
    warehouse: Any, app_path: str, page: str | None
) -> None:
    app = _run(app_path, page)

    assert app.dataframe, "the page shows no table"
    for element in app.dataframe:
        values, text = element.value, table_text(element)
        for column in values.columns:
            cells = [str(cell) for cell in text[column]]
            if values[column].dtype.kind in "iuf":  # a number column
                wrong = [cell for cell in cells if cell and not RUSSIAN_NUMBER.match(cell)]
                assert not wrong, (page, column, wrong)
            elif values[column].dtype.kind == "M":
                bad = [
                    c for c in cells if c and not (RUSSIAN_DATE.match(c) or RUSSIAN_MONTH.match(c))
                ]
                assert not bad, (page, column, bad)
            else:  # no raw codes or Python's None in text columns
                assert "None" not in cells, (page, column)
                assert not [c for c in cells if re.fullmatch(r"[a-z_]+|[A-Z_]{4,}", c)], (
                    page,
                    column,
                    cells,
                )


def test_a_russian_table_never_shows_english_thousands(warehouse: Any, app_path: str) -> None:
    """The issue's own example: `21,653,800` must fail in a Russian table."""
    app = _run(app_path, "app_pages/orders.py")
    text = " ".join(
        str(cell) for element in app.dataframe for cell in table_text(element).to_numpy().ravel()
    )
    assert not re.search(r"\d,\d{3}(?!\d)", text)
    assert "₽" in text and "янв 2024" in text


def test_english_tables_use_english_formatting(
    warehouse: Any, app_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_LANG", "en")
    app = _run(app_path, "app_pages/orders.py")

    for element in app.dataframe:
        values, text = element.value, table_text(element)
        for column in values.columns:
            if values[column].dtype.kind in "iuf":
                wrong = [str(c) for c in text[column] if c and not ENGLISH_NUMBER.match(str(c))]
                assert not wrong, (column, wrong)
    assert formatting.current_language() == "en"
