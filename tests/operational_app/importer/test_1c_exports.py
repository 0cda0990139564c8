"""The example mappings for 1C:КА list exports saved to XLSX (Партнеры, Сделки с клиентами,
Претензии клиентов): Russian headers under a title row, dates as `31.12.2025 0:00:00`, amounts as
`1 234,56` (with a no-break space too), Да/Нет flags; imported with `crm` commands only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, text

from crm.cli import main

MAPPINGS = Path(__file__).resolve().parents[3] / "operational_app" / "importer" / "mappings"


def _xlsx(path: Path, title: str, header: list[str], rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])  # 1C puts the list's name above the header
    sheet.append(header)
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


def _rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def _import(entity: str, path: Path, mapping: str, errors: Path) -> None:
    argv = ["import", entity, str(path), "--mapping", str(MAPPINGS / mapping)]
    assert main([*argv, "--errors", str(errors)]) == 0


def test_1c_partners_deals_and_claims(url: str, tmp_path: Path) -> None:
    partners = _xlsx(
        tmp_path / "partners.xlsx",
        "Партнеры",
        [
            "Наименование",
            "Клиент",
            "Поставщик",
            "Бизнес-регион",
            "Основной менеджер",
            "Комментарий",
        ],
        [
            ["ООО Альфа", "Да", "Нет", "Центр", "Иванов Иван", "постоянный"],
            ["ООО Бета", "Нет", "Да", "Урал", "Иванов Иван", None],
            ["ИП Гамма", "Да", "Да", "Центр", None, None],
            ["АО Дельта", "Нет", "Нет", None, None, None],
        ],
    )
    _import("partners", partners, "1c_partners.yml", tmp_path / "p.csv")
    assert _rows(url, "select name, kind from partners order by id") == [
        ("ООО Альфа", "customer"),
        ("ООО Бета", "supplier"),
        ("ИП Гамма", "customer"),
        ("АО Дельта", "other"),
    ]
    assert {name for (name,) in _rows(url, "select name from business_regions")} == {
        "Центр",
        "Урал",
    }

    stages = "Первичный контакт,Переговоры,Договор"
    assert main(["classifier", "add", "deal-kind", "Типовая продажа", "--stages", stages]) == 0
    header = [
        "Номер",
        "Дата",
        "Наименование",
        "Партнер",
        "Вид сделки",
        "Менеджер",
        "Этап",
        "Статус",
        "Потенциальная сумма продаж",
        "Вероятность",
        "Дата завершения",
        "Причина проигрыша",
    ]
    deals = _xlsx(
        tmp_path / "deals.xlsx",
        "Сделки с клиентами",
        header,
        [
            ["00-000001", "31.12.2025 0:00:00", "Поставка", "ООО Альфа", "Типовая продажа",
             "Иванов Иван", "Переговоры", "В работе", "1 234,56", "40", None, None],
            ["00-000002", "15.01.2026 14:05:00", "Сервис", "ИП Гамма", "Типовая продажа",
             "Иванов Иван", "Переговоры", "Выиграна", "1\u00a0000\u00a0000,00", "100",
             "20.02.2026 0:00:00", None],
            ["00-000003", "16.01.2026 0:00:00", "Аренда", "ООО Альфа", "Типовая продажа",
             None, "Первичный контакт", "Проиграна", "0", "0", "01.02.2026 0:00:00", "Дорого"],
        ],
    )  # fmt: skip
    _import("deals", deals, "1c_deals.yml", tmp_path / "d.csv")
    found = _rows(
        url,
        "select d.number, d.status, s.name, d.potential_amount, d.created_at, d.closed_at, "
        "l.name from deals d join sales_stages s on s.id = d.current_stage_id "
        "left join loss_reasons l on l.id = d.loss_reason_id order by d.number",
    )
    assert [(n, st, stage, Decimal(str(a))) for n, st, stage, a, *_ in found] == [
        ("00-000001", "in_progress", "Переговоры", Decimal("1234.56")),
        ("00-000002", "won", "Договор", Decimal("1000000.00")),
        ("00-000003", "lost", "Первичный контакт", Decimal("0")),
    ]
    created = [dt.datetime.fromisoformat(str(row[4])) for row in found]
    assert created[0] == dt.datetime(2025, 12, 31) and created[1] == dt.datetime(2026, 1, 15, 14, 5)
    assert dt.datetime.fromisoformat(str(found[1][5])) == dt.datetime(2026, 2, 20)
    assert found[2][6] == "Дорого"

    claims = _xlsx(
        tmp_path / "claims.xlsx",
        "Претензии клиентов",
        ["Номер", "Дата", "Партнер", "Причина", "Статус", "Удовлетворена", "Дата решения",
         "Сумма претензии", "Описание"],
        [
            ["00-000011", "10.03.2026 9:30:00", "ООО Альфа", "Брак", "Решена", "Да",
             "12.03.2026 0:00:00", "12 500,00", "Бой стекла"],
            ["00-000012", "11.03.2026 0:00:00", "ИП Гамма", "Срок", "Решена", "Нет",
             "13.03.2026 0:00:00", "0,00", None],
            ["00-000013", "12.03.2026 0:00:00", "ООО Альфа", "Брак", "В работе", None,
             None, "1 000", None],
        ],
    )  # fmt: skip
    _import("claims", claims, "1c_claims.yml", tmp_path / "c.csv")
    assert _rows(
        url,
        "select c.number, c.status, c.result, c.claimed_amount, r.name from claims c "
        "join claim_reasons r on r.id = c.claim_reason_id order by c.number",
    ) == [
        ("00-000011", "resolved", "satisfied", 12500, "Брак"),
        ("00-000012", "resolved", "not_satisfied", 0, "Срок"),
        ("00-000013", "in_work", None, 1000, "Брак"),
    ]
    for name in ("p.csv", "d.csv", "c.csv"):  # no row rejected
        assert (tmp_path / name).read_text(encoding="utf-8-sig").count("\n") == 1
