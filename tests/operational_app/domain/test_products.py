"""Номенклатура, склады, соглашения: the entry rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from operational_app.domain import agreements, products, sales_queries
from operational_app.domain.errors import StaleVersion, TransitionNotAllowed, ValidationFailed
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.sales import create_order, create_sales


def test_product_rules(db: Session):
    product = products.create_product(db, sku="A-1", name="Вино", base_price=Decimal("10.5"))
    with pytest.raises(ValidationFailed) as refused:
        products.create_product(db, sku="A-1", name="Другое")
    assert refused.value.rule == "product.sku_taken"
    with pytest.raises(ValidationFailed):
        products.update_product(db, product, {"base_price": Decimal(-1)})
    with pytest.raises(StaleVersion):
        products.update_product(db, product, {"name": "x"}, expected_version=99)


def test_product_on_open_order_cannot_be_deleted(db: Session):
    sales = create_sales(db)
    create_order(db, sales)
    with pytest.raises(TransitionNotAllowed):
        products.delete_product(db, sales.product)
    with pytest.raises(TransitionNotAllowed):
        products.delete_warehouse(db, sales.warehouse)


def test_stock_rows_show_reserved_and_free(db: Session):
    sales = create_sales(db, stock=10)
    from operational_app.domain import orders

    order = create_order(db, sales, qty=4)
    orders.reserve_order(db, order)
    [row] = sales_queries.list_stock(db, product_id=sales.product.id).items
    assert (row.level.quantity_on_hand, row.reserved, row.free) == (10, 4, 6)


def test_agreement_kinds_and_validity(db: Session):
    partner = create_random_partner(db)
    with pytest.raises(ValidationFailed) as refused:
        agreements.create_agreement(
            db, name="Инд.", kind="individual", valid_from=dt.date(2025, 1, 1)
        )
    assert refused.value.rule == "agreement.individual_needs_partner"
    with pytest.raises(ValidationFailed) as refused:
        agreements.create_agreement(
            db, name="Тип.", partner_id=partner.id, valid_from=dt.date(2025, 1, 1)
        )
    assert refused.value.rule == "agreement.typical_has_no_partner"
    with pytest.raises(ValidationFailed) as refused:
        agreements.create_agreement(
            db, name="Тип.", valid_from=dt.date(2025, 1, 2), valid_to=dt.date(2025, 1, 1)
        )
    assert refused.value.rule == "agreement.validity_order"
    agreement = agreements.create_agreement(
        db, name="Инд.", kind="individual", partner_id=partner.id, valid_from=dt.date(2025, 1, 1)
    )
    assert agreement.number.startswith("СГ-")
    agreements.update_agreement(db, agreement, {"kind": "typical"})
    assert agreement.partner_id is None
    found = sales_queries.list_agreements(db, valid_on=dt.date(2024, 12, 31)).items
    assert agreement not in found


def test_list_sorting(db: Session):
    for sku, price in (("B", 3), ("A", 5), ("C", 1)):
        products.create_product(db, sku=sku, name=f"Товар {sku}", base_price=price)
    assert [p.sku for p in sales_queries.list_products(db, sort="-base_price").items] == [
        "A",
        "B",
        "C",
    ]
    assert [p.sku for p in sales_queries.list_products(db, sort="sku").items] == ["A", "B", "C"]
    # An unknown sort falls back to the default (by name).
    assert len(sales_queries.list_products(db, sort="password").items) == 3
