"""domain.intercompany (issue 22): how a shipment moves ownership in the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import IntercompanyDocument
from operational_app.domain import intercompany, orders, organizations, products
from tests.operational_app.utils.factories import create_random_partner, legal_entity_inn

AT = dt.datetime(2026, 3, 2, 10)


def _org(db: Session, name: str) -> int:
    values = {"name": name, "inn": legal_entity_inn(), "kpp": "770101001"}
    return organizations.create_organization(db, values).id


def _ship(db: Session, organization_id: int | None, product_id: int, warehouse_id: int, qty: int):
    partner = create_random_partner(db)
    order = orders.create_order(
        db,
        partner_id=partner.id,
        organization_id=organization_id,
        lines=[
            {
                "product_id": product_id,
                "warehouse_id": warehouse_id,
                "quantity": Decimal(qty),
                "price": Decimal(10),
            }
        ],
    )
    orders.submit_order(db, order)
    orders.release_to_shipping(db, order)
    line = orders.order_lines(db, order.id)[0]
    return orders.record_shipment(
        db, order, [{"order_line_id": line.id, "quantity": Decimal(qty)}], shipped_at=AT
    )


def _owned(db: Session, org: int, product: int, warehouse: int) -> Decimal:
    return intercompany.owned_quantity(db, org, product, warehouse_id=warehouse)


def test_shipment_takes_the_sellers_goods_first_then_the_largest_owner(db: Session):
    a, b, c = _org(db, "А"), _org(db, "Б"), _org(db, "В")
    item = products.create_product(db, sku="IC-1", name="Товар", base_price=10, cost_price=5)
    w = products.create_warehouse(db, name="Склад IC").id
    for org, qty in ((a, 3), (b, 10), (c, 6)):
        intercompany.receive_stock(
            db, organization_id=org, warehouse_id=w, product_id=item.id, quantity_received=qty
        )
    _ship(db, a, item.id, w, 15)  # 3 own, 10 from Б, 2 from В
    assert [_owned(db, org, item.id, w) for org in (a, b, c)] == [0, 0, 4]
    transfers = db.scalars(select(IntercompanyDocument).order_by(IntercompanyDocument.id)).all()
    assert [(d.sender_organization_id, d.total_amount) for d in transfers] == [
        (b, Decimal("55.00")),  # 10 × 5.50 (cost + 10 %)
        (c, Decimal("11.00")),
    ]
    assert all(d.is_automatic and d.receiver_organization_id == a for d in transfers)


def test_order_without_organization_and_goods_outside_the_ledger(db: Session):
    a = _org(db, "А")
    item = products.create_product(db, sku="IC-2", name="Товар 2", base_price=10, cost_price=5)
    w = products.create_warehouse(db, name="Склад IC 2").id
    products.set_stock(db, product_id=item.id, warehouse_id=w, quantity_on_hand=20)
    intercompany.receive_stock(
        db, organization_id=a, warehouse_id=w, product_id=item.id, quantity_received=5
    )
    # No organization on the order: the owners' goods leave as they are, no transfer.
    _ship(db, None, item.id, w, 3)
    assert _owned(db, a, item.id, w) == 2
    # More than the ledger knows: the rest is stock counted before ownership was recorded.
    other = _org(db, "Б")
    _ship(db, other, item.id, w, 10)
    assert _owned(db, a, item.id, w) == 0 and _owned(db, other, item.id, w) == 0
    assert db.scalar(select(func.count()).select_from(IntercompanyDocument)) == 1
    assert intercompany.stock_positions(db) == []


def test_deleting_a_handover_brings_the_goods_back_to_the_warehouse(db: Session):
    a = _org(db, "А")
    commissioner = create_random_partner(db)
    item = products.create_product(db, sku="IC-3", name="Товар 3", base_price=10, cost_price=5)
    w = products.create_warehouse(db, name="Склад IC 3").id
    intercompany.receive_stock(
        db, organization_id=a, warehouse_id=w, product_id=item.id, quantity_received=8
    )
    handed = intercompany.create_commission_document(
        db,
        kind="to_commissioner",
        organization_id=a,
        partner_id=commissioner.id,
        warehouse_id=w,
        lines=[{"product_id": item.id, "quantity": 5}],
    )
    assert products.on_hand(db, item.id, w) == 3
    intercompany.delete_commission_document(db, handed)
    assert products.on_hand(db, item.id, w) == 8
    assert _owned(db, a, item.id, w) == 8
    assert intercompany.owned_quantity(db, a, item.id, commissioner_id=commissioner.id) == 0
