"""Read-side queries of the sales documents: lists with filters, sorting and paging.

`sort` is a column name from the entity's whitelist, `-name` for descending; anything else
falls back to the default order (so a junk query string never fails).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    Agreement,
    CommercialOffer,
    CustomerOrder,
    Product,
    StockLevel,
    Warehouse,
)
from operational_app.domain.products import OPEN_ORDER_STATUSES, reserved_total
from operational_app.domain.queries import Page, _page

PRODUCT_SORTS = ("sku", "name", "base_price", "cost_price", "created_at")
WAREHOUSE_SORTS = ("name", "created_at")
AGREEMENT_SORTS = ("number", "name", "valid_from", "valid_to", "discount_percent", "created_at")
OFFER_SORTS = ("number", "status", "valid_until", "total_amount", "created_at")
ORDER_SORTS = (
    "number",
    "status",
    "ordered_at",
    "total_amount",
    "planned_shipment_date",
    "created_at",
)


def _order_by(model: Any, sort: str | None, allowed: tuple[str, ...], default: tuple) -> tuple:
    if sort:
        name = sort.lstrip("-")
        if name in allowed:
            column = getattr(model, name)
            return (column.desc() if sort.startswith("-") else column.asc(), model.id)
    return default


def _search(query: Select[Any], q: str | None, *columns: Any) -> Select[Any]:
    if q and q.strip():
        text = q.strip()
        condition = columns[0].icontains(text, autoescape=True)
        for column in columns[1:]:
            condition = condition | column.icontains(text, autoescape=True)
        query = query.where(condition)
    return query


def list_products(
    session: Session,
    *,
    q: str | None = None,
    gis_system: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Product]:
    query = _search(
        select(Product).where(Product.deleted_at.is_(None)), q, Product.name, Product.sku
    )
    if gis_system:
        query = query.where(Product.gis_system == gis_system)
    order = _order_by(Product, sort, PRODUCT_SORTS, (Product.name, Product.id))
    return _page(session, query, order, limit, offset)


def list_warehouses(
    session: Session,
    *,
    q: str | None = None,
    business_region_id: int | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Warehouse]:
    query = _search(select(Warehouse).where(Warehouse.deleted_at.is_(None)), q, Warehouse.name)
    if business_region_id is not None:
        query = query.where(Warehouse.business_region_id == business_region_id)
    order = _order_by(Warehouse, sort, WAREHOUSE_SORTS, (Warehouse.name, Warehouse.id))
    return _page(session, query, order, limit, offset)


@dataclass(frozen=True)
class StockRow:
    level: StockLevel
    product: Product
    warehouse: Warehouse
    reserved: Decimal

    @property
    def free(self) -> Decimal:
        return Decimal(self.level.quantity_on_hand) - self.reserved


def list_stock(
    session: Session,
    *,
    product_id: int | None = None,
    warehouse_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[StockRow]:
    query = (
        select(StockLevel)
        .join(Product, Product.id == StockLevel.product_id)
        .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(
            StockLevel.deleted_at.is_(None),
            Product.deleted_at.is_(None),
            Warehouse.deleted_at.is_(None),
        )
    )
    if product_id is not None:
        query = query.where(StockLevel.product_id == product_id)
    if warehouse_id is not None:
        query = query.where(StockLevel.warehouse_id == warehouse_id)
    page = _page(session, query, (Product.name, Warehouse.name, StockLevel.id), limit, offset)
    rows = [
        StockRow(
            level=level,
            product=session.get(Product, level.product_id),
            warehouse=session.get(Warehouse, level.warehouse_id),
            reserved=reserved_total(session, level.product_id, level.warehouse_id),
        )
        for level in page.items
    ]
    return Page(items=rows, total=page.total)


def list_agreements(
    session: Session,
    *,
    q: str | None = None,
    kind: str | None = None,
    partner_id: int | None = None,
    valid_on: dt.date | None = None,
    available_to_partner: int | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Agreement]:
    """`available_to_partner`: the partner's own individual agreements and all typical ones."""
    query = _search(
        select(Agreement).where(Agreement.deleted_at.is_(None)), q, Agreement.name, Agreement.number
    )
    if kind:
        query = query.where(Agreement.kind == kind)
    if partner_id is not None:
        query = query.where(Agreement.partner_id == partner_id)
    if available_to_partner is not None:
        query = query.where(
            (Agreement.kind == "typical") | (Agreement.partner_id == available_to_partner)
        )
    if valid_on is not None:
        query = query.where(
            Agreement.valid_from <= valid_on,
            Agreement.valid_to.is_(None) | (Agreement.valid_to >= valid_on),
        )
    order = _order_by(
        Agreement, sort, AGREEMENT_SORTS, (Agreement.valid_from.desc(), Agreement.id.desc())
    )
    return _page(session, query, order, limit, offset)


def list_offers(
    session: Session,
    *,
    q: str | None = None,
    status: str | None = None,
    partner_id: int | None = None,
    deal_id: int | None = None,
    agreement_id: int | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[CommercialOffer]:
    query = _search(
        select(CommercialOffer).where(CommercialOffer.deleted_at.is_(None)),
        q,
        CommercialOffer.number,
        CommercialOffer.comment,
    )
    if status:
        query = query.where(CommercialOffer.status == status)
    if partner_id is not None:
        query = query.where(CommercialOffer.partner_id == partner_id)
    if deal_id is not None:
        query = query.where(CommercialOffer.deal_id == deal_id)
    if agreement_id is not None:
        query = query.where(CommercialOffer.agreement_id == agreement_id)
    order = _order_by(
        CommercialOffer,
        sort,
        OFFER_SORTS,
        (CommercialOffer.created_at.desc(), CommercialOffer.id.desc()),
    )
    return _page(session, query, order, limit, offset)


def list_orders(
    session: Session,
    *,
    q: str | None = None,
    status: str | None = None,
    open_only: bool = False,
    partner_id: int | None = None,
    deal_id: int | None = None,
    agreement_id: int | None = None,
    requires_approval: bool | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[CustomerOrder]:
    query = _search(
        select(CustomerOrder).where(CustomerOrder.deleted_at.is_(None)),
        q,
        CustomerOrder.number,
        CustomerOrder.comment,
    )
    if status:
        query = query.where(CustomerOrder.status == status)
    if open_only:
        query = query.where(CustomerOrder.status.in_(OPEN_ORDER_STATUSES))
    if partner_id is not None:
        query = query.where(CustomerOrder.partner_id == partner_id)
    if deal_id is not None:
        query = query.where(CustomerOrder.deal_id == deal_id)
    if agreement_id is not None:
        query = query.where(CustomerOrder.agreement_id == agreement_id)
    if requires_approval is not None:
        query = query.where(CustomerOrder.requires_approval.is_(requires_approval))
    order = _order_by(
        CustomerOrder, sort, ORDER_SORTS, (CustomerOrder.created_at.desc(), CustomerOrder.id.desc())
    )
    return _page(session, query, order, limit, offset)


def shipped_and_paid(session: Session, order_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Per order: (shipped amount net of received returns, paid amount), for list pages: their
    difference is the order's debt, as orders.OrderTotals.debt computes it."""
    from operational_app.db.models import Payment, ReturnRequest, Shipment

    result = {order_id: (Decimal(0), Decimal(0)) for order_id in order_ids}
    if not order_ids:
        return result
    for order_id, amount in session.execute(
        select(Shipment.customer_order_id, func.sum(Shipment.amount))
        .where(Shipment.customer_order_id.in_(order_ids), Shipment.deleted_at.is_(None))
        .group_by(Shipment.customer_order_id)
    ):
        result[order_id] = (Decimal(amount or 0), result[order_id][1])
    for order_id, amount in session.execute(
        select(Payment.customer_order_id, func.sum(Payment.amount))
        .where(Payment.customer_order_id.in_(order_ids), Payment.deleted_at.is_(None))
        .group_by(Payment.customer_order_id)
    ):
        result[order_id] = (result[order_id][0], Decimal(amount or 0))
    for order_id, amount in session.execute(
        select(ReturnRequest.customer_order_id, func.sum(ReturnRequest.total_amount))
        .where(
            ReturnRequest.customer_order_id.in_(order_ids),
            ReturnRequest.status == "received",
            ReturnRequest.deleted_at.is_(None),
        )
        .group_by(ReturnRequest.customer_order_id)
    ):
        shipped, paid = result[order_id]
        result[order_id] = (shipped - Decimal(amount or 0), paid)
    return result
