"""The portal's orders: the list with its status filter and paging, the card with fulfilment per
line, shipments, the payment schedule's state and payments (API and pages); SQLite and
PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app.db.models import CustomerOrderLine, PaymentScheduleItem, ShipmentLine
from operational_app.portal import settlements
from tests.operational_app.portal.settlement_scenario import Scenario, build


@pytest.fixture
def scenario(db: Session) -> Scenario:
    return build(db)


def test_the_list_shows_the_partners_orders_with_their_figures(
    app_client: TestClient, db: Session, scenario: Scenario
) -> None:
    body = app_client.get("/api/portal/orders", headers=scenario.headers).json()
    numbers = [item["number"] for item in body["items"]]
    # Newest first; the other partner's order never.
    assert numbers == [scenario.open_order.number, scenario.shipped_order.number]
    assert body["total"] == 2
    shipped = body["items"][1]["position"]
    assert Decimal(shipped["shipped"]) == sum(Decimal(s.amount) for s in scenario.shipments)
    assert Decimal(shipped["paid"]) == sum(Decimal(p.amount) for p in scenario.payments)
    assert Decimal(shipped["returned"]) == Decimal(scenario.returns[0].total_amount)
    assert Decimal(shipped["balance"]) == (
        Decimal(shipped["shipped"]) - Decimal(shipped["returned"]) - Decimal(shipped["paid"])
    )
    for foreign in scenario.foreign_texts[:3]:
        assert foreign not in str(body)


def test_status_filter_and_paging(app_client: TestClient, scenario: Scenario) -> None:
    shipped = app_client.get("/api/portal/orders?status=shipped", headers=scenario.headers).json()
    assert [item["number"] for item in shipped["items"]] == [scenario.shipped_order.number]
    first = app_client.get("/api/portal/orders?limit=1", headers=scenario.headers).json()
    second = app_client.get("/api/portal/orders?limit=1&offset=1", headers=scenario.headers).json()
    assert first["total"] == second["total"] == 2
    assert [first["items"][0]["number"], second["items"][0]["number"]] == [
        scenario.open_order.number,
        scenario.shipped_order.number,
    ]
    assert (
        app_client.get("/api/portal/orders?status=nonsense", headers=scenario.headers).status_code
        == 422
    )
    page = app_client.get("/portal/orders?status=shipped", headers=scenario.headers)
    assert page.status_code == 200
    assert scenario.shipped_order.number in page.text
    assert scenario.open_order.number not in page.text
    assert "Отгружен" in page.text


def test_the_card_shows_fulfilment_per_line_and_the_schedule(
    app_client: TestClient, db: Session, scenario: Scenario
) -> None:
    order = scenario.shipped_order
    response = app_client.get(
        f"/api/portal/orders/{order.id}?as_of=2026-03-31", headers=scenario.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    line = db.query(CustomerOrderLine).filter_by(customer_order_id=order.id).one()
    [out] = body["lines"]
    assert Decimal(out["quantity"]) == Decimal(line.quantity)
    assert Decimal(out["shipped_quantity"]) == Decimal(line.shipped_quantity) == 4
    assert Decimal(out["reserved_quantity"]) == Decimal(line.reserved_quantity)
    assert Decimal(out["returned_quantity"]) == 1
    # One line takes the whole paid amount.
    assert Decimal(out["paid_amount"]) == sum(Decimal(p.amount) for p in scenario.payments)
    assert out["shipment_dates"] == ["2026-01-15", "2026-02-20"]
    assert body["shipment_dates"] == ["2026-01-15", "2026-02-20"]
    assert body["planned_shipment_date"] == "2026-02-01"
    assert body["is_shipped_on_time"] is False
    assert body["counterparty_name"] == "АО «Клиент»"
    assert body["organization_name"] == "ООО «Поставщик»"

    assert [s["number"] for s in body["shipments"]] == [s.number for s in scenario.shipments]
    for shipment_out, shipment in zip(body["shipments"], scenario.shipments, strict=True):
        lines = db.query(ShipmentLine).filter_by(shipment_id=shipment.id).all()
        assert Decimal(shipment_out["amount"]) == Decimal(shipment.amount)
        assert [Decimal(x["quantity"]) for x in shipment_out["lines"]] == [
            Decimal(x.quantity) for x in lines
        ]
    assert [p["number"] for p in body["payments"]] == [p.number for p in scenario.payments]
    # The payment at 22:00 UTC on 31.01 is dated 01.02 where the customer is (Moscow).
    assert body["payments"][1]["date"] == "2026-02-01"
    assert [r["number"] for r in body["returns"]] == ["ВЗ-000001"]

    items = (
        db.query(PaymentScheduleItem)
        .filter_by(customer_order_id=order.id, deleted_at=None)
        .order_by(PaymentScheduleItem.due_date)
        .all()
    )
    paid = sum(Decimal(p.amount) for p in scenario.payments)
    prepayment, credit = body["schedule"]
    assert (prepayment["kind"], prepayment["status"]) == ("prepayment", "paid")
    assert prepayment["settled_on"] == "2026-02-01"  # the second payment completes it
    assert credit["kind"] == "credit" and credit["status"] == "overdue"
    assert Decimal(credit["paid_amount"]) == paid - Decimal(items[0].amount)
    assert credit["days_overdue"] == (body_date("2026-03-31") - items[1].due_date).days


def body_date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_paid_is_shared_out_over_lines_by_amount() -> None:
    shares = settlements.share_paid(Decimal("100.00"), [Decimal("30.00"), Decimal("30.00"),
                                                       Decimal("30.00")])  # fmt: skip
    assert shares == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(shares) == Decimal("100.00")
    assert settlements.share_paid(Decimal("10.00"), [Decimal(0)]) == [Decimal("0.00")]


def test_the_card_page_is_in_russian_with_the_key_numbers(
    app_client: TestClient, scenario: Scenario
) -> None:
    order = scenario.shipped_order
    page = app_client.get(f"/portal/orders/{order.id}?as_of=2026-03-31", headers=scenario.headers)
    assert page.status_code == 200, page.text
    text = page.text
    for expected in ("График оплаты", "Реализации", "Просрочено", "Оплачено", "Предоплата",
                     scenario.shipments[0].number, scenario.payments[0].number, "ВЗ-000001",
                     "с опозданием"):  # fmt: skip
        assert expected in text, expected
    assert text.index('id="order-balance"') < text.index('id="lines"')


def test_another_partners_order_is_not_found(app_client: TestClient, scenario: Scenario) -> None:
    foreign = scenario.other_order.id
    for url in (f"/api/portal/orders/{foreign}", f"/portal/orders/{foreign}"):
        response = app_client.get(url, headers=scenario.headers)
        assert response.status_code == 404
        assert scenario.other_order.number not in response.text
    missing = app_client.get("/api/portal/orders/999999", headers=scenario.headers)
    assert missing.status_code == 404
    own = app_client.get(f"/api/portal/orders/{foreign}", headers=scenario.other_headers)
    assert own.status_code == 200
    assert scenario.shipped_order.number not in own.text
