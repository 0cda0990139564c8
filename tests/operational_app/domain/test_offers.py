"""Коммерческие предложения: agreement pricing, statuses, expiry, acceptance into an order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from operational_app.domain import offers, orders
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed
from tests.operational_app.utils.factories import Classifiers, create_random_deal
from tests.operational_app.utils.sales import Sales, create_sales

TODAY = dt.datetime(2025, 5, 10, 12)


@pytest.fixture
def sales(db: Session) -> Sales:
    return create_sales(db)


def _offer(db: Session, sales: Sales, **fields):
    fields.setdefault(
        "lines",
        [
            {
                "product_id": sales.product.id,
                "quantity": Decimal(3),
                "discount_percent": Decimal(8),
                "price_adjustment": Decimal("-1.50"),
            }
        ],
    )
    offer = offers.create_offer(
        db, partner_id=sales.partner.id, agreement_id=sales.agreement.id, now=TODAY, **fields
    )
    db.commit()
    return offer


def test_prices_and_amounts(db: Session, sales: Sales):
    offer = _offer(db, sales)
    [line] = offers.offer_lines(db, offer.id)
    assert line.price == Decimal("90.00")
    assert line.amount == Decimal("244.26")  # 3 × 88.50 × 0.92
    assert offer.total_amount == Decimal("244.26")
    with pytest.raises(ValidationFailed) as refused:
        offers.update_line(db, offer, line, {"price_adjustment": Decimal("-91")})
    assert refused.value.rule == "offer_line.negative_price"


def test_accept_creates_the_order_in_one_go(db: Session, sales: Sales, classifiers: Classifiers):
    deal = create_random_deal(db, classifiers, partner_id=sales.partner.id)
    offer = _offer(db, sales, deal_id=deal.id, valid_until=dt.date(2025, 5, 31))
    offers.send_offer(db, offer, now=TODAY)
    order = offers.accept_offer(db, offer, warehouse_id=sales.warehouse.id, now=TODAY)
    assert offer.status == "accepted"
    assert (order.commercial_offer_id, order.deal_id, order.agreement_id) == (
        offer.id,
        deal.id,
        sales.agreement.id,
    )
    [line] = orders.order_lines(db, order.id)
    assert (line.price, line.discount_percent, line.warehouse_id) == (
        Decimal("88.50"),
        Decimal("8.00"),
        sales.warehouse.id,
    )
    assert order.total_amount == offer.total_amount
    # 8 % is above the agreement's 5 % limit: the order needs a manager's approval.
    assert order.requires_approval is True


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", offers.accept_offer),
        ("draft", offers.reject_offer),
        ("accepted", offers.send_offer),
        ("rejected", offers.accept_offer),
        ("expired", offers.accept_offer),
    ],
)
def test_forbidden_transitions(db: Session, sales: Sales, status: str, action):
    offer = _offer(db, sales)
    offer.status = status
    with pytest.raises(TransitionNotAllowed):
        action(db, offer, now=TODAY)


def test_expiry(db: Session, sales: Sales):
    offer = _offer(db, sales, valid_until=dt.date(2025, 5, 9))
    fresh = _offer(db, sales, valid_until=dt.date(2025, 5, 10))
    with pytest.raises(TransitionNotAllowed) as refused:
        offers.send_offer(db, offer, now=TODAY)
    assert refused.value.rule == "offer.overdue"
    with pytest.raises(TransitionNotAllowed) as refused:
        offers.expire_offer(db, fresh, now=TODAY)
    assert refused.value.rule == "offer.not_overdue"
    offers.send_offer(db, fresh, now=TODAY)
    with pytest.raises(TransitionNotAllowed):
        offers.accept_offer(db, fresh, now=TODAY + dt.timedelta(days=1))
    expired = offers.expire_overdue(db, now=TODAY + dt.timedelta(days=1))
    assert {o.id for o in expired} == {offer.id, fresh.id}
    assert fresh.status == offer.status == "expired"


def test_lines_change_only_in_draft(db: Session, sales: Sales):
    offer = _offer(db, sales)
    offers.send_offer(db, offer, now=TODAY)
    with pytest.raises(TransitionNotAllowed):
        offers.add_line(db, offer, {"product_id": sales.product.id, "quantity": 1})
    with pytest.raises(TransitionNotAllowed):
        offers.delete_offer(db, offer)


def test_offer_needs_lines_to_be_sent(db: Session, sales: Sales):
    offer = _offer(db, sales, lines=[])
    with pytest.raises(ValidationFailed):
        offers.send_offer(db, offer, now=TODAY)
