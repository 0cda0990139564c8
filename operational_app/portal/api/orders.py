"""Portal API: orders (issue 19), under /api/portal. Every query goes through PortalScope
(operational_app.portal.settlements reads the orders; the pages show the same figures)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from operational_app.api.deps import IdPath, SessionDep
from operational_app.api.schemas import Documented, UtcTimestamp
from operational_app.db.models import ORDER_STATUSES
from operational_app.portal import settlements
from operational_app.portal.deps import CurrentCustomer
from operational_app.web.formatting import settings_zone

router = APIRouter(tags=["portal"])

OrderStatus = Literal[ORDER_STATUSES]  # type: ignore[valid-type]
ReportDay = Annotated[dt.date | None, Query(description="YYYY-MM-DD; default: today")]


class PositionOut(Documented):
    shipped: Decimal
    returned: Decimal
    paid: Decimal
    balance: Decimal


class OrderSummary(Documented):
    id: int
    number: str
    status: str
    ordered_at: UtcTimestamp
    planned_shipment_date: dt.date | None
    total_amount: Decimal
    position: PositionOut


class OrderPage(Documented):
    items: list[OrderSummary]
    total: int
    offset: int
    limit: int


class LineOut(Documented):
    id: int
    line_number: int
    product_id: int
    product_name: str
    quantity: Decimal
    reserved_quantity: Decimal
    shipped_quantity: Decimal
    returned_quantity: Decimal
    price: Decimal
    discount_percent: Decimal
    amount: Decimal
    paid_amount: Decimal
    shipment_dates: list[dt.date]


class ShipmentLineOut(Documented):
    order_line_number: int | None
    product_name: str
    quantity: Decimal
    amount: Decimal


class ShipmentOut(Documented):
    id: int
    number: str
    date: dt.date
    amount: Decimal
    lines: list[ShipmentLineOut]


class ScheduleItemOut(Documented):
    id: int
    due_date: dt.date
    kind: str
    amount: Decimal
    paid_amount: Decimal
    outstanding_amount: Decimal
    settled_on: dt.date | None
    days_overdue: int
    status: str


class DocumentOut(Documented):
    id: int
    number: str
    date: dt.date
    amount: Decimal


class OrderDetailOut(OrderSummary):
    organization_name: str | None
    counterparty_name: str | None
    comment: str | None
    as_of: dt.date
    shipment_dates: list[dt.date]
    is_shipped_on_time: bool | None
    lines: list[LineOut]
    shipments: list[ShipmentOut]
    schedule: list[ScheduleItemOut]
    payments: list[DocumentOut]
    returns: list[DocumentOut]


def position_out(position: settlements.Position) -> PositionOut:
    return PositionOut(
        shipped=position.shipped,
        returned=position.returned,
        paid=position.paid,
        balance=position.balance,
    )


def _summary(order, position: settlements.Position) -> dict:
    return {
        "id": order.id,
        "number": order.number,
        "status": order.status,
        "ordered_at": order.ordered_at,
        "planned_shipment_date": order.planned_shipment_date,
        "total_amount": settlements.money(order.total_amount),
        "position": position_out(position),
    }


def report_day(request: Request, value: dt.date | None) -> dt.date:
    """The day asked for, else today where the app runs (CRM_AS_OF when set)."""
    settings = request.app.state.settings
    if value is not None:
        return settlements.check_day(value)
    return settlements.today(settings_zone(settings), settings.as_of)


@router.get("/orders", response_model=OrderPage)
def list_orders(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    status: OrderStatus | None = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = settlements.PAGE_SIZE,
) -> OrderPage:
    """List the customer's orders (Заказы клиента) with each one's settlement position, newest
    first.

    Filter by `status`; `limit` (at most 100) and `offset` page. `position` is shipped, returned,
    paid and the balance (shipped − returned − paid; positive is debt) per order. Only the
    signed-in customer's orders."""
    rows, total = settlements.list_orders(
        session,
        customer.scope,
        settings_zone(request.app.state.settings),
        status=status,
        offset=offset,
        limit=limit,
    )
    return OrderPage(
        items=[OrderSummary(**_summary(row.order, row.position)) for row in rows],
        total=total,
        offset=offset,
        limit=limit,
    )


def detail_out(detail: settlements.OrderDetail) -> OrderDetailOut:
    order = detail.order
    return OrderDetailOut(
        **_summary(order, detail.position),
        organization_name=detail.organization_name,
        counterparty_name=detail.counterparty_name,
        comment=order.comment,
        as_of=detail.as_of,
        shipment_dates=detail.shipment_days,
        is_shipped_on_time=detail.is_shipped_on_time,
        lines=[
            LineOut(
                id=item.line.id,
                line_number=item.line.line_number,
                product_id=item.line.product_id,
                product_name=item.product_name,
                quantity=item.line.quantity,
                reserved_quantity=item.line.reserved_quantity,
                shipped_quantity=item.line.shipped_quantity,
                returned_quantity=item.returned_quantity,
                price=item.line.price,
                discount_percent=item.line.discount_percent,
                amount=settlements.money(item.line.amount),
                paid_amount=item.paid,
                shipment_dates=item.shipment_days,
            )
            for item in detail.lines
        ],
        shipments=[
            ShipmentOut(
                id=view.shipment.id,
                number=view.shipment.number,
                date=view.day,
                amount=settlements.money(view.shipment.amount),
                lines=[ShipmentLineOut(**vars(line)) for line in view.lines],
            )
            for view in detail.shipments
        ],
        schedule=[
            ScheduleItemOut(
                id=state.item_id,
                due_date=state.due_date,
                kind=state.kind,
                amount=state.amount,
                paid_amount=state.paid,
                outstanding_amount=state.outstanding,
                settled_on=state.settled_on,
                days_overdue=state.days_overdue,
                status=state.status,
            )
            for state in detail.schedule
        ],
        payments=[
            DocumentOut(id=m.document_id, number=m.number, date=m.day, amount=m.amount)
            for m in detail.payments
        ],
        returns=[
            DocumentOut(id=m.document_id, number=m.number, date=m.day, amount=m.amount)
            for m in detail.returns
        ],
    )


@router.get("/orders/{order_id}", response_model=OrderDetailOut)
def get_order(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    order_id: IdPath,
    as_of: ReportDay = None,
) -> OrderDetailOut:
    """Read one of the customer's orders: lines, shipments, payment schedule, payments and returns.

    `as_of` (default today, CRM_AS_OF in demos) is the day the payment schedule's overdue figures
    are computed for; payments cover schedule items first in, first out. Another partner's order is
    404, as a missing one."""
    detail = settlements.order_detail(
        session,
        customer.scope,
        order_id,
        as_of=report_day(request, as_of),
        zone=settings_zone(request.app.state.settings),
    )
    return detail_out(detail)
