"""`crm import sales_plans` with the example mapping: months as dates or text, amounts as
exported, one plan per cell, a re-import updates instead of duplicating, unknown references and
bad numbers are reported per row."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, text

from crm.cli import main

MAPPING = (
    Path(__file__).resolve().parents[3]
    / "operational_app"
    / "importer"
    / "mappings"
    / "sales_plans.yml"
)
HEADER = ["Месяц", "Менеджер", "Бизнес-регион", "Вид сделки", "Сумма", "Количество сделок"]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["План продаж на 2026 год"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    database = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    monkeypatch.setenv("CRM_OLTP_URL", database)
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "data"))
    return database


def _sql(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _import(path: Path, errors: Path) -> int:
    return main(
        ["import", "sales_plans", str(path), "--mapping", str(MAPPING), "--errors", str(errors)]
    )


def test_plans_import_and_reimport(url: str, tmp_path: Path) -> None:
    assert (
        main(["classifier", "add", "deal-kind", "Типовая продажа", "--stages", "Контакт,Договор"])
        == 0
    )
    assert main(["classifier", "add", "business-region", "Центр"]) == 0
    _sql(
        url,
        "insert into users (login, full_name, role, is_active, created_at, updated_at, version)"
        " values ('ivanov', 'Иванов Иван', 'manager', 1, '2026-01-01', '2026-01-01', 1)",
    )
    sheet = _xlsx(
        tmp_path / "plans.xlsx",
        [
            [dt.datetime(2026, 3, 1), "Иванов Иван", "Центр", "Типовая продажа", "1 500 000,00", 3],
            ["04.2026", "ivanov", "Центр", "Типовая продажа", 1_700_000, 4],
            ["05.2026", "Петров Пётр", "Центр", "Типовая продажа", 100, 1],  # unknown manager
            ["06.2026", "Иванов Иван", "Урал", "Типовая продажа", 100, 1],  # unknown region
            ["07.2026", "Иванов Иван", "Центр", "Типовая продажа", 100, 1.5],  # not whole
            # the same cell as the first row: reported, not imported twice
            ["17.03.2026", "Иванов Иван", "Центр", "Типовая продажа", 1, 1],
        ],
    )
    errors = tmp_path / "errors.csv"
    _import(sheet, errors)

    plans = _sql(
        url,
        "select period_month, planned_amount, planned_won_deals from sales_plans order by 1",
    )
    assert [(str(month)[:10], Decimal(str(amount)), deals) for month, amount, deals in plans] == [
        ("2026-03-01", Decimal("1500000"), 3),
        ("2026-04-01", Decimal("1700000"), 4),
    ]
    with errors.open(encoding="utf-8") as handle:
        reported = list(csv.reader(handle))[1:]
    assert len(reported) == 4
    messages = " ".join(row[-1] for row in reported)
    assert "Петров Пётр" in messages and "Урал" in messages and "whole number" in messages
    assert "the same record" in messages

    # A deleted plan comes back and takes the sheet's figures; the others stay as they are.
    _sql(
        url, "update sales_plans set deleted_at = '2026-03-05 10:00:00' where planned_won_deals = 3"
    )
    again = _xlsx(
        tmp_path / "plans2.xlsx",
        [["03.2026", "Иванов Иван", "Центр", "Типовая продажа", "1 600 000", 4]],
    )
    _import(again, tmp_path / "errors2.csv")
    plans = _sql(
        url,
        "select period_month, planned_amount, planned_won_deals, deleted_at from sales_plans"
        " order by 1",
    )
    assert len(plans) == 2
    assert (Decimal(str(plans[0][1])), plans[0][2], plans[0][3]) == (Decimal("1600000"), 4, None)
    assert Decimal(str(plans[1][1])) == Decimal("1700000")


MAPPING_1C = MAPPING.with_name("sales_plans_1c.yml")


def _import_1c(path: Path, errors: Path) -> int:
    return main(
        ["import", "sales_plans", str(path), "--mapping", str(MAPPING_1C), "--errors", str(errors)]
    )


def test_plans_import_from_the_1c_layout_with_months_across(url: str, tmp_path: Path) -> None:
    assert main(["classifier", "add", "deal-kind", "Типовая продажа", "--stages", "А,Б"]) == 0
    assert main(["classifier", "add", "deal-kind", "Тендер"]) == 0
    assert main(["classifier", "add", "business-region", "Центр"]) == 0
    _sql(
        url,
        "insert into users (login, full_name, role, is_active, created_at, updated_at, version)"
        " values ('ivanov', 'Иванов Иван', 'manager', 1, '2026-01-01', '2026-01-01', 1),"
        " ('petrova', 'Петрова Анна', 'manager', 1, '2026-01-01', '2026-01-01', 1)",
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["План продаж на I квартал 2026"])
    # month headers as 1C and people write them: a date cell, a month's name, "MM.YYYY"
    sheet.append(
        ["Менеджер", "Бизнес-регион", "Вид сделки", "Показатель",
         dt.datetime(2026, 1, 1), "Февраль 2026", "03.2026", "Итого"]
    )  # fmt: skip
    ivanov = ["Иванов Иван", "Центр", "Типовая продажа"]
    sheet.append([*ivanov, "Сумма", 100_000, 120_000, None, 220_000])
    sheet.append([*ivanov, "Количество сделок", 2, 3, 1, 6])
    sheet.append(["petrova", "Центр", "Тендер", "Сумма", None, 50_000, "70 000,00", 120_000])
    path = tmp_path / "plan_1c.xlsx"
    workbook.save(path)

    assert _import_1c(path, tmp_path / "errors.csv") == 0
    plans = _sql(
        url,
        "select users.login, deal_kinds.name, period_month, planned_amount, planned_won_deals"
        " from sales_plans join users on users.id = sales_plans.manager_id"
        " join deal_kinds on deal_kinds.id = sales_plans.deal_kind_id order by 1, 3",
    )
    got = [
        (login, kind, str(month)[:10], Decimal(str(amount)), deals)
        for login, kind, month, amount, deals in plans
    ]
    assert got == [
        ("ivanov", "Типовая продажа", "2026-01-01", Decimal("100000"), 2),
        ("ivanov", "Типовая продажа", "2026-02-01", Decimal("120000"), 3),
        # no amount for March: the count alone makes the plan, its amount 0
        ("ivanov", "Типовая продажа", "2026-03-01", Decimal("0"), 1),
        # an empty January cell plans nothing; «Итого» is never a month
        ("petrova", "Тендер", "2026-02-01", Decimal("50000"), 0),
        ("petrova", "Тендер", "2026-03-01", Decimal("70000"), 0),
    ]

    # A sheet of amounts only changes the amounts and keeps the numbers of won deals.
    amounts = Workbook()
    amounts.active.append(["Менеджер", "Бизнес-регион", "Вид сделки", "янв 2026"])
    amounts.active.append(["Иванов Иван", "Центр", "Типовая продажа", 130_000])
    again = tmp_path / "plan_1c_amounts.xlsx"
    amounts.save(again)
    assert _import_1c(again, tmp_path / "errors2.csv") == 0
    january = _sql(
        url,
        "select planned_amount, planned_won_deals from sales_plans"
        " where period_month = '2026-01-01' and planned_won_deals > 0",
    )
    assert [(Decimal(str(amount)), deals) for amount, deals in january] == [(Decimal("130000"), 2)]


def test_months_across_headers_and_a_sheet_without_months() -> None:
    from operational_app.importer.months_across import LayoutError, month_of, months_down

    assert month_of(dt.datetime(2026, 5, 17)) == dt.date(2026, 5, 1)
    assert month_of("2026-05-01 00:00:00") == dt.date(2026, 5, 1)
    assert (
        month_of("05.2026") == month_of("17.05.2026") == month_of("май 2026") == dt.date(2026, 5, 1)
    )
    assert month_of("Сентябрь 2026 г.") == month_of("сен. 2026") == dt.date(2026, 9, 1)
    assert month_of("13.2026") is None and month_of("Итого") is None and month_of("Сумма") is None
    with pytest.raises(LayoutError):
        months_down(["Менеджер", "Сумма"], [(2, {"Менеджер": "x", "Сумма": 1})])
    with pytest.raises(LayoutError, match="line 3"):
        months_down(
            ["Менеджер", "Показатель", "01.2026"],
            [(3, {"Менеджер": "x", "Показатель": "Маржа", "01.2026": 1})],
        )
