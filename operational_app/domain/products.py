"""Номенклатура, Склады and stock levels: what the reserves and orders draw on.

Free stock of a product at a warehouse = on hand − reserved by all open orders there. Every
service that changes on-hand or reserved quantities first takes `lock_stock`, a row lock on the
stock level (SELECT … FOR UPDATE on PostgreSQL, the database write lock on SQLite), so two
operators reserving the last units one after the other can never both succeed.

Services flush and leave the commit to the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from operational_app.db.models import (
    GIS_SYSTEMS,
    NET_UNITS,
    VAT_KINDS,
    BusinessRegion,
    CustomerOrder,
    CustomerOrderLine,
    Product,
    StockLevel,
    Warehouse,
    utc_now,
)
from operational_app.domain.common import clean_text, require_reference, require_text
from operational_app.domain.errors import (
    DomainError,
    TransitionNotAllowed,
    ValidationFailed,
    check_version,
)
from operational_app.domain.numbering import allocate_number

MAX_MONEY = Decimal("1e13")
MAX_QUANTITY = Decimal("1e12")
CENT = Decimal("0.01")
MILLI = Decimal("0.001")
# Orders whose line reserves hold goods: everything not yet finished or cancelled.
OPEN_ORDER_STATUSES = ("draft", "on_approval", "approved", "to_ship")
PRODUCT_FIELDS = (
    "sku",
    "name",
    "unit",
    "base_price",
    "cost_price",
    "gis_system",
    "vat_kind",
    "net_quantity",
    "net_unit",
)
MAX_NET_QUANTITY = Decimal("1e6")
WAREHOUSE_FIELDS = ("name", "business_region_id")


class InsufficientStock(DomainError):
    """More goods asked for than are free at the warehouse: a conflict with the stored state."""

    status_code = 409


def money(
    value: Decimal | int | float | str, field: str, *, allow_negative: bool = False
) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = Decimal("NaN")
    low = -MAX_MONEY if allow_negative else Decimal(0)
    if not amount.is_finite() or amount < low or amount >= MAX_MONEY:
        raise ValidationFailed(
            "money.range",
            f"{field} must be at least {low} and below 10 000 000 000 000.",
            field=field,
            params={"field": field},
        )
    return amount.quantize(CENT)


def quantity(
    value: Decimal | int | float | str, field: str = "quantity", *, zero: bool = False
) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or (amount == 0 and not zero) or amount >= MAX_QUANTITY:
        raise ValidationFailed(
            "quantity.range",
            f"{field} must be {'at least 0' if zero else 'above 0'} and below 10^12.",
            field=field,
            params={"field": field},
        )
    return amount.quantize(MILLI)


def percent(value: Decimal | int | float | str, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount > 100:
        raise ValidationFailed(
            "percent.range",
            f"{field} must be between 0 and 100.",
            field=field,
            params={"field": field},
        )
    return amount.quantize(CENT)


def next_number(session: Session, model: Any, prefix: str) -> str:
    """The next document number of `model`: a per-type counter (domain/numbering.py), safe
    under concurrent creators."""
    return allocate_number(session, model, prefix)


def soft_delete(entity: Any, expected_version: int | None, now: dt.datetime | None = None) -> None:
    check_version(entity, expected_version)
    now = now or utc_now()
    entity.deleted_at = now
    entity.updated_at = now


# Products


def _apply_product(session: Session, product: Product, values: Mapping[str, Any]) -> None:
    if "sku" in values:
        sku = require_text(values["sku"], "sku")
        taken = session.scalar(
            select(Product.id).where(Product.sku == sku, Product.id != (product.id or 0))
        )
        if taken is not None:
            raise ValidationFailed(
                "product.sku_taken", f"SKU {sku} is already used.", field="sku", params={"sku": sku}
            )
        product.sku = sku
    if "name" in values:
        product.name = require_text(values["name"], "name")
    if "unit" in values:
        product.unit = require_text(values["unit"], "unit")
    if "base_price" in values:
        product.base_price = money(values["base_price"], "base_price")
    if "cost_price" in values:
        product.cost_price = money(values["cost_price"], "cost_price")
    if "gis_system" in values:
        gis = clean_text(values["gis_system"])
        if gis is not None and gis not in GIS_SYSTEMS:
            raise ValidationFailed(
                "product.gis_unknown",
                f"GIS system must be one of {', '.join(GIS_SYSTEMS)}.",
                field="gis_system",
            )
        product.gis_system = gis
    if "vat_kind" in values:
        kind = clean_text(values["vat_kind"]) or "general"
        if kind not in VAT_KINDS:
            raise ValidationFailed(
                "product.vat_kind_unknown",
                f"VAT kind must be one of {', '.join(VAT_KINDS)}.",
                field="vat_kind",
            )
        product.vat_kind = kind
    if "net_quantity" in values:
        quantity = values["net_quantity"]
        if quantity is not None and not 0 < Decimal(quantity) < MAX_NET_QUANTITY:
            raise ValidationFailed(
                "product.net_quantity_range",
                "Net quantity must be positive (grams or millilitres).",
                field="net_quantity",
            )
        product.net_quantity = None if quantity is None else Decimal(quantity)
    if "net_unit" in values:
        unit = clean_text(values["net_unit"])
        if unit is not None and unit not in NET_UNITS:
            raise ValidationFailed(
                "product.net_unit_unknown",
                f"Net unit must be one of {', '.join(NET_UNITS)}.",
                field="net_unit",
            )
        product.net_unit = unit
    if (product.net_quantity is None) != (product.net_unit is None):
        raise ValidationFailed(
            "product.net_quantity_unit",
            "A net quantity needs its unit (g or ml), and a unit needs a quantity.",
            field="net_unit",
        )


def create_product(
    session: Session,
    *,
    sku: str,
    name: str,
    unit: str = "шт",
    base_price: Decimal | int = Decimal(0),
    cost_price: Decimal | int = Decimal(0),
    gis_system: str | None = None,
    vat_kind: str = "general",
    net_quantity: Decimal | None = None,
    net_unit: str | None = None,
) -> Product:
    product = Product()
    _apply_product(
        session,
        product,
        {
            "sku": sku,
            "name": name,
            "unit": unit,
            "base_price": base_price,
            "cost_price": cost_price,
            "gis_system": gis_system,
            "vat_kind": vat_kind,
            "net_quantity": net_quantity,
            "net_unit": net_unit,
        },
    )
    session.add(product)
    session.flush()
    return product


def update_product(
    session: Session,
    product: Product,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Product:
    check_version(product, expected_version)
    _apply_product(session, product, {k: v for k, v in changes.items() if k in PRODUCT_FIELDS})
    product.updated_at = utc_now()
    session.flush()
    return product


def delete_product(
    session: Session, product: Product, *, expected_version: int | None = None
) -> None:
    """A product still held by an open order or in stock stays: deleting it would orphan them."""
    busy = session.scalar(
        select(func.count())
        .select_from(CustomerOrderLine)
        .join(CustomerOrder, CustomerOrder.id == CustomerOrderLine.customer_order_id)
        .where(
            CustomerOrderLine.product_id == product.id,
            CustomerOrderLine.deleted_at.is_(None),
            CustomerOrder.deleted_at.is_(None),
            CustomerOrder.status.in_(OPEN_ORDER_STATUSES),
        )
    )
    if busy:
        raise TransitionNotAllowed(
            "product.in_use", "The product is on open orders; it cannot be deleted."
        )
    soft_delete(product, expected_version)
    session.flush()


# Warehouses


def _apply_warehouse(session: Session, warehouse: Warehouse, values: Mapping[str, Any]) -> None:
    if "name" in values:
        name = require_text(values["name"], "name")
        taken = session.scalar(
            select(Warehouse.id).where(Warehouse.name == name, Warehouse.id != (warehouse.id or 0))
        )
        if taken is not None:
            raise ValidationFailed(
                "warehouse.name_taken", f"Warehouse {name} already exists.", field="name"
            )
        warehouse.name = name
    if "business_region_id" in values:
        require_reference(
            session, BusinessRegion, values["business_region_id"], "business_region_id"
        )
        warehouse.business_region_id = values["business_region_id"]


def create_warehouse(
    session: Session, *, name: str, business_region_id: int | None = None
) -> Warehouse:
    warehouse = Warehouse()
    _apply_warehouse(session, warehouse, {"name": name, "business_region_id": business_region_id})
    session.add(warehouse)
    session.flush()
    return warehouse


def update_warehouse(
    session: Session,
    warehouse: Warehouse,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Warehouse:
    check_version(warehouse, expected_version)
    _apply_warehouse(
        session, warehouse, {k: v for k, v in changes.items() if k in WAREHOUSE_FIELDS}
    )
    warehouse.updated_at = utc_now()
    session.flush()
    return warehouse


def delete_warehouse(
    session: Session, warehouse: Warehouse, *, expected_version: int | None = None
) -> None:
    on_hand = session.scalar(
        select(func.coalesce(func.sum(StockLevel.quantity_on_hand), 0)).where(
            StockLevel.warehouse_id == warehouse.id, StockLevel.deleted_at.is_(None)
        )
    )
    if Decimal(on_hand or 0) > 0:
        raise TransitionNotAllowed(
            "warehouse.has_stock", "The warehouse still holds goods; it cannot be deleted."
        )
    soft_delete(warehouse, expected_version)
    session.flush()


# Stock


def lock_stock(session: Session, product_id: int, warehouse_id: int) -> StockLevel | None:
    """Serialise every change of the goods of one product at one warehouse.

    PostgreSQL: a row lock held to the end of the transaction. SQLite has no row locks; a no-op
    UPDATE takes the database write lock, so a second writer waits (busy_timeout) until the
    first commits and then reads the committed reserves.
    """
    condition = (StockLevel.product_id == product_id, StockLevel.warehouse_id == warehouse_id)
    if session.get_bind().dialect.name == "postgresql":
        return session.scalars(
            select(StockLevel)
            .where(*condition)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
    session.execute(
        update(StockLevel)
        .where(*condition)
        .values(quantity_on_hand=StockLevel.quantity_on_hand)
        .execution_options(synchronize_session=False)
    )
    return session.scalars(
        select(StockLevel).where(*condition).execution_options(populate_existing=True)
    ).first()


def reserved_total(
    session: Session, product_id: int, warehouse_id: int, *, exclude_line_id: int | None = None
) -> Decimal:
    query = (
        select(func.coalesce(func.sum(CustomerOrderLine.reserved_quantity), 0))
        .join(CustomerOrder, CustomerOrder.id == CustomerOrderLine.customer_order_id)
        .where(
            CustomerOrderLine.product_id == product_id,
            CustomerOrderLine.warehouse_id == warehouse_id,
            CustomerOrderLine.deleted_at.is_(None),
            CustomerOrder.deleted_at.is_(None),
            CustomerOrder.status.in_(OPEN_ORDER_STATUSES),
        )
    )
    if exclude_line_id is not None:
        query = query.where(CustomerOrderLine.id != exclude_line_id)
    session.flush()
    return Decimal(session.scalar(query) or 0)


def on_hand(session: Session, product_id: int, warehouse_id: int) -> Decimal:
    level = session.scalars(
        select(StockLevel).where(
            StockLevel.product_id == product_id,
            StockLevel.warehouse_id == warehouse_id,
            StockLevel.deleted_at.is_(None),
        )
    ).first()
    return Decimal(level.quantity_on_hand) if level is not None else Decimal(0)


def free_stock(session: Session, product_id: int, warehouse_id: int) -> Decimal:
    return on_hand(session, product_id, warehouse_id) - reserved_total(
        session, product_id, warehouse_id
    )


def set_stock(
    session: Session,
    *,
    product_id: int,
    warehouse_id: int,
    quantity_on_hand: Decimal | int | None = None,
    delta: Decimal | int | None = None,
    expected_version: int | None = None,
) -> StockLevel:
    """Set the on-hand quantity (an inventory count) or change it by `delta` (a receipt/write-off).

    On hand can never drop below what open orders have reserved there.
    """
    require_reference(session, Product, product_id, "product_id")
    require_reference(session, Warehouse, warehouse_id, "warehouse_id")
    if (quantity_on_hand is None) == (delta is None):
        raise ValidationFailed(
            "stock.one_of", "Give either quantity_on_hand or delta.", field="quantity_on_hand"
        )
    level = lock_stock(session, product_id, warehouse_id)
    if level is None:
        level = StockLevel(product_id=product_id, warehouse_id=warehouse_id, quantity_on_hand=0)
        session.add(level)
        session.flush()
    else:
        check_version(level, expected_version)
    current = Decimal(level.quantity_on_hand)
    if quantity_on_hand is not None:
        target = quantity(quantity_on_hand, "quantity_on_hand", zero=True)
    else:
        try:
            step = Decimal(str(delta))
        except ArithmeticError:
            step = Decimal("NaN")
        if not step.is_finite() or abs(step) >= MAX_QUANTITY:
            raise ValidationFailed("quantity.range", "delta is out of range.", field="delta")
        target = (current + step).quantize(MILLI)
    reserved = reserved_total(session, product_id, warehouse_id)
    if target < reserved or target < 0:
        raise InsufficientStock(
            "stock.below_reserved",
            f"On hand would be {target}, below the {reserved} reserved by open orders.",
            field="quantity_on_hand" if quantity_on_hand is not None else "delta",
            params={"target": str(target), "reserved": str(reserved)},
        )
    level.quantity_on_hand = target
    level.updated_at = utc_now()
    session.flush()
    return level
