"""Заявки на возврат товаров от клиента (issue 19): registration, decisions, receipt.

A request returns lines of the shipments (Реализации) of one customer order:

- every shipment line must belong to that order, and the order to the request's partner;
- per shipment line, the quantities of all live requests that are registered, approved or
  received never exceed the shipped quantity (rejected and cancelled ones give theirs back).
  Creators of requests against one order are serialised by a lock on the order row
  (SELECT ... FOR UPDATE on PostgreSQL; SQLite lets one writer at a time), so two customers
  returning the last units at once cannot both succeed;
- the price is the shipment line's amount per unit, so the return reverses exactly what the
  shipment charged.

Status: registered -> approved -> received, registered -> rejected (a comment saying why is
required), registered -> cancelled (the customer withdraws it). Operators decide (as in 1C, the
sales staff process returns); only a received return reduces the partner's debt
(orders.OrderTotals.returned). The first decision sets `first_response_at`.

Services flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from operational_app.auth import Forbidden, role_at_least
from operational_app.db.models import (
    RETURN_SOURCES,
    CustomerOrder,
    Product,
    ReturnReason,
    ReturnRequest,
    ReturnRequestLine,
    Shipment,
    ShipmentLine,
    utc_now,
)
from operational_app.domain import listing
from operational_app.domain.common import clean_text, require_reference
from operational_app.domain.errors import (
    TransitionNotAllowed,
    ValidationFailed,
    check_version,
)
from operational_app.domain.numbering import allocate_number
from operational_app.domain.products import CENT, quantity
from operational_app.domain.queries import Page

NUMBER_PREFIX = "ВЗ-"
# Orders goods may be returned from: those that can have shipments.
RETURNABLE_ORDER_STATUSES = ("to_ship", "shipped", "closed")
# Requests whose quantities are taken from what may still be returned.
HOLDING_STATUSES = ("registered", "approved", "received")
MAX_COMMENT = 4000
# Причины возврата a fresh database starts with (`ensure_default_reasons`); administrators edit
# the list in the classifiers admin (return-reasons).
DEFAULT_REASONS = (
    "Брак",
    "Пересорт",
    "Не соответствует заказу",
    "Истёк срок годности",
    "Отказ покупателя",
)


@dataclass(frozen=True)
class ReturnableLine:
    """A shipped line of an order and how much of it may still be returned."""

    shipment_line: ShipmentLine
    shipment: Shipment
    product: Product
    shipped: Decimal
    returned: Decimal  # held by live registered, approved or received requests
    price: Decimal

    @property
    def returnable(self) -> Decimal:
        return max(self.shipped - self.returned, Decimal(0))


def ensure_default_reasons(session: Session) -> list[ReturnReason]:
    """Add the DEFAULT_REASONS that are missing (deleted ones stay deleted); returns the new."""
    existing = set(session.scalars(select(ReturnReason.name)))
    added = [ReturnReason(name=name) for name in DEFAULT_REASONS if name not in existing]
    session.add_all(added)
    session.flush()
    return added


def lock_order(session: Session, order_id: int) -> CustomerOrder | None:
    """Serialise every change of what may be returned from one order (see the module doc)."""
    if session.get_bind().dialect.name == "postgresql":
        return session.scalars(
            select(CustomerOrder)
            .where(CustomerOrder.id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
    # SQLite: a no-op write takes the database write lock until the transaction ends (the
    # explicit updated_at keeps its onupdate from marking the order changed).
    session.execute(
        update(CustomerOrder)
        .where(CustomerOrder.id == order_id)
        .values(updated_at=CustomerOrder.updated_at)
        .execution_options(synchronize_session=False)
    )
    return session.scalars(
        select(CustomerOrder)
        .where(CustomerOrder.id == order_id)
        .execution_options(populate_existing=True)
    ).first()


def _held(session: Session, shipment_line_ids: Sequence[int]) -> dict[int, Decimal]:
    if not shipment_line_ids:
        return {}
    rows = session.execute(
        select(ReturnRequestLine.shipment_line_id, func.sum(ReturnRequestLine.quantity))
        .join(ReturnRequest, ReturnRequest.id == ReturnRequestLine.return_request_id)
        .where(
            ReturnRequestLine.shipment_line_id.in_(shipment_line_ids),
            ReturnRequestLine.deleted_at.is_(None),
            ReturnRequest.deleted_at.is_(None),
            ReturnRequest.status.in_(HOLDING_STATUSES),
        )
        .group_by(ReturnRequestLine.shipment_line_id)
    )
    return {line_id: Decimal(total or 0) for line_id, total in rows}


def unit_price(line: ShipmentLine) -> Decimal:
    return (Decimal(line.amount) / Decimal(line.quantity)).quantize(CENT)


def returnable_lines(session: Session, order_id: int) -> list[ReturnableLine]:
    """The order's shipped lines, in shipment order, with what may still be returned."""
    rows = session.execute(
        select(ShipmentLine, Shipment, Product)
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(Product, Product.id == ShipmentLine.product_id)
        .where(
            Shipment.customer_order_id == order_id,
            Shipment.deleted_at.is_(None),
            ShipmentLine.deleted_at.is_(None),
        )
        .order_by(Shipment.shipped_at, Shipment.id, ShipmentLine.id)
    ).all()
    held = _held(session, [line.id for line, _, _ in rows])
    return [
        ReturnableLine(
            shipment_line=line,
            shipment=shipment,
            product=product,
            shipped=Decimal(line.quantity),
            returned=held.get(line.id, Decimal(0)),
            price=unit_price(line),
        )
        for line, shipment, product in rows
    ]


def _plain(quantity_value: Decimal) -> str:
    """3.000 as "3", 2.500 as "2.5": how a person writes a quantity in a message."""
    return format(quantity_value.normalize(), "f")


def _line_field(shipment_line_id: Any) -> str:
    return f"quantity_{shipment_line_id}"


def _requested(lines: Sequence[Mapping[str, Any]]) -> dict[int, Decimal]:
    """{shipment line id: quantity} with repeated lines summed; blank or zero lines dropped."""
    wanted: dict[int, Decimal] = {}
    for values in lines:
        line_id = values.get("shipment_line_id")
        raw = values.get("quantity")
        if raw is None or str(raw).strip() in ("", "0"):
            continue
        if not isinstance(line_id, int) or isinstance(line_id, bool):
            raise ValidationFailed(
                "return.line_unknown",
                f"Shipment line {line_id!r} is not a line of this order.",
                field="lines",
                params={"id": str(line_id)},
            )
        qty = quantity(str(raw).replace(",", ".").strip(), _line_field(line_id))
        wanted[line_id] = wanted.get(line_id, Decimal(0)) + qty
    if not wanted:
        raise ValidationFailed(
            "return.no_lines",
            "Enter the quantity to return for at least one shipped line.",
            field="lines",
        )
    return wanted


def _check_returnable(
    order: CustomerOrder, wanted: Mapping[int, Decimal], available: Mapping[int, Any]
) -> None:
    """Each shipment line asked for was shipped against the order, and no more of it is asked
    than may still be returned."""
    for line_id, qty in wanted.items():
        row = available.get(line_id)
        if row is None:
            raise ValidationFailed(
                "return.line_not_of_order",
                f"Shipment line {line_id} was not shipped against order {order.number}.",
                field=_line_field(line_id),
                params={"id": line_id, "number": order.number},
            )
        if qty > row.returnable:
            asked, left, shipped = (_plain(value) for value in (qty, row.returnable, row.shipped))
            raise ValidationFailed(
                "return.above_returnable",
                f"{row.product.name}: {asked} asked, only {left} may still be returned "
                f"(shipped {shipped}, already in returns {_plain(row.returned)}).",
                field=_line_field(line_id),
                params={
                    "product": row.product.name,
                    "asked": asked,
                    "left": left,
                    "shipped": shipped,
                },
            )


def _return_lines(
    request_id: int,
    wanted: Mapping[int, Decimal],
    available: Mapping[int, Any],
    now: dt.datetime,
) -> list[ReturnRequestLine]:
    """The request's lines: a whole shipped line returns its amount, a part its share."""
    lines = []
    for number, (line_id, qty) in enumerate(wanted.items(), start=1):
        row = available[line_id]
        line = row.shipment_line
        if qty == row.shipped:
            amount = Decimal(line.amount)
        else:
            amount = (Decimal(line.amount) * qty / Decimal(line.quantity)).quantize(CENT)
        lines.append(
            ReturnRequestLine(
                return_request_id=request_id,
                line_number=number,
                shipment_line_id=line_id,
                product_id=line.product_id,
                quantity=qty,
                price=row.price,
                amount=amount,
                created_at=now,
                updated_at=now,
            )
        )
    return lines


def create_return_request(
    session: Session,
    *,
    partner_id: int,
    customer_order_id: int,
    lines: Sequence[Mapping[str, Any]],
    return_reason_id: int | None = None,
    comment: str | None = None,
    source: str = "operator",
    registered_by_id: int | None = None,
    now: dt.datetime | None = None,
) -> ReturnRequest:
    now = now or utc_now()
    if source not in RETURN_SOURCES:
        raise ValidationFailed(
            "return.source_unknown",
            f"Source must be one of {', '.join(RETURN_SOURCES)}.",
            field="source",
        )
    if return_reason_id is None:
        raise ValidationFailed(
            "return.reason_required", "Choose the reason for the return.", field="return_reason_id"
        )
    require_reference(session, ReturnReason, return_reason_id, "return_reason_id")
    order = require_reference(session, CustomerOrder, customer_order_id, "customer_order_id")
    assert order is not None
    if order.partner_id != partner_id:
        raise ValidationFailed(
            "return.order_of_other_partner",
            f"Order {order.number} belongs to another partner.",
            field="customer_order_id",
            params={"number": order.number},
        )
    wanted = _requested(lines)
    lock_order(session, order.id)
    available = {row.shipment_line.id: row for row in returnable_lines(session, order.id)}
    _check_returnable(order, wanted, available)
    text = clean_text(comment)
    if text is not None and len(text) > MAX_COMMENT:
        raise ValidationFailed(
            "return.comment_too_long",
            f"The comment is longer than {MAX_COMMENT} characters.",
            field="comment",
        )
    request = ReturnRequest(
        number=allocate_number(session, ReturnRequest, NUMBER_PREFIX),
        partner_id=partner_id,
        customer_order_id=order.id,
        return_reason_id=return_reason_id,
        source=source,
        status="registered",
        comment=text,
        registered_at=now,
        registered_by_id=registered_by_id,
        total_amount=Decimal(0),
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    lines_added = _return_lines(request.id, wanted, available, now)
    session.add_all(lines_added)
    request.total_amount = sum((line.amount for line in lines_added), Decimal(0))
    session.flush()
    return request


def _require_status(request: ReturnRequest, allowed: tuple[str, ...], action: str) -> None:
    if request.status not in allowed:
        raise TransitionNotAllowed(
            f"return.{action}_not_allowed",
            f"Return request {request.number} is {request.status}; it cannot be {action}d now.",
            params={"status": request.status, "number": request.number},
        )


def _require_operator(actor_role: str | None) -> None:
    if not role_at_least(actor_role, "operator"):
        raise Forbidden(
            "return.operators_decide", "Only operators approve, reject or receive returns."
        )


def _responded(request: ReturnRequest, now: dt.datetime) -> None:
    if request.first_response_at is None:
        request.first_response_at = now


def approve(
    session: Session,
    request: ReturnRequest,
    *,
    actor_id: int | None = None,
    actor_role: str | None = "operator",
    comment: str | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ReturnRequest:
    now = now or utc_now()
    check_version(request, expected_version)
    _require_operator(actor_role)
    _require_status(request, ("registered",), "approve")
    request.status = "approved"
    request.decided_at = now
    request.decided_by_id = actor_id
    request.decision_comment = clean_text(comment)
    request.updated_at = now
    _responded(request, now)
    session.flush()
    return request


def reject(
    session: Session,
    request: ReturnRequest,
    comment: str | None,
    *,
    actor_id: int | None = None,
    actor_role: str | None = "operator",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ReturnRequest:
    now = now or utc_now()
    check_version(request, expected_version)
    _require_operator(actor_role)
    _require_status(request, ("registered",), "reject")
    text = clean_text(comment)
    if text is None:
        raise ValidationFailed(
            "return.reject_comment_required",
            "Say why the return is rejected: the customer sees the comment.",
            field="comment",
        )
    request.status = "rejected"
    request.decided_at = now
    request.decided_by_id = actor_id
    request.decision_comment = text
    request.updated_at = now
    _responded(request, now)
    session.flush()
    return request


def receive(
    session: Session,
    request: ReturnRequest,
    *,
    actor_role: str | None = "operator",
    received_at: dt.datetime | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ReturnRequest:
    now = now or utc_now()
    check_version(request, expected_version)
    _require_operator(actor_role)
    _require_status(request, ("approved",), "receive")
    request.status = "received"
    request.received_at = received_at or now
    request.updated_at = now
    _responded(request, now)
    session.flush()
    return request


def cancel(
    session: Session,
    request: ReturnRequest,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ReturnRequest:
    """The customer (or an operator for them) withdraws a request not yet decided."""
    now = now or utc_now()
    check_version(request, expected_version)
    _require_status(request, ("registered",), "cancel")
    request.status = "cancelled"
    request.updated_at = now
    session.flush()
    return request


# --- Reads ------------------------------------------------------------------------------------


def request_lines(session: Session, request_id: int) -> list[ReturnRequestLine]:
    return list(
        session.scalars(
            select(ReturnRequestLine)
            .where(
                ReturnRequestLine.return_request_id == request_id,
                ReturnRequestLine.deleted_at.is_(None),
            )
            .order_by(ReturnRequestLine.line_number)
        )
    )


def returned_amount(session: Session, order_ids: Any) -> Decimal:
    """What received returns took back from the orders `order_ids` (ids or a subquery)."""
    return Decimal(
        session.scalar(
            select(func.coalesce(func.sum(ReturnRequest.total_amount), 0)).where(
                ReturnRequest.customer_order_id.in_(order_ids),
                ReturnRequest.status == "received",
                ReturnRequest.deleted_at.is_(None),
            )
        )
        or 0
    )


def list_return_requests(
    session: Session,
    *,
    q: str | None = None,
    status: str | None = None,
    source: str | None = None,
    partner_id: int | None = None,
    customer_order_id: int | None = None,
    return_reason_id: int | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
    query: Any = None,
) -> Page[ReturnRequest]:
    """Operators' list; the portal passes its scoped `query` (scope.select(ReturnRequest))."""
    statement = (
        query
        if query is not None
        else select(ReturnRequest).where(ReturnRequest.deleted_at.is_(None))
    )
    if q:
        text = q.strip()
        statement = statement.where(
            ReturnRequest.number.icontains(text, autoescape=True)
            | ReturnRequest.comment.icontains(text, autoescape=True)
        )
    for column, value in (
        (ReturnRequest.status, status),
        (ReturnRequest.source, source),
        (ReturnRequest.partner_id, partner_id),
        (ReturnRequest.customer_order_id, customer_order_id),
        (ReturnRequest.return_reason_id, return_reason_id),
    ):
        if value is not None and value != "":
            statement = statement.where(column == value)
    columns = {
        "number": ReturnRequest.number,
        "registered_at": ReturnRequest.registered_at,
        "status": ReturnRequest.status,
        "total_amount": ReturnRequest.total_amount,
        "updated_at": ReturnRequest.updated_at,
    }
    return listing.page(
        session,
        statement,
        sort=sort,
        columns=columns,
        default="-registered_at",
        tiebreak=ReturnRequest.id.desc(),
        limit=limit,
        offset=offset,
    )
