"""Заявки на возврат: what may be returned, decisions, debt, concurrency, first response; run on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from operational_app.auth import Forbidden
from operational_app.db.models import ReturnReason, ReturnRequest
from operational_app.domain import claims, interactions, orders, returns
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.sales import Sales, create_order, create_sales

T0 = dt.datetime(2026, 3, 2, 9, 0)


def shipped_order(db: Session, sales: Sales, qty: int = 4, ship: int = 3):
    """An order of `qty` units at 90.00 (agreement discount 10%), `ship` of them shipped."""
    order = create_order(db, sales, qty=qty)
    orders.submit_order(db, order)
    orders.release_to_shipping(db, order)
    line = orders.order_lines(db, order.id)[0]
    shipment = orders.record_shipment(
        db, order, [{"order_line_id": line.id, "quantity": ship}], shipped_at=T0
    )
    db.commit()
    return order, returns.returnable_lines(db, order.id)[0].shipment_line, shipment


@pytest.fixture
def sales(db: Session) -> Sales:
    return create_sales(db, stock=20)


@pytest.fixture
def reason(db: Session) -> ReturnReason:
    row = ReturnReason(name="Брак")
    db.add(row)
    db.commit()
    return row


def _request(db: Session, order, line, qty, reason, **fields):
    created = returns.create_return_request(
        db,
        partner_id=fields.pop("partner_id", order.partner_id),
        customer_order_id=order.id,
        lines=[{"shipment_line_id": line.id, "quantity": qty}],
        return_reason_id=reason.id,
        **fields,
    )
    db.commit()
    return created


def test_price_and_amount_come_from_the_shipment_line(db: Session, sales: Sales, reason):
    order, line, _ = shipped_order(db, sales)
    stamp = (order.updated_at, order.version)
    request = _request(db, order, line, 2, reason, comment=" Трещины ")
    db.refresh(order)
    assert (order.updated_at, order.version) == stamp, "the order lock changes nothing"
    assert request.number.startswith(returns.NUMBER_PREFIX)
    assert request.status == "registered"
    [row] = returns.request_lines(db, request.id)
    assert row.price == Decimal(line.amount) / Decimal(line.quantity)
    assert request.total_amount == row.amount == row.price * 2
    assert request.comment == "Трещины"


def test_never_more_than_shipped_minus_already_returned(db: Session, sales: Sales, reason):
    order, line, _ = shipped_order(db, sales, qty=4, ship=3)
    with pytest.raises(ValidationFailed) as refused:
        _request(db, order, line, 4, reason)
    db.rollback()
    assert refused.value.rule == "return.above_returnable"
    assert refused.value.field == f"quantity_{line.id}"
    first = _request(db, order, line, 2, reason)
    with pytest.raises(ValidationFailed):
        _request(db, order, line, 2, reason)
    db.rollback()
    # A rejected or cancelled request gives its quantity back; a received one keeps it.
    returns.reject(db, first, "Не наш товар")
    db.commit()
    assert returns.returnable_lines(db, order.id)[0].returnable == 3
    second = _request(db, order, line, 3, reason)
    returns.approve(db, second)
    returns.receive(db, second)
    db.commit()
    assert returns.returnable_lines(db, order.id)[0].returnable == 0
    with pytest.raises(ValidationFailed):
        _request(db, order, line, Decimal("0.5"), reason)


@pytest.mark.parametrize("qty", [0, -1, "abc", "NaN"])
def test_quantity_must_be_positive(db: Session, sales: Sales, reason, qty):
    order, line, _ = shipped_order(db, sales)
    with pytest.raises(ValidationFailed):
        _request(db, order, line, qty, reason)


def test_lines_must_belong_to_the_order_and_the_order_to_the_partner(
    db: Session, sales: Sales, reason
):
    order, line, _ = shipped_order(db, sales)
    other_order, other_line, _ = shipped_order(db, sales)
    with pytest.raises(ValidationFailed) as refused:
        _request(db, order, other_line, 1, reason)
    assert refused.value.rule == "return.line_not_of_order"
    db.rollback()
    stranger = create_random_partner(db)
    db.commit()
    with pytest.raises(ValidationFailed) as refused:
        _request(db, order, line, 1, reason, partner_id=stranger.id)
    assert refused.value.rule == "return.order_of_other_partner"
    db.rollback()
    with pytest.raises(ValidationFailed) as refused:
        returns.create_return_request(
            db,
            partner_id=order.partner_id,
            customer_order_id=order.id,
            lines=[],
            return_reason_id=reason.id,
        )
    assert refused.value.rule == "return.no_lines"
    with pytest.raises(ValidationFailed) as refused:
        returns.create_return_request(
            db,
            partner_id=order.partner_id,
            customer_order_id=order.id,
            lines=[{"shipment_line_id": line.id, "quantity": 1}],
        )
    assert refused.value.rule == "return.reason_required"


def test_transitions(db: Session, sales: Sales, reason):
    order, line, _ = shipped_order(db, sales)
    request = _request(db, order, line, 1, reason)
    with pytest.raises(TransitionNotAllowed):
        returns.receive(db, request)
    with pytest.raises(ValidationFailed) as refused:
        returns.reject(db, request, "  ")
    assert refused.value.rule == "return.reject_comment_required"
    with pytest.raises(Forbidden):
        returns.approve(db, request, actor_role="customer")
    returns.approve(db, request, now=T0)
    assert request.first_response_at == T0
    with pytest.raises(TransitionNotAllowed):
        returns.cancel(db, request)
    with pytest.raises(TransitionNotAllowed):
        returns.reject(db, request, "поздно")
    returns.receive(db, request, now=T0 + dt.timedelta(days=1))
    assert request.status == "received"
    assert request.received_at == T0 + dt.timedelta(days=1)
    assert request.first_response_at == T0
    cancelled = _request(db, order, line, 1, reason)
    returns.cancel(db, cancelled)
    assert cancelled.status == "cancelled"
    assert cancelled.first_response_at is None


def test_only_a_received_return_reduces_the_debt(db: Session, sales: Sales, reason):
    order, line, shipment = shipped_order(db, sales, qty=4, ship=3)
    before = orders.order_totals(db, order)
    assert before.debt == shipment.amount
    request = _request(db, order, line, 2, reason)
    returns.approve(db, request)
    db.commit()
    assert orders.order_totals(db, order).debt == before.debt
    returns.receive(db, request)
    db.commit()
    after = orders.order_totals(db, order)
    assert after.returned == request.total_amount
    assert after.debt == before.debt - request.total_amount
    assert orders.partner_debt(db, order.partner_id).debt == after.debt


@pytest.mark.parametrize("attempt", range(2))
def test_concurrent_requests_for_the_last_units_at_most_one_wins(
    engine: Engine, db: Session, sales: Sales, reason, attempt
):
    order, line, _ = shipped_order(db, sales, qty=3, ship=3)
    a, b = Session(engine), Session(engine)
    outcome: dict[str, str] = {}

    def create(session: Session) -> None:
        returns.create_return_request(
            session,
            partner_id=order.partner_id,
            customer_order_id=order.id,
            lines=[{"shipment_line_id": line.id, "quantity": 2}],
            return_reason_id=reason.id,
        )

    try:
        create(a)

        def competitor() -> None:
            try:
                create(b)
                b.commit()
                outcome["b"] = "created"
            except ValidationFailed:
                b.rollback()
                outcome["b"] = "refused"

        thread = threading.Thread(target=competitor)
        thread.start()
        thread.join(0.3)  # b now waits for a's lock (or has not got that far)
        a.commit()
        thread.join(10)
        assert outcome["b"] == "refused"
    finally:
        a.close()
        b.close()
    db.expire_all()
    count = db.scalar(
        select(func.count())
        .select_from(ReturnRequest)
        .where(ReturnRequest.customer_order_id == order.id)
    )
    assert count == 1


def test_first_response_of_a_claim_is_the_first_operator_action(db: Session, sales: Sales):
    partner_id = sales.partner.id
    claim = claims.create_claim(db, partner_id=partner_id, source="portal", now=T0)
    assert claim.first_response_at is None
    claims.add_task(db, claim, title="Проверить", now=T0 + dt.timedelta(hours=2))
    assert claim.first_response_at == T0 + dt.timedelta(hours=2)
    claims.take_into_work(db, claim, now=T0 + dt.timedelta(hours=5))
    assert claim.first_response_at == T0 + dt.timedelta(hours=2)

    second = claims.create_claim(db, partner_id=partner_id, source="portal", now=T0)
    claims.take_into_work(db, second, now=T0 + dt.timedelta(hours=1))
    assert second.first_response_at == T0 + dt.timedelta(hours=1)

    third = claims.create_claim(db, partner_id=partner_id, source="portal", now=T0)
    interactions.create_interaction(
        db,
        kind="call",
        partner_id=partner_id,
        summary="Позвонили клиенту",
        planned_at=T0,
        subject_type="claim",
        subject_id=third.id,
    )
    assert third.first_response_at is not None
    db.commit()


def test_default_reasons_are_added_once(db: Session):
    db.add(ReturnReason(name="Брак"))
    db.flush()
    added = returns.ensure_default_reasons(db)
    assert "Брак" not in [reason.name for reason in added]
    assert len(added) == len(returns.DEFAULT_REASONS) - 1
    assert returns.ensure_default_reasons(db) == []
