"""Sales fixtures: a product in stock, a warehouse, an agreement, written through the domain."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from operational_app.db.models import Agreement, Partner, Product, Warehouse
from operational_app.domain import agreements, orders, products
from tests.operational_app.utils.factories import create_random_partner

_serial = itertools.count(1)


@dataclass
class Sales:
    partner: Partner
    product: Product
    warehouse: Warehouse
    agreement: Agreement


def create_sales(db: Session, *, stock: int = 10, **agreement_fields: Any) -> Sales:
    """Product at 100.00 (cost 60.00) with `stock` units; a typical agreement from 2020:
    10% discount, manual discounts up to 5%, 30% prepayment, 14 days deferral."""
    number = next(_serial)
    partner = create_random_partner(db)
    product = products.create_product(
        db, sku=f"SKU-{number}", name=f"Товар {number}", base_price=100, cost_price=60
    )
    warehouse = products.create_warehouse(db, name=f"Склад {number}")
    if stock:
        products.set_stock(
            db, product_id=product.id, warehouse_id=warehouse.id, quantity_on_hand=stock
        )
    fields = {
        "name": f"Соглашение {number}",
        "valid_from": dt.date(2020, 1, 1),
        "discount_percent": 10,
        "max_manual_discount_percent": 5,
        "prepayment_share": 30,
        "deferral_days": 14,
        **agreement_fields,
    }
    agreement = agreements.create_agreement(db, **fields)
    db.commit()
    return Sales(partner=partner, product=product, warehouse=warehouse, agreement=agreement)


def create_order(
    db: Session, sales: Sales, *, qty: int | str = 4, discount: int | str = 0, **fields: Any
):
    order = orders.create_order(
        db,
        partner_id=fields.pop("partner_id", sales.partner.id),
        agreement_id=sales.agreement.id,
        lines=[
            {
                "product_id": sales.product.id,
                "warehouse_id": sales.warehouse.id,
                "quantity": Decimal(str(qty)),
                "discount_percent": Decimal(str(discount)),
            }
        ],
        **fields,
    )
    db.commit()
    return order
