"""Акт сверки: balances and entries against the tests' own ledger, the JSON API, the PDF (text
read back with pypdf) and the XLSX (read back with openpyxl), the period's refusals, and that the
other partner's documents never appear; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from operational_app.domain import orders, partners
from operational_app.web.formatting import format_money
from tests.operational_app.portal.settlement_scenario import Scenario, build, documents, moment
from tests.operational_app.utils.factories import legal_entity_inn
from tests.operational_app.utils.sales import create_order

PERIOD = {"date_from": "2026-02-01", "date_to": "2026-03-31"}
START, END = dt.date(2026, 2, 1), dt.date(2026, 3, 31)


@pytest.fixture
def scenario(db: Session) -> Scenario:
    return build(db)


def _ledger(db: Session, scenario: Scenario) -> dict:
    rows = documents(db, scenario)
    opening = sum((amount for day, _, amount in rows if day < START), Decimal(0))
    inside = [(day, kind, amount) for day, kind, amount in rows if START <= day <= END]
    debit = sum((amount for _, _, amount in inside if amount > 0), Decimal(0))
    credit = sum((-amount for _, _, amount in inside if amount < 0), Decimal(0))
    return {
        "opening": opening,
        "debit": debit,
        "credit": credit,
        "closing": opening + debit - credit,
        "inside": sorted(inside),
    }


def test_the_statement_json_matches_an_independent_ledger(
    app_client: TestClient, db: Session, scenario: Scenario
) -> None:
    response = app_client.get(
        "/api/portal/debt/reconciliation", params=PERIOD, headers=scenario.headers
    )
    assert response.status_code == 200, response.text
    ledger = _ledger(db, scenario)
    [statement] = response.json()["statements"]
    assert statement["organization"]["name"] == "ООО «Поставщик»"
    assert statement["organization"]["inn"] == scenario.organization.inn
    assert statement["counterparty"]["name"] == "АО «Клиент»"
    assert statement["counterparty"]["kpp"] == "770201001"
    assert Decimal(statement["opening_balance"]) == ledger["opening"] != 0
    assert Decimal(statement["debit_turnover"]) == ledger["debit"]
    assert Decimal(statement["credit_turnover"]) == ledger["credit"]
    assert Decimal(statement["closing_balance"]) == ledger["closing"]
    # The period holds the second shipment, the payment dated 01.02 in Moscow and the return.
    assert sorted(entry["kind"] for entry in statement["entries"]) == [
        "payment", "return", "shipment",
    ]  # fmt: skip
    assert [entry["date"] for entry in statement["entries"]] == sorted(
        entry["date"] for entry in statement["entries"]
    )
    kinds = {entry["kind"]: entry for entry in statement["entries"]}
    assert kinds["shipment"]["document"].startswith("Реализация товаров № ")
    assert kinds["payment"]["document"].startswith("Оплата (Поступление безналичных ДС) № ")
    assert kinds["return"]["document"] == "Возврат товаров от клиента № ВЗ-000001 от 01.03.2026"
    assert statement["title"] == "Акт сверки взаимных расчётов за период с 01.02.2026 по 31.03.2026"
    assert statement["in_favour_of"] == (
        "ООО «Поставщик»" if ledger["closing"] > 0 else "АО «Клиент»"
    )
    assert statement["closing_phrase"] == (
        f"на 31.03.2026 задолженность в пользу {statement['in_favour_of']} "
        f"{format_money(abs(ledger['closing']))} руб."
    )
    for foreign in scenario.foreign_texts:
        assert foreign not in response.text


def test_the_other_partner_gets_only_their_statement(
    app_client: TestClient, scenario: Scenario
) -> None:
    body = app_client.get(
        "/api/portal/debt/reconciliation", params=PERIOD, headers=scenario.other_headers
    ).json()
    [statement] = body["statements"]
    assert Decimal(statement["debit_turnover"]) == Decimal("630.00")
    assert scenario.shipped_order.number not in str(body)
    assert "АО «Клиент»" not in str(body)


def test_the_pdf_reads_as_an_akt_sverki(
    app_client: TestClient, db: Session, scenario: Scenario
) -> None:
    response = app_client.get(
        "/portal/debt/reconciliation.pdf", params=PERIOD, headers=scenario.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    ledger = _ledger(db, scenario)
    for expected in (
        "Акт сверки взаимных расчётов за период с 01.02.2026 по 31.03.2026",
        "По данным ООО «Поставщик»",
        "По данным АО «Клиент»",
        f"ИНН {scenario.organization.inn}",
        "Сальдо начальное",
        "Обороты за период",
        "Сальдо конечное",
        "М.П.",
        format_money(ledger["opening"]),
        format_money(ledger["debit"]),
        format_money(ledger["credit"]),
        f"на 31.03.2026 задолженность в пользу ООО «Поставщик» "
        f"{format_money(ledger['closing'])} руб.",
    ):
        assert " ".join(expected.split()) in flat, expected
    for foreign in scenario.foreign_texts[:3]:
        assert foreign not in flat


def test_the_xlsx_holds_the_same_figures(
    app_client: TestClient, db: Session, scenario: Scenario
) -> None:
    response = app_client.get(
        "/portal/debt/reconciliation.xlsx", params=PERIOD, headers=scenario.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {
        row[0]: row for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], str)
    }
    ledger = _ledger(db, scenario)
    assert rows["Акт сверки взаимных расчётов за период с 01.02.2026 по 31.03.2026"]
    assert Decimal(str(rows["Сальдо начальное"][2])) == ledger["opening"]
    assert rows["Обороты за период"][2:4] == (float(ledger["debit"]), float(ledger["credit"]))
    assert Decimal(str(rows["Сальдо конечное"][2])) == ledger["closing"]
    # The customer's half is left blank for them to fill.
    assert rows["Сальдо конечное"][4] == "Сальдо конечное"
    assert rows["Сальдо конечное"][6:8] == (None, None)
    entry_titles = [
        row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], dt.datetime)
    ]
    assert len(entry_titles) == len(ledger["inside"])
    assert any(title.startswith("Возврат товаров от клиента") for title in entry_titles)


def test_text_that_looks_like_a_formula_is_escaped_in_the_xlsx(
    app_client: TestClient, db: Session, scenario: Scenario
) -> None:
    scenario.counterparty.legal_name = '=HYPERLINK("http://evil")'
    db.commit()
    response = app_client.get(
        "/portal/debt/reconciliation.xlsx", params=PERIOD, headers=scenario.headers
    )
    values = [
        cell
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]
    assert not [value for value in values if value.startswith("=")]
    assert '\'=HYPERLINK("http://evil")' in values


@pytest.mark.parametrize(
    ("params", "rule"),
    [
        ({"date_from": "2026-03-31", "date_to": "2026-02-01"}, "reconciliation.period_reversed"),
        ({"date_from": "1990-01-01", "date_to": "2026-02-01"}, "reconciliation.date_out_of_range"),
        ({"date_from": "2010-01-01", "date_to": "2026-02-01"}, "reconciliation.period_too_long"),
    ],
)
def test_refused_periods_are_clear_422s(
    app_client: TestClient, scenario: Scenario, params: dict, rule: str
) -> None:
    response = app_client.get(
        "/api/portal/debt/reconciliation", params=params, headers=scenario.headers
    )
    assert response.status_code == 422
    assert response.json()["rule"] == rule
    for suffix in ("pdf", "xlsx"):
        page = app_client.get(
            f"/portal/debt/reconciliation.{suffix}", params=params, headers=scenario.headers
        )
        assert page.status_code == 422
        assert "text/html" in page.headers["content-type"]
    reversed_page = app_client.get(
        "/portal/debt/reconciliation.pdf",
        params={"date_from": "2026-03-31", "date_to": "2026-02-01"},
        headers=scenario.headers,
    )
    assert "позже даты окончания" in reversed_page.text


def test_missing_or_malformed_dates_are_422(app_client: TestClient, scenario: Scenario) -> None:
    api = app_client.get(
        "/api/portal/debt/reconciliation", params={"date_from": "2026-01-01"},
        headers=scenario.headers,
    )  # fmt: skip
    assert api.status_code == 422
    page = app_client.get(
        "/portal/debt/reconciliation.pdf", params={"date_from": "2026-01-01", "date_to": "x"},
        headers=scenario.headers,
    )  # fmt: skip
    assert page.status_code == 422
    assert "ГГГГ-ММ-ДД" in page.text
    assert (
        app_client.get("/portal/debt/reconciliation.xlsx", headers=scenario.headers).status_code
        == 422
    )


def test_the_debt_page_offers_the_statement_form(
    app_client: TestClient, scenario: Scenario
) -> None:
    page = app_client.get("/portal/debt?as_of=2026-03-31", headers=scenario.headers)
    assert 'action="/portal/debt/reconciliation.pdf"' in page.text
    assert 'formaction="/portal/debt/reconciliation.xlsx"' in page.text
    assert 'name="date_from" value="2026-01-01"' in page.text
    assert 'name="date_to" value="2026-03-31"' in page.text


def test_one_statement_per_organisation_and_counterparty_pair(
    app_client: TestClient, db: Session, scenario: Scenario
) -> None:
    second = partners.create_counterparty(
        db,
        partner_id=scenario.sales.partner.id,
        legal_form="legal_entity",
        inn=legal_entity_inn(),
        kpp="770301001",
        legal_name="ООО «Клиент-2»",
    )
    db.commit()
    order = create_order(
        db, scenario.sales, qty=3, ordered_at=moment("2026-02-02"), counterparty_id=second.id
    )
    orders.submit_order(db, order, now=moment("2026-02-02"))
    orders.release_to_shipping(db, order)
    line = orders.order_lines(db, order.id)[0]
    shipment = orders.record_shipment(
        db, order, [{"order_line_id": line.id, "quantity": 3}], shipped_at=moment("2026-02-03")
    )
    db.commit()
    body = app_client.get(
        "/api/portal/debt/reconciliation", params=PERIOD, headers=scenario.headers
    ).json()
    by_counterparty = {s["counterparty"]["name"]: s for s in body["statements"]}
    assert set(by_counterparty) == {"АО «Клиент»", "ООО «Клиент-2»"}
    own = by_counterparty["ООО «Клиент-2»"]
    assert Decimal(own["opening_balance"]) == 0
    assert [e["number"] for e in own["entries"]] == [shipment.number]
    assert Decimal(own["closing_balance"]) == Decimal(shipment.amount)
    # The first pair's figures do not change with the second pair's documents.
    first = by_counterparty["АО «Клиент»"]
    assert Decimal(first["closing_balance"]) == _ledger(db, scenario)["closing"]
    only = app_client.get(
        "/api/portal/debt/reconciliation",
        params={**PERIOD, "counterparty_id": second.id},
        headers=scenario.headers,
    ).json()
    assert [s["counterparty"]["name"] for s in only["statements"]] == ["ООО «Клиент-2»"]
    pages = PdfReader(
        io.BytesIO(
            app_client.get(
                "/portal/debt/reconciliation.pdf", params=PERIOD, headers=scenario.headers
            ).content
        )
    ).pages
    assert len(pages) >= 2
