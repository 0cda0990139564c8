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
