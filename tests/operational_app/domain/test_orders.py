"""Заказы клиентов: status machine, approval above the discount limit, reserves, shipments,
payments and debt; run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from operational_app.db.models import CustomerOrder, ReserveAdjustment
from operational_app.domain import orders, products
from operational_app.domain.errors import (
    StaleVersion,
    TransitionNotAllowed,
    ValidationFailed,
)
from operational_app.domain.products import InsufficientStock
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.sales import Sales, create_order, create_sales
from tests.operational_app.utils.users import create_user


@pytest.fixture
def sales(db: Session) -> Sales:
    return create_sales(db)


def _line(db: Session, order: CustomerOrder):
    return orders.order_lines(db, order.id)[0]


def _to_ship(db: Session, order: CustomerOrder) -> CustomerOrder:
    orders.submit_order(db, order)
    orders.release_to_shipping(db, order)
    db.commit()
    return order


def test_line_price_comes_from_agreement_and_amount_is_computed(db: Session, sales: Sales):
    order = create_order(db, sales, qty="3", discount="2.5")
    line = _line(db, order)
    assert line.price == Decimal("90.00")  # 100 less the agreement's 10 %
    assert line.amount == Decimal("263.25")  # 3 × 90 × 0.975
    assert order.total_amount == Decimal("263.25")
    assert order.requires_approval is False
    assert order.number.startswith("ЗК-")


def test_submit_within_limit_approves_and_builds_the_payment_schedule(db: Session, sales: Sales):
    order = create_order(db, sales, qty=4, ordered_at=dt.datetime(2025, 3, 1, 10))
    orders.submit_order(db, order)
    assert order.status == "approved"
    schedule = [(i.kind, i.amount, i.due_date) for i in orders.payment_schedule(db, order.id)]
    assert schedule == [
        ("prepayment", Decimal("108.00"), dt.date(2025, 3, 1)),
        ("credit", Decimal("252.00"), dt.date(2025, 3, 15)),
    ]


def test_discount_above_limit_needs_a_manager(db: Session, sales: Sales):
    order = create_order(db, sales, discount="5.01")
    assert order.requires_approval is True
    operator = create_user(db, "operator")
    manager = create_user(db, "manager")
    with pytest.raises(TransitionNotAllowed) as refused:
        orders.approve_order(db, order, manager)
    assert refused.value.rule == "order.approval_required"
    orders.submit_order(db, order)
    assert order.status == "on_approval"
    assert orders.payment_schedule(db, order.id) == []
    with pytest.raises(orders.Forbidden):
        orders.approve_order(db, order, operator)
    orders.approve_order(db, order, manager)
    assert (order.status, order.approved_by_id) == ("approved", manager.id)
    assert orders.payment_schedule(db, order.id)


def test_discount_at_the_limit_needs_no_approval(db: Session, sales: Sales):
    order = create_order(db, sales, discount=5)
    assert order.requires_approval is False
    orders.approve_order(db, order, create_user(db, "operator"))
    assert order.status == "approved"


def test_lowering_the_discount_in_draft_lifts_the_approval(db: Session, sales: Sales):
    order = create_order(db, sales, discount=20)
    line = _line(db, order)
    orders.update_line(db, order, line, {"discount_percent": Decimal(1)})
    assert order.requires_approval is False


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (orders.release_to_shipping, "draft"),
        (orders.close_order, "draft"),
        (orders.return_to_draft, "draft"),
        (orders.submit_order, "approved"),
        (orders.close_order, "to_ship"),
        (orders.cancel_order, "closed"),
        (orders.cancel_order, "cancelled"),
    ],
)
def test_forbidden_transitions(db: Session, sales: Sales, action, status: str):
    order = create_order(db, sales)
    order.status = status
    db.flush()
    with pytest.raises(TransitionNotAllowed) as refused:
        action(db, order)
    assert refused.value.rule == "order.status_forbids"


def test_lines_change_only_in_draft(db: Session, sales: Sales):
    order = create_order(db, sales)
    orders.submit_order(db, order)
    with pytest.raises(TransitionNotAllowed):
        orders.add_line(db, order, {"product_id": sales.product.id, "quantity": 1})
    with pytest.raises(TransitionNotAllowed) as refused:
        orders.update_order(db, order, {"agreement_id": None})
    assert refused.value.rule == "order.terms_locked"


def test_order_date_must_fall_in_the_agreement_validity(db: Session):
    sales = create_sales(db, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 30))
    with pytest.raises(ValidationFailed) as refused:
        create_order(db, sales, ordered_at=dt.datetime(2025, 7, 1))
    assert refused.value.rule == "agreement.not_valid_on"
    db.rollback()
    assert create_order(db, sales, ordered_at=dt.datetime(2025, 6, 30, 23)).id


def test_individual_agreement_of_another_partner_is_refused(db: Session, sales: Sales):
    from operational_app.domain import agreements

    own = agreements.create_agreement(
        db,
        name="Индивидуальное",
        kind="individual",
        partner_id=sales.partner.id,
        valid_from=dt.date(2020, 1, 1),
    )
    stranger = create_random_partner(db)
    with pytest.raises(ValidationFailed) as refused:
        orders.create_order(db, partner_id=stranger.id, agreement_id=own.id)
    assert refused.value.rule == "agreement.other_partner"


def test_reserve_never_exceeds_free_stock_across_orders(db: Session, sales: Sales):
    first = create_order(db, sales, qty=7)
    second = create_order(db, sales, qty=7)
    orders.reserve_line(db, first, _line(db, first))
    assert _line(db, first).reserved_quantity == 7
    with pytest.raises(InsufficientStock) as refused:
        orders.reserve_line(db, second, _line(db, second), 4)
    assert refused.value.rule == "reserve.above_free_stock"
    orders.reserve_line(db, second, _line(db, second), 3)
    assert products.free_stock(db, sales.product.id, sales.warehouse.id) == 0
    # "Reserve all" takes only what is free.
    third = create_order(db, sales, qty=2)
    assert orders.reserve_order(db, third) == {_line(db, third).id: Decimal(0)}


def test_reserve_never_exceeds_the_line(db: Session, sales: Sales):
    order = create_order(db, sales, qty=2)
    with pytest.raises(ValidationFailed) as refused:
        orders.reserve_line(db, order, _line(db, order), 3)
    assert refused.value.rule == "reserve.above_line"


def test_stock_cannot_drop_below_reserves(db: Session, sales: Sales):
    order = create_order(db, sales, qty=6)
    orders.reserve_line(db, order, _line(db, order))
    with pytest.raises(InsufficientStock):
        products.set_stock(
            db, product_id=sales.product.id, warehouse_id=sales.warehouse.id, quantity_on_hand=5
        )
    products.set_stock(db, product_id=sales.product.id, warehouse_id=sales.warehouse.id, delta=-4)
    assert products.on_hand(db, sales.product.id, sales.warehouse.id) == 6


def test_move_reserve_between_orders_writes_the_adjustment(db: Session, sales: Sales):
    source = create_order(db, sales, qty=6)
    target = create_order(db, sales, qty=5)
    orders.reserve_line(db, source, _line(db, source))
    orders.reserve_line(db, target, _line(db, target), 4)
    with pytest.raises(ValidationFailed) as refused:
        orders.move_reserve(db, _line(db, source), _line(db, target), 2)
    assert refused.value.rule == "reserve.above_line"
    adjustment = orders.move_reserve(db, _line(db, source), _line(db, target), 1)
    assert (_line(db, source).reserved_quantity, _line(db, target).reserved_quantity) == (5, 5)
    assert (adjustment.from_order_line_id, adjustment.to_order_line_id) == (
        _line(db, source).id,
        _line(db, target).id,
    )
    with pytest.raises(ValidationFailed):
        orders.move_reserve(db, _line(db, target), _line(db, source), 6)


def test_move_reserve_needs_same_product_and_warehouse(db: Session, sales: Sales):
    other = create_sales(db)
    source = create_order(db, sales, qty=1)
    target = create_order(db, other, qty=1)
    orders.reserve_line(db, source, _line(db, source))
    with pytest.raises(ValidationFailed) as refused:
        orders.move_reserve(db, _line(db, source), _line(db, target), 1)
    assert refused.value.rule == "reserve.move_other_goods"


def test_smaller_quantity_and_release_free_the_excess(db: Session, sales: Sales):
    order = create_order(db, sales, qty=5)
    orders.reserve_line(db, order, _line(db, order))
    orders.update_line(db, order, _line(db, order), {"quantity": Decimal(3)})
    assert _line(db, order).reserved_quantity == 3
    orders.release_reserve(db, order, _line(db, order), 1)
    assert _line(db, order).reserved_quantity == 2
    with pytest.raises(ValidationFailed):
        orders.release_reserve(db, order, _line(db, order), 3)
    released = db.scalars(
        select(ReserveAdjustment).where(ReserveAdjustment.to_order_line_id.is_(None))
    ).all()
    assert sorted(a.quantity for a in released) == [1, 2]


def test_cancel_releases_reserves(db: Session, sales: Sales):
    order = create_order(db, sales, qty=8)
    orders.reserve_line(db, order, _line(db, order))
    orders.cancel_order(db, order)
    assert order.status == "cancelled"
    assert _line(db, order).reserved_quantity == 0
    assert products.free_stock(db, sales.product.id, sales.warehouse.id) == 10


def test_shipments_respect_ordered_quantity_and_stock(db: Session, sales: Sales):
    order = _to_ship(db, create_order(db, sales, qty=4))
    line = _line(db, order)
    orders.reserve_line(db, order, line, 3)
    with pytest.raises(ValidationFailed) as refused:
        orders.record_shipment(db, order, [{"order_line_id": line.id, "quantity": 5}])
    assert refused.value.rule == "shipment.above_ordered"
    shipment = orders.record_shipment(db, order, [{"order_line_id": line.id, "quantity": 3}])
    assert (shipment.amount, shipment.cost_amount) == (Decimal("270.00"), Decimal("180.00"))
    line = _line(db, order)
    assert (line.shipped_quantity, line.reserved_quantity) == (3, 0)
    assert products.on_hand(db, sales.product.id, sales.warehouse.id) == 7
    assert order.status == "to_ship"
    with pytest.raises(ValidationFailed):
        orders.record_shipment(db, order, [{"order_line_id": line.id, "quantity": 2}])
    orders.record_shipment(db, order, [{"order_line_id": line.id, "quantity": 1}])
    assert order.status == "shipped"
    with pytest.raises(TransitionNotAllowed):
        orders.cancel_order(db, order)


def test_shipping_never_takes_goods_reserved_for_another_order(db: Session):
    sales = create_sales(db, stock=5)
    other = create_order(db, sales, qty=4)
    orders.reserve_line(db, other, _line(db, other))
    order = _to_ship(db, create_order(db, sales, qty=3))
    with pytest.raises(InsufficientStock) as refused:
        orders.record_shipment(db, order, [{"order_line_id": _line(db, order).id, "quantity": 2}])
    assert refused.value.rule == "shipment.above_stock"


def test_debt_with_partial_payments_and_close(db: Session, sales: Sales):
    order = _to_ship(db, create_order(db, sales, qty=3))  # 270.00
    line = _line(db, order)
    orders.record_payment(db, order, Decimal("100.00"))  # an advance before shipment
    assert orders.order_totals(db, order).debt == Decimal("-100.00")
    orders.record_shipment(db, order, [{"order_line_id": line.id, "quantity": 1}])
    assert orders.order_totals(db, order).debt == Decimal("-10.00")
    orders.record_shipment(db, order, [{"order_line_id": line.id, "quantity": 2}])
    assert orders.order_totals(db, order).debt == Decimal("170.00")
    with pytest.raises(TransitionNotAllowed) as refused:
        orders.close_order(db, order)
    assert refused.value.rule == "order.not_paid"
    orders.record_payment(db, order, Decimal("69.99"))
    with pytest.raises(ValidationFailed) as overpaid:
        orders.record_payment(db, order, Decimal("100.02"))
    assert overpaid.value.rule == "payment.above_order"
    orders.record_payment(db, order, Decimal("100.01"))
    debt = orders.partner_debt(db, sales.partner.id)
    assert (debt.shipped, debt.paid, debt.debt) == (Decimal("270"), Decimal("270"), 0)
    orders.close_order(db, order)
    assert order.status == "closed"


def test_partner_debt_sums_orders(db: Session, sales: Sales):
    first = _to_ship(db, create_order(db, sales, qty=1))
    second = _to_ship(db, create_order(db, sales, qty=2))
    orders.record_shipment(db, first, [{"order_line_id": _line(db, first).id, "quantity": 1}])
    orders.record_shipment(db, second, [{"order_line_id": _line(db, second).id, "quantity": 2}])
    orders.record_payment(db, second, Decimal("50"))
    assert orders.partner_debt(db, sales.partner.id).debt == Decimal("220.00")


def test_payment_schedule_edit_must_match_the_total(db: Session, sales: Sales):
    order = create_order(db, sales, qty=1)  # 90.00
    orders.submit_order(db, order)
    with pytest.raises(ValidationFailed) as refused:
        orders.replace_payment_schedule(
            db, order, [{"due_date": dt.date(2030, 1, 1), "kind": "credit", "amount": 80}]
        )
    assert refused.value.rule == "payment_schedule.sum_mismatch"
    orders.replace_payment_schedule(
        db,
        order,
        [
            {"due_date": dt.date(2030, 1, 1), "kind": "credit", "amount": 40},
            {"due_date": dt.date(2030, 2, 1), "kind": "credit", "amount": 50},
        ],
    )
    assert [i.amount for i in orders.payment_schedule(db, order.id)] == [40, 50]


def test_stale_version_is_refused(db: Session, sales: Sales):
    order = create_order(db, sales)
    with pytest.raises(StaleVersion):
        orders.update_order(db, order, {"comment": "x"}, expected_version=order.version + 1)
    with pytest.raises(TransitionNotAllowed):
        orders.delete_order(db, _to_ship(db, order))


def test_concurrent_reserves_never_oversell(engine: Engine, db: Session):
    """Two sessions reserve the last units at once: the second waits for the first's lock
    (row lock on PostgreSQL, write lock on SQLite) and then sees the first's reserve."""
    sales = create_sales(db, stock=5)
    first = create_order(db, sales, qty=4)
    second = create_order(db, sales, qty=4)
    ids = [(first.id, _line(db, first).id), (second.id, _line(db, second).id)]
    db.commit()
    a, b = Session(engine), Session(engine)
    outcome: dict[str, object] = {}
    try:
        order_a = a.get(CustomerOrder, ids[0][0])
        orders.reserve_line(a, order_a, orders.get_line(a, order_a, ids[0][1]), 4)

        def competitor() -> None:
            order_b = b.get(CustomerOrder, ids[1][0])
            try:
                orders.reserve_line(b, order_b, orders.get_line(b, order_b, ids[1][1]), 4)
                b.commit()
                outcome["b"] = "reserved"
            except InsufficientStock:
                b.rollback()
                outcome["b"] = "refused"

        thread = threading.Thread(target=competitor)
        thread.start()
        thread.join(0.3)  # b is now blocked on a's lock (or has not got that far)
        a.commit()
        thread.join(10)
        assert outcome["b"] == "refused"
    finally:
        a.close()
        b.close()
    db.expire_all()
    assert products.free_stock(db, sales.product.id, sales.warehouse.id) == 1
