"""The portal's debt: balance, overdue by age and prepayments due as of a given day (the
settlements functions and GET /api/portal/debt, /portal/debt); SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app.db.models import PaymentScheduleItem
from operational_app.portal import settlements
from operational_app.portal.scope import PortalScope
from tests.operational_app.portal.settlement_scenario import Scenario, build, documents

MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
def scenario(db: Session) -> Scenario:
    return build(db)


def _scope(scenario: Scenario) -> PortalScope:
    return PortalScope(partner_id=scenario.sales.partner.id, user_id=scenario.customer.id)


def _balance_until(db: Session, scenario: Scenario, day: dt.date) -> Decimal:
    return sum((amount for date, _, amount in documents(db, scenario) if date <= day), Decimal(0))


@pytest.mark.parametrize("day", ["2026-01-14", "2026-01-31", "2026-02-01", "2026-03-31"])
def test_the_balance_is_shipped_minus_returned_minus_paid_up_to_the_day(
    db: Session, scenario: Scenario, day: str
) -> None:
    as_of = dt.date.fromisoformat(day)
    summary = settlements.debt_summary(db, _scope(scenario), as_of=as_of, zone=MOSCOW)
    assert summary.total.balance == _balance_until(db, scenario, as_of)
    assert summary.total.debt == max(summary.total.balance, 0)
    assert summary.total.advance == max(-summary.total.balance, 0)


def test_overdue_debt_is_aged_from_the_schedule_and_capped_by_the_debt(
    db: Session, scenario: Scenario
) -> None:
    as_of = dt.date(2026, 3, 31)
    items = (
        db.query(PaymentScheduleItem)
        .filter_by(customer_order_id=scenario.shipped_order.id, deleted_at=None)
        .order_by(PaymentScheduleItem.due_date)
        .all()
    )
    paid = sum(Decimal(p.amount) for p in scenario.payments)
    # FIFO by hand: the prepayment takes the payments first, the credit item the rest.
    credit = items[-1]
    credit_outstanding = Decimal(credit.amount) - max(paid - Decimal(items[0].amount), 0)
    order_debt = _balance_until(db, scenario, as_of)
    expected = min(credit_outstanding, order_debt)
    days = (as_of - credit.due_date).days
    summary = settlements.debt_summary(db, _scope(scenario), as_of=as_of, zone=MOSCOW)
    bucket = settlements.age_bucket(days)
    assert bucket == "61_90"
    assert summary.overdue_buckets[bucket] == expected > 0
    assert summary.overdue_total == expected
    # A month earlier the same item is only 35 days late.
    earlier = settlements.debt_summary(
        db, _scope(scenario), as_of=dt.date(2026, 2, 28), zone=MOSCOW
    )
    assert earlier.overdue_buckets["31_60"] > 0 and earlier.overdue_buckets["61_90"] == 0
    # On the credit's due date only the prepayment's unpaid rest (paid 100 of it so far) is late.
    due_day = credit.due_date
    paid_by_then = sum(
        (-amount for day, kind, amount in documents(db, scenario) if kind == "payment"
         and day <= due_day),
        Decimal(0),
    )  # fmt: skip
    on_due_day = settlements.debt_summary(db, _scope(scenario), as_of=due_day, zone=MOSCOW)
    prepayment_rest = Decimal(items[0].amount) - paid_by_then
    assert on_due_day.overdue_total == min(prepayment_rest, _balance_until(db, scenario, due_day))
    assert on_due_day.overdue_buckets["0_30"] == on_due_day.overdue_total > 0


def test_an_unshipped_orders_prepayment_is_due_not_debt(db: Session, scenario: Scenario) -> None:
    summary = settlements.debt_summary(
        db, _scope(scenario), as_of=dt.date(2026, 3, 31), zone=MOSCOW
    )
    prepayment = (
        db.query(PaymentScheduleItem)
        .filter_by(customer_order_id=scenario.open_order.id, kind="prepayment", deleted_at=None)
        .one()
    )
    assert [(p.order_number, p.due_date, p.amount) for p in summary.prepayments_due] == [
        (scenario.open_order.number, prepayment.due_date, Decimal(prepayment.amount))
    ]
    assert summary.prepayments_due[0].is_overdue
    assert scenario.open_order.id not in {row.order_id for row in summary.orders}


def test_age_buckets_edges() -> None:
    assert [settlements.age_bucket(days) for days in (0, 1, 30, 31, 60, 61, 90, 91, 400)] == [
        None, "0_30", "0_30", "31_60", "31_60", "61_90", "61_90", "over_90", "over_90",
    ]  # fmt: skip


def test_fifo_allocation_settles_items_in_due_order() -> None:
    items = [
        (2, dt.date(2026, 2, 1), "credit", Decimal("70.00")),
        (1, dt.date(2026, 1, 1), "prepayment", Decimal("30.00")),
    ]
    payments = [(dt.date(2026, 1, 5), Decimal("20.00")), (dt.date(2026, 1, 20), Decimal("40.00"))]
    states = settlements.allocate_schedule(
        items, payments, as_of=dt.date(2026, 2, 11), order_debt=Decimal("100.00")
    )
    assert [(s.item_id, s.paid, s.settled_on, s.days_overdue, s.status) for s in states] == [
        (1, Decimal("30.00"), dt.date(2026, 1, 20), 0, "paid"),
        (2, Decimal("30.00"), None, 10, "overdue"),
    ]
    assert states[1].overdue_debt == Decimal("40.00")


def test_the_api_and_the_page_show_the_same_debt(
    app_client: TestClient, db: Session, scenario: Scenario
) -> None:
    response = app_client.get("/api/portal/debt?as_of=2026-03-31", headers=scenario.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    expected = _balance_until(db, scenario, dt.date(2026, 3, 31))
    assert Decimal(body["position"]["balance"]) == expected
    assert Decimal(body["debt_amount"]) == expected
    assert body["as_of"] == "2026-03-31"
    assert [bucket["bucket"] for bucket in body["overdue"]] == ["0_30", "31_60", "61_90", "over_90"]
    assert Decimal(body["overdue_amount"]) == sum(Decimal(b["amount"]) for b in body["overdue"])
    assert [p["order_number"] for p in body["prepayments_due"]] == [scenario.open_order.number]
    text = response.text
    for foreign in scenario.foreign_texts:
        assert foreign not in text

    page = app_client.get("/portal/debt?as_of=2026-03-31", headers=scenario.headers)
    assert page.status_code == 200, page.text
    assert "Взаиморасчёты" in page.text
    money = f"{expected:.2f}".replace(".", ",")
    assert f'id="debt-balance">{money}' in page.text
    for foreign in scenario.foreign_texts:
        assert foreign not in page.text


def test_the_other_customer_sees_only_their_own_debt(
    app_client: TestClient, scenario: Scenario
) -> None:
    body = app_client.get(
        "/api/portal/debt?as_of=2026-03-31", headers=scenario.other_headers
    ).json()
    assert Decimal(body["position"]["shipped"]) == Decimal("630.00")
    assert Decimal(body["position"]["balance"]) == 0
    assert scenario.shipped_order.number not in str(body)


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "2026-13-01", "вчера"])
def test_a_date_out_of_range_or_malformed_is_a_clear_422(
    app_client: TestClient, scenario: Scenario, as_of: str
) -> None:
    response = app_client.get(f"/api/portal/debt?as_of={as_of}", headers=scenario.headers)
    assert response.status_code == 422
    page = app_client.get(f"/portal/debt?as_of={as_of}", headers=scenario.headers)
    assert page.status_code == 422


def test_operators_cannot_use_the_portal_debt(client: TestClient, scenario: Scenario) -> None:
    assert client.get("/api/portal/debt").status_code == 403
