"""Заказы клиентов: lines, the status machine, reserves, payment schedule, shipments, payments.

Statuses (DESIGN.md §4)::

    draft ──submit──> on_approval ──approve (manager)──> approved ──to_ship──> to_ship
      │  └─submit (no line above the discount limit)────> approved               │
      │                 └──return_to_draft──> draft                               ship (all)
      └──────── cancel (any open status, nothing shipped; releases reserves) ─> cancelled
                                                   shipped ──close (fully paid)──> closed

An order whose any line discount exceeds the agreement's max_manual_discount_percent has
`requires_approval = true`; it can only reach `approved` through `on_approval` and a user with
the manager (or administrator) role. Lines change only in draft.

Reserves: a line's reserve never exceeds its unshipped quantity, and the reserves of all open
orders at a warehouse never exceed the goods on hand there (see products.lock_stock).

Debt = shipped amount − paid amount (negative is an advance). Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    PAYMENT_KINDS,
    Agreement,
    CommercialOffer,
    Counterparty,
    CustomerOrder,
    CustomerOrderLine,
    Deal,
    Organization,
    Partner,
    Payment,
    PaymentScheduleItem,
    Product,
    ReserveAdjustment,
    Shipment,
    ShipmentLine,
    User,
    Warehouse,
    utc_now,
)
from operational_app.domain.agreements import agreement_price, require_applicable
from operational_app.domain.common import Actor, clean_text, live_children, require_reference
from operational_app.domain.errors import (
    DomainError,
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
    check_version,
)
from operational_app.domain.intercompany import record_shipment_ownership
from operational_app.domain.products import (
    CENT,
    OPEN_ORDER_STATUSES,
    InsufficientStock,
    lock_stock,
    money,
    next_number,
    percent,
    quantity,
    reserved_total,
    soft_delete,
)
from operational_app.domain.returns import returned_amount

NUMBER_PREFIX = "ЗК-"
SHIPMENT_PREFIX = "РТ-"
PAYMENT_PREFIX = "ПО-"
APPROVER_ROLES = ("manager", "administrator")
HEADER_FIELDS = (
    "agreement_id",
    "organization_id",
    "counterparty_id",
    "deal_id",
    "manager_id",
    "ordered_at",
    "planned_shipment_date",
    "comment",
)
# Fields that change the commercial terms: only while the order is a draft.
DRAFT_ONLY_FIELDS = ("agreement_id", "ordered_at", "organization_id", "counterparty_id")
PAYABLE_STATUSES = ("on_approval", "approved", "to_ship", "shipped")
LINE_FIELDS = ("product_id", "warehouse_id", "quantity", "price", "discount_percent")


class Forbidden(DomainError):
    status_code = 403


@dataclass(frozen=True)
class OrderTotals:
    total: Decimal
    shipped: Decimal
    paid: Decimal
    # Received returns (Возврат товаров от клиента) take back part of what was shipped.
    returned: Decimal = Decimal(0)

    @property
    def debt(self) -> Decimal:
        return self.shipped - self.returned - self.paid


# Reading


def order_lines(session: Session, order_id: int) -> list[CustomerOrderLine]:
    return live_children(
        session, CustomerOrderLine.customer_order_id, order_id, CustomerOrderLine.line_number
    )


def get_line(session: Session, order: CustomerOrder, line_id: int) -> CustomerOrderLine:
    line = session.get(CustomerOrderLine, line_id)
    if line is None or line.deleted_at is not None or line.customer_order_id != order.id:
        raise NotFound(
            "order_line.not_found",
            f"Order {order.number} has no line {line_id}.",
            params={"id": line_id},
        )
    return line


def payment_schedule(session: Session, order_id: int) -> list[PaymentScheduleItem]:
    return live_children(
        session,
        PaymentScheduleItem.customer_order_id,
        order_id,
        PaymentScheduleItem.due_date,
        PaymentScheduleItem.id,
    )


def shipments(session: Session, order_id: int) -> list[Shipment]:
    return live_children(
        session, Shipment.customer_order_id, order_id, Shipment.shipped_at, Shipment.id
    )


def payments(session: Session, order_id: int) -> list[Payment]:
    return live_children(session, Payment.customer_order_id, order_id, Payment.paid_at, Payment.id)


def reserve_adjustments(session: Session, order_id: int) -> list[ReserveAdjustment]:
    line_ids = select(CustomerOrderLine.id).where(CustomerOrderLine.customer_order_id == order_id)
    return list(
        session.scalars(
            select(ReserveAdjustment)
            .where(
                ReserveAdjustment.from_order_line_id.in_(line_ids)
                | ReserveAdjustment.to_order_line_id.in_(line_ids)
            )
            .order_by(ReserveAdjustment.adjusted_at, ReserveAdjustment.id)
        )
    )


def _shipped_amount(session: Session, order_ids: Any) -> Decimal:
    return Decimal(
        session.scalar(
            select(func.coalesce(func.sum(Shipment.amount), 0)).where(
                Shipment.customer_order_id.in_(order_ids), Shipment.deleted_at.is_(None)
            )
        )
        or 0
    )


def _paid_amount(session: Session, order_ids: Any) -> Decimal:
    return Decimal(
        session.scalar(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.customer_order_id.in_(order_ids), Payment.deleted_at.is_(None)
            )
        )
        or 0
    )


def order_totals(session: Session, order: CustomerOrder) -> OrderTotals:
    session.flush()
    return OrderTotals(
        total=Decimal(order.total_amount),
        shipped=_shipped_amount(session, [order.id]),
        paid=_paid_amount(session, [order.id]),
        returned=returned_amount(session, [order.id]),
    )


def partner_debt(session: Session, partner_id: int) -> OrderTotals:
    """The partner's settlement position over all its live, not cancelled orders."""
    order_ids = select(CustomerOrder.id).where(
        CustomerOrder.partner_id == partner_id,
        CustomerOrder.deleted_at.is_(None),
        CustomerOrder.status != "cancelled",
    )
    total = session.scalar(
        select(func.coalesce(func.sum(CustomerOrder.total_amount), 0)).where(
            CustomerOrder.id.in_(order_ids)
        )
    )
    return OrderTotals(
        total=Decimal(total or 0),
        shipped=_shipped_amount(session, order_ids),
        paid=_paid_amount(session, order_ids),
        returned=returned_amount(session, order_ids),
    )


# Rules shared by the services


def _require_status(order: CustomerOrder, allowed: Sequence[str], action: str) -> None:
    if order.status not in allowed:
        raise TransitionNotAllowed(
            "order.status_forbids",
            f"Order {order.number} is {order.status}; {action} needs status "
            f"{' or '.join(allowed)}.",
            params={"status": order.status, "action": action, "allowed": ", ".join(allowed)},
        )


def _agreement(session: Session, order: CustomerOrder) -> Agreement | None:
    return session.get(Agreement, order.agreement_id) if order.agreement_id else None


def discount_limit(agreement: Agreement | None) -> Decimal:
    """Without an agreement no manual discount is pre-approved."""
    return Decimal(agreement.max_manual_discount_percent) if agreement else Decimal(0)


def line_amount(qty: Decimal, price: Decimal, discount: Decimal) -> Decimal:
    return (qty * price * (Decimal(100) - discount) / 100).quantize(CENT)


def _recalculate(session: Session, order: CustomerOrder) -> None:
    lines = order_lines(session, order.id)
    order.total_amount = sum((Decimal(line.amount) for line in lines), Decimal(0))
    limit = discount_limit(_agreement(session, order))
    order.requires_approval = any(Decimal(line.discount_percent) > limit for line in lines)


def _write_adjustment(
    session: Session,
    line_from: CustomerOrderLine | None,
    line_to: CustomerOrderLine | None,
    qty: Decimal,
    user_id: int | None,
    now: dt.datetime,
) -> None:
    line = line_from or line_to
    assert line is not None
    session.add(
        ReserveAdjustment(
            product_id=line.product_id,
            warehouse_id=line.warehouse_id,
            from_order_line_id=line_from.id if line_from else None,
            to_order_line_id=line_to.id if line_to else None,
            quantity=qty,
            adjusted_at=now,
            user_id=user_id,
        )
    )


def _release(
    session: Session,
    line: CustomerOrderLine,
    qty: Decimal,
    user_id: int | None,
    now: dt.datetime,
) -> None:
    if qty <= 0:
        return
    line.reserved_quantity = Decimal(line.reserved_quantity) - qty
    line.updated_at = now
    _write_adjustment(session, line, None, qty, user_id, now)


def _unshipped(line: CustomerOrderLine) -> Decimal:
    return Decimal(line.quantity) - Decimal(line.shipped_quantity)


# Lines


def _apply_line(
    session: Session,
    order: CustomerOrder,
    line: CustomerOrderLine,
    values: Mapping[str, Any],
    agreement: Agreement | None,
    user_id: int | None,
    now: dt.datetime,
) -> None:
    if "product_id" in values:
        if values["product_id"] is None:
            raise ValidationFailed(
                "text.required",
                "product_id is required.",
                field="product_id",
                params={"field": "product_id"},
            )
        product = require_reference(session, Product, values["product_id"], "product_id")
        assert product is not None
        if line.product_id is not None and line.product_id != product.id:
            _release(session, line, Decimal(line.reserved_quantity), user_id, now)
        line.product_id = product.id
        if values.get("price") is None:
            line.price = agreement_price(product, agreement)
    if "warehouse_id" in values:
        require_reference(session, Warehouse, values["warehouse_id"], "warehouse_id")
        if line.warehouse_id is not None and line.warehouse_id != values["warehouse_id"]:
            _release(session, line, Decimal(line.reserved_quantity), user_id, now)
        line.warehouse_id = values["warehouse_id"]
    if values.get("price") is not None:
        line.price = money(values["price"], "price")
    if "quantity" in values:
        line.quantity = quantity(values["quantity"])
    if values.get("discount_percent") is not None:
        line.discount_percent = percent(values["discount_percent"], "discount_percent")
    elif line.discount_percent is None:
        line.discount_percent = Decimal(0)
    # A smaller quantity releases the reserve above it (the excess, Корректировка назначения).
    excess = Decimal(line.reserved_quantity or 0) - _unshipped(line)
    if excess > 0:
        _release(session, line, excess, user_id, now)
    line.amount = line_amount(Decimal(line.quantity), Decimal(line.price), line.discount_percent)


def _new_line(
    session: Session,
    order: CustomerOrder,
    values: Mapping[str, Any],
    line_number: int,
    agreement: Agreement | None,
    now: dt.datetime,
) -> CustomerOrderLine:
    for field in ("product_id", "quantity"):
        if values.get(field) is None:
            raise ValidationFailed(
                "text.required", f"{field} is required.", field=field, params={"field": field}
            )
    line = CustomerOrderLine(
        customer_order_id=order.id,
        line_number=line_number,
        reserved_quantity=Decimal(0),
        shipped_quantity=Decimal(0),
        discount_percent=Decimal(0),
        created_at=now,
        updated_at=now,
    )
    _apply_line(session, order, line, values, agreement, None, now)
    session.add(line)
    return line


def _next_line_number(session: Session, order: CustomerOrder) -> int:
    # Deleted lines keep their numbers: the unique (order, line_number) constraint covers them.
    return (
        session.scalar(
            select(func.max(CustomerOrderLine.line_number)).where(
                CustomerOrderLine.customer_order_id == order.id
            )
        )
        or 0
    ) + 1


def add_line(
    session: Session,
    order: CustomerOrder,
    values: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrderLine:
    now = now or utc_now()
    check_version(order, expected_version)
    _require_status(order, ("draft",), "changing lines")
    line = _new_line(
        session, order, values, _next_line_number(session, order), _agreement(session, order), now
    )
    session.flush()
    _recalculate(session, order)
    order.updated_at = now
    session.flush()
    return line


def update_line(
    session: Session,
    order: CustomerOrder,
    line: CustomerOrderLine,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrderLine:
    now = now or utc_now()
    check_version(line, expected_version)
    _require_status(order, ("draft",), "changing lines")
    _apply_line(
        session,
        order,
        line,
        {k: v for k, v in changes.items() if k in LINE_FIELDS},
        _agreement(session, order),
        user_id,
        now,
    )
    line.updated_at = now
    session.flush()
    _recalculate(session, order)
    order.updated_at = now
    session.flush()
    return line


def delete_line(
    session: Session,
    order: CustomerOrder,
    line: CustomerOrderLine,
    *,
    expected_version: int | None = None,
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    now = now or utc_now()
    check_version(line, expected_version)
    _require_status(order, ("draft",), "changing lines")
    _release(session, line, Decimal(line.reserved_quantity), user_id, now)
    line.deleted_at = now
    line.updated_at = now
    session.flush()
    _recalculate(session, order)
    order.updated_at = now
    session.flush()


# The order


def _check_ordered_on(session: Session, order: CustomerOrder) -> Agreement | None:
    return require_applicable(
        session, order.agreement_id, order.partner_id, order.ordered_at.date()
    )


def _apply_header(session: Session, order: CustomerOrder, values: Mapping[str, Any]) -> None:
    if "agreement_id" in values:
        order.agreement_id = values["agreement_id"]
    if "organization_id" in values:
        require_reference(session, Organization, values["organization_id"], "organization_id")
        order.organization_id = values["organization_id"]
    if "counterparty_id" in values:
        counterparty = require_reference(
            session, Counterparty, values["counterparty_id"], "counterparty_id"
        )
        if counterparty is not None and counterparty.partner_id != order.partner_id:
            raise ValidationFailed(
                "order.counterparty_of_other_partner",
                "The counterparty belongs to another partner.",
                field="counterparty_id",
            )
        order.counterparty_id = values["counterparty_id"]
    if "deal_id" in values:
        deal = require_reference(session, Deal, values["deal_id"], "deal_id")
        if deal is not None and deal.partner_id != order.partner_id:
            raise ValidationFailed(
                "order.deal_of_other_partner",
                "The deal belongs to another partner.",
                field="deal_id",
            )
        order.deal_id = values["deal_id"]
    if "manager_id" in values:
        require_reference(session, User, values["manager_id"], "manager_id")
        order.manager_id = values["manager_id"]
    if values.get("ordered_at") is not None:
        ordered_at = values["ordered_at"]
        if isinstance(ordered_at, dt.date) and not isinstance(ordered_at, dt.datetime):
            ordered_at = dt.datetime.combine(ordered_at, dt.time())
        order.ordered_at = ordered_at
    if "planned_shipment_date" in values:
        order.planned_shipment_date = values["planned_shipment_date"]
    if "comment" in values:
        order.comment = clean_text(values["comment"])


def create_order(
    session: Session,
    *,
    partner_id: int,
    agreement_id: int | None = None,
    lines: Iterable[Mapping[str, Any]] = (),
    organization_id: int | None = None,
    counterparty_id: int | None = None,
    deal_id: int | None = None,
    manager_id: int | None = None,
    ordered_at: dt.datetime | dt.date | None = None,
    planned_shipment_date: dt.date | None = None,
    comment: str | None = None,
    commercial_offer_id: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrder:
    now = now or utc_now()
    require_reference(session, Partner, partner_id, "partner_id")
    order = CustomerOrder(
        partner_id=partner_id,
        status="draft",
        requires_approval=False,
        total_amount=Decimal(0),
        commercial_offer_id=commercial_offer_id,
        created_at=now,
        updated_at=now,
    )
    _apply_header(
        session,
        order,
        {
            "agreement_id": agreement_id,
            "organization_id": organization_id,
            "counterparty_id": counterparty_id,
            "deal_id": deal_id,
            "manager_id": manager_id,
            "ordered_at": ordered_at or now,
            "planned_shipment_date": planned_shipment_date,
            "comment": comment,
        },
    )
    agreement = _check_ordered_on(session, order)
    if agreement is not None and order.organization_id is None:
        order.organization_id = agreement.organization_id
    order.number = next_number(session, CustomerOrder, NUMBER_PREFIX)
    session.add(order)
    session.flush()
    for number, values in enumerate(lines, start=1):
        _new_line(session, order, values, number, agreement, now)
    session.flush()
    _recalculate(session, order)
    session.flush()
    return order


def update_order(
    session: Session,
    order: CustomerOrder,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrder:
    now = now or utc_now()
    check_version(order, expected_version)
    values = {k: v for k, v in changes.items() if k in HEADER_FIELDS}
    _require_status(order, OPEN_ORDER_STATUSES, "editing")
    terms = [field for field in DRAFT_ONLY_FIELDS if field in values]
    if terms and order.status != "draft":
        raise TransitionNotAllowed(
            "order.terms_locked",
            f"{', '.join(terms)} can change only while the order is a draft.",
            field=terms[0],
            params={"fields": ", ".join(terms)},
        )
    _apply_header(session, order, values)
    if "agreement_id" in values or "ordered_at" in values:
        _check_ordered_on(session, order)
        _recalculate(session, order)
    order.updated_at = now
    session.flush()
    return order


def delete_order(
    session: Session, order: CustomerOrder, *, expected_version: int | None = None
) -> None:
    _require_status(order, ("draft",), "deleting")
    now = utc_now()
    for line in order_lines(session, order.id):
        _release(session, line, Decimal(line.reserved_quantity), None, now)
    soft_delete(order, expected_version, now)
    session.flush()


def _require_lines(session: Session, order: CustomerOrder) -> list[CustomerOrderLine]:
    lines = order_lines(session, order.id)
    if not lines:
        raise ValidationFailed("order.no_lines", f"Order {order.number} has no lines.")
    return lines


def submit_order(
    session: Session,
    order: CustomerOrder,
    *,
    expected_version: int | None = None,
    user: Actor | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrder:
    """Draft → on_approval when a discount is above the limit, else straight to approved."""
    now = now or utc_now()
    check_version(order, expected_version)
    _require_status(order, ("draft",), "submitting")
    _require_lines(session, order)
    _check_ordered_on(session, order)
    _recalculate(session, order)
    if order.requires_approval:
        order.status = "on_approval"
    else:
        _approve(session, order, user, now)
    order.updated_at = now
    session.flush()
    return order


def _approve(session: Session, order: CustomerOrder, user: Actor | None, now: dt.datetime) -> None:
    order.status = "approved"
    order.approved_at = now
    order.approved_by_id = user.id if user is not None else None
    generate_payment_schedule(session, order)


def approve_order(
    session: Session,
    order: CustomerOrder,
    user: Actor | None,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrder:
    now = now or utc_now()
    check_version(order, expected_version)
    if order.status == "draft":
        _recalculate(session, order)
        if order.requires_approval:
            limit = discount_limit(_agreement(session, order))
            raise TransitionNotAllowed(
                "order.approval_required",
                f"Order {order.number} has a line discount above the agreement's limit "
                f"({limit}%): submit it for approval (on_approval) and have a manager approve it.",
                params={"limit": str(limit)},
            )
        return submit_order(session, order, user=user, now=now)
    _require_status(order, ("on_approval",), "approval")
    if user is None or user.role not in APPROVER_ROLES:
        raise Forbidden(
            "order.approver_role",
            "Only a manager can approve an order with a discount above the agreement's limit.",
        )
    _recalculate(session, order)
    _approve(session, order, user, now)
    order.updated_at = now
    session.flush()
    return order


def return_to_draft(
    session: Session,
    order: CustomerOrder,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrder:
    """Send an order back for changes: from on_approval or approved, while nothing has moved."""
    now = now or utc_now()
    check_version(order, expected_version)
    _require_status(order, ("on_approval", "approved"), "returning to draft")
    totals = order_totals(session, order)
    if totals.paid > 0:
        raise TransitionNotAllowed(
            "order.has_payments", "Payments are recorded against the order; it stays approved."
        )
    order.status = "draft"
    order.approved_at = None
    order.approved_by_id = None
    for item in payment_schedule(session, order.id):
        item.deleted_at = now
    order.updated_at = now
    session.flush()
    return order


def release_to_shipping(
    session: Session,
    order: CustomerOrder,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrder:
    """Approved → to_ship (К отгрузке): every line must name the warehouse it ships from."""
    now = now or utc_now()
    check_version(order, expected_version)
    _require_status(order, ("approved",), "release to shipping")
    for line in _require_lines(session, order):
        if line.warehouse_id is None:
            raise ValidationFailed(
                "order_line.warehouse_required",
                f"Line {line.line_number} has no warehouse to ship from.",
                field="warehouse_id",
                params={"line": line.line_number},
            )
    order.status = "to_ship"
    order.updated_at = now
    session.flush()
    return order


def cancel_order(
    session: Session,
    order: CustomerOrder,
    *,
    expected_version: int | None = None,
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrder:
    now = now or utc_now()
    check_version(order, expected_version)
    _require_status(order, OPEN_ORDER_STATUSES, "cancelling")
    lines = order_lines(session, order.id)
    if any(Decimal(line.shipped_quantity) > 0 for line in lines):
        raise TransitionNotAllowed(
            "order.cancel_after_shipment",
            f"Goods were already shipped on order {order.number}; it cannot be cancelled.",
        )
    if order_totals(session, order).paid > 0:
        raise TransitionNotAllowed(
            "order.has_payments", "Payments are recorded against the order; return them first."
        )
    for line in lines:
        _release(session, line, Decimal(line.reserved_quantity), user_id, now)
    order.status = "cancelled"
    order.updated_at = now
    session.flush()
    return order


def close_order(
    session: Session,
    order: CustomerOrder,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrder:
    now = now or utc_now()
    check_version(order, expected_version)
    _require_status(order, ("shipped",), "closing")
    totals = order_totals(session, order)
    if totals.paid < totals.shipped:
        raise TransitionNotAllowed(
            "order.not_paid",
            f"Order {order.number} still has a debt of {totals.debt}; it closes when paid.",
            params={"debt": str(totals.debt)},
        )
    order.status = "closed"
    order.updated_at = now
    session.flush()
    return order


# Payment schedule


def generate_payment_schedule(
    session: Session, order: CustomerOrder, *, now: dt.datetime | None = None
) -> list[PaymentScheduleItem]:
    """Prepayment share due on the order date, the rest after the agreement's deferral."""
    now = now or utc_now()
    for item in payment_schedule(session, order.id):
        item.deleted_at = now
    agreement = _agreement(session, order)
    total = Decimal(order.total_amount)
    share = Decimal(agreement.prepayment_share) if agreement else Decimal(0)
    deferral = agreement.deferral_days if agreement else 0
    prepayment = (total * share / 100).quantize(CENT)
    order_day = order.ordered_at.date()
    items = []
    if prepayment > 0:
        items.append(
            PaymentScheduleItem(
                customer_order_id=order.id, due_date=order_day, kind="prepayment", amount=prepayment
            )
        )
    if total - prepayment > 0:
        items.append(
            PaymentScheduleItem(
                customer_order_id=order.id,
                due_date=order_day + dt.timedelta(days=deferral),
                kind="credit",
                amount=total - prepayment,
            )
        )
    session.add_all(items)
    session.flush()
    return items


def replace_payment_schedule(
    session: Session,
    order: CustomerOrder,
    items: Sequence[Mapping[str, Any]],
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> list[PaymentScheduleItem]:
    """The operator's edit of the schedule: the items must add up to the order total."""
    now = now or utc_now()
    check_version(order, expected_version)
    _require_status(order, ("approved", "to_ship", "shipped"), "editing the payment schedule")
    rows = []
    for index, values in enumerate(items):
        kind = values.get("kind") or "credit"
        if kind not in PAYMENT_KINDS:
            raise ValidationFailed(
                "payment_schedule.kind_unknown", f"Item {index + 1}: unknown kind.", field="kind"
            )
        if values.get("due_date") is None:
            raise ValidationFailed(
                "text.required",
                f"Item {index + 1}: due_date is required.",
                field="due_date",
                params={"field": "due_date"},
            )
        amount = money(values.get("amount", 0), "amount")
        if amount <= 0:
            raise ValidationFailed(
                "money.positive", f"Item {index + 1}: the amount must be above 0.", field="amount"
            )
        rows.append((values["due_date"], kind, amount))
    scheduled = sum((row[2] for row in rows), Decimal(0))
    if scheduled != Decimal(order.total_amount):
        raise ValidationFailed(
            "payment_schedule.sum_mismatch",
            f"The schedule adds up to {scheduled}, the order total is {order.total_amount}.",
            field="items",
            params={"scheduled": str(scheduled), "total": str(order.total_amount)},
        )
    for item in payment_schedule(session, order.id):
        item.deleted_at = now
    new_items = [
        PaymentScheduleItem(customer_order_id=order.id, due_date=due, kind=kind, amount=amount)
        for due, kind, amount in rows
    ]
    session.add_all(new_items)
    order.updated_at = now
    session.flush()
    return new_items


# Reserves (Резерв, Корректировка назначения)


def _require_reservable(order: CustomerOrder, line: CustomerOrderLine) -> int:
    _require_status(order, OPEN_ORDER_STATUSES, "reserving")
    if line.warehouse_id is None:
        raise ValidationFailed(
            "order_line.warehouse_required",
            f"Line {line.line_number} has no warehouse to reserve at.",
            field="warehouse_id",
            params={"line": line.line_number},
        )
    return line.warehouse_id


def _free_after_lock(session: Session, line: CustomerOrderLine) -> Decimal:
    assert line.warehouse_id is not None
    level = lock_stock(session, line.product_id, line.warehouse_id)
    # Re-read the line under the lock: another transaction may have changed its reserve.
    session.refresh(line)
    on_hand = Decimal(level.quantity_on_hand) if level is not None and not level.deleted_at else 0
    return Decimal(on_hand) - reserved_total(session, line.product_id, line.warehouse_id)


def reserve_line(
    session: Session,
    order: CustomerOrder,
    line: CustomerOrderLine,
    qty: Decimal | int | str | None = None,
    *,
    expected_version: int | None = None,
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrderLine:
    """Add `qty` to the line's reserve (all that is still needed when None)."""
    now = now or utc_now()
    check_version(line, expected_version)
    _require_reservable(order, line)
    free = _free_after_lock(session, line)
    need = _unshipped(line) - Decimal(line.reserved_quantity)
    wanted = need if qty is None else quantity(qty)
    if wanted > need:
        raise ValidationFailed(
            "reserve.above_line",
            f"Line {line.line_number} needs only {need} more; {wanted} asked.",
            field="quantity",
            params={"line": line.line_number, "need": str(need), "asked": str(wanted)},
        )
    if wanted > free:
        raise InsufficientStock(
            "reserve.above_free_stock",
            f"Only {max(free, Decimal(0))} free at the warehouse; {wanted} asked.",
            field="quantity",
            params={"free": str(max(free, Decimal(0))), "asked": str(wanted)},
        )
    if wanted > 0:
        line.reserved_quantity = Decimal(line.reserved_quantity) + wanted
        line.updated_at = now
        _write_adjustment(session, None, line, wanted, user_id, now)
    session.flush()
    return line


def reserve_order(
    session: Session,
    order: CustomerOrder,
    *,
    expected_version: int | None = None,
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> dict[int, Decimal]:
    """Reserve what is free for every line, up to its need; returns line id -> reserved now."""
    now = now or utc_now()
    check_version(order, expected_version)
    _require_status(order, OPEN_ORDER_STATUSES, "reserving")
    result: dict[int, Decimal] = {}
    for line in order_lines(session, order.id):
        if line.warehouse_id is None:
            continue
        free = _free_after_lock(session, line)
        take = min(_unshipped(line) - Decimal(line.reserved_quantity), max(free, Decimal(0)))
        if take > 0:
            line.reserved_quantity = Decimal(line.reserved_quantity) + take
            line.updated_at = now
            _write_adjustment(session, None, line, take, user_id, now)
            session.flush()
        result[line.id] = take
    order.updated_at = now
    session.flush()
    return result


def release_reserve(
    session: Session,
    order: CustomerOrder,
    line: CustomerOrderLine,
    qty: Decimal | int | str | None = None,
    *,
    expected_version: int | None = None,
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrderLine:
    """Release `qty` of the line's reserve (all of it when None)."""
    now = now or utc_now()
    check_version(line, expected_version)
    _require_reservable(order, line)
    _free_after_lock(session, line)
    reserved = Decimal(line.reserved_quantity)
    wanted = reserved if qty is None else quantity(qty)
    if wanted > reserved:
        raise ValidationFailed(
            "reserve.release_above_reserved",
            f"Line {line.line_number} holds only {reserved} in reserve; {wanted} asked.",
            field="quantity",
            params={"reserved": str(reserved), "asked": str(wanted)},
        )
    _release(session, line, wanted, user_id, now)
    session.flush()
    return line


def release_excess(
    session: Session,
    order: CustomerOrder,
    *,
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> Decimal:
    """Release every line's reserve above its unshipped quantity; returns the total released."""
    now = now or utc_now()
    released = Decimal(0)
    for line in order_lines(session, order.id):
        excess = Decimal(line.reserved_quantity) - _unshipped(line)
        if excess > 0:
            _release(session, line, excess, user_id, now)
            released += excess
    session.flush()
    return released


def move_reserve(
    session: Session,
    source_line: CustomerOrderLine,
    target_line: CustomerOrderLine,
    qty: Decimal | int | str,
    *,
    user_id: int | None = None,
    now: dt.datetime | None = None,
) -> ReserveAdjustment:
    """Корректировка назначения: move reserve between lines of the same product and warehouse."""
    now = now or utc_now()
    wanted = quantity(qty)
    if source_line.id == target_line.id:
        raise ValidationFailed(
            "reserve.same_line", "Source and target are the same line.", field="to_line_id"
        )
    if (source_line.product_id, source_line.warehouse_id) != (
        target_line.product_id,
        target_line.warehouse_id,
    ) or source_line.warehouse_id is None:
        raise ValidationFailed(
            "reserve.move_other_goods",
            "Reserve moves only between lines of the same product and warehouse.",
            field="to_line_id",
        )
    for line in (source_line, target_line):
        order = session.get(CustomerOrder, line.customer_order_id)
        if line.deleted_at is not None or order is None or order.deleted_at is not None:
            raise NotFound("order_line.not_found", f"Order line {line.id} does not exist.")
        _require_status(order, OPEN_ORDER_STATUSES, "moving reserve")
    _free_after_lock(session, source_line)
    session.refresh(target_line)
    if wanted > Decimal(source_line.reserved_quantity):
        raise ValidationFailed(
            "reserve.release_above_reserved",
            f"The source line holds only {source_line.reserved_quantity} in reserve.",
            field="quantity",
            params={"reserved": str(source_line.reserved_quantity), "asked": str(wanted)},
        )
    need = _unshipped(target_line) - Decimal(target_line.reserved_quantity)
    if wanted > need:
        raise ValidationFailed(
            "reserve.above_line",
            f"The target line needs only {need} more; {wanted} asked.",
            field="quantity",
            params={"line": target_line.line_number, "need": str(need), "asked": str(wanted)},
        )
    source_line.reserved_quantity = Decimal(source_line.reserved_quantity) - wanted
    target_line.reserved_quantity = Decimal(target_line.reserved_quantity) + wanted
    source_line.updated_at = target_line.updated_at = now
    adjustment = ReserveAdjustment(
        product_id=source_line.product_id,
        warehouse_id=source_line.warehouse_id,
        from_order_line_id=source_line.id,
        to_order_line_id=target_line.id,
        quantity=wanted,
        adjusted_at=now,
        user_id=user_id,
    )
    session.add(adjustment)
    session.flush()
    return adjustment


# Shipments and payments


def _planned_quantities(
    session: Session, order: CustomerOrder, lines: Sequence[Mapping[str, Any]]
) -> dict[int, tuple[CustomerOrderLine, Decimal]]:
    """Order line id -> (the line, the quantity asked), lines named twice summed."""
    planned: dict[int, tuple[CustomerOrderLine, Decimal]] = {}
    for values in lines:
        line = get_line(session, order, values["order_line_id"])
        qty = quantity(values["quantity"])
        previous = planned.get(line.id, (line, Decimal(0)))[1]
        planned[line.id] = (line, previous + qty)
    return planned


def _shipped_part_amount(session: Session, line: CustomerOrderLine, qty: Decimal) -> Decimal:
    """The amount of `qty` of the line just shipped (its shipped_quantity already counts it)."""
    # The last part of a line takes the remainder so the shipped sum equals the line amount.
    if line.shipped_quantity != line.quantity:
        return (Decimal(line.amount) * qty / Decimal(line.quantity)).quantize(CENT)
    shipped_before = Decimal(
        session.scalar(
            select(func.coalesce(func.sum(ShipmentLine.amount), 0)).where(
                ShipmentLine.customer_order_line_id == line.id,
                ShipmentLine.deleted_at.is_(None),
            )
        )
        or 0
    )
    return Decimal(line.amount) - shipped_before


def _take_from_stock(
    session: Session, line: CustomerOrderLine, qty: Decimal, now: dt.datetime
) -> None:
    """Ship `qty` of the line: no more than is left to ship, from its reserve first, then from
    free stock; the stock level and the line's reserve and shipped quantity follow."""
    level = lock_stock(session, line.product_id, line.warehouse_id)
    session.refresh(line)
    remaining = _unshipped(line)
    if qty > remaining:
        raise ValidationFailed(
            "shipment.above_ordered",
            f"Line {line.line_number}: {qty} asked, only {remaining} left to ship.",
            field="quantity",
            params={"line": line.line_number, "left": str(remaining), "asked": str(qty)},
        )
    from_reserve = min(qty, Decimal(line.reserved_quantity))
    from_free = qty - from_reserve
    stock = Decimal(level.quantity_on_hand) if level is not None else Decimal(0)
    free = stock - reserved_total(session, line.product_id, line.warehouse_id)
    if from_free > free or qty > stock:
        raise InsufficientStock(
            "shipment.above_stock",
            f"Line {line.line_number}: {qty} asked, not enough goods at the warehouse "
            f"(reserved for this line {from_reserve}, free {max(free, Decimal(0))}).",
            field="quantity",
            params={"line": line.line_number, "free": str(max(free, Decimal(0)))},
        )
    assert level is not None
    level.quantity_on_hand = stock - qty
    line.reserved_quantity = Decimal(line.reserved_quantity) - from_reserve
    line.shipped_quantity = Decimal(line.shipped_quantity) + qty
    line.updated_at = now


def record_shipment(
    session: Session,
    order: CustomerOrder,
    lines: Sequence[Mapping[str, Any]],
    *,
    shipped_at: dt.datetime | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Shipment:
    """Реализация: ship per line ≤ ordered − shipped; consumes the reserve, then free stock."""
    now = now or utc_now()
    check_version(order, expected_version)
    _require_status(order, ("to_ship",), "shipping")
    if not lines:
        raise ValidationFailed("shipment.no_lines", "A shipment needs at least one line.")
    planned = _planned_quantities(session, order, lines)
    shipment = Shipment(
        number=next_number(session, Shipment, SHIPMENT_PREFIX),
        customer_order_id=order.id,
        shipped_at=shipped_at or now,
        amount=Decimal(0),
        cost_amount=Decimal(0),
    )
    warehouses = {line.warehouse_id for line, _ in planned.values()}
    shipment.warehouse_id = warehouses.pop() if len(warehouses) == 1 else None
    session.add(shipment)
    session.flush()
    total = cost = Decimal(0)
    for line, qty in planned.values():
        _take_from_stock(session, line, qty, now)
        amount = _shipped_part_amount(session, line, qty)
        product = session.get(Product, line.product_id)
        assert product is not None
        session.add(
            ShipmentLine(
                shipment_id=shipment.id,
                customer_order_line_id=line.id,
                product_id=line.product_id,
                quantity=qty,
                amount=amount,
            )
        )
        total += amount
        cost += (Decimal(product.cost_price) * qty).quantize(CENT)
        session.flush()
    shipment.amount = total
    shipment.cost_amount = cost
    # Who owned the goods (issue 22): may pass them to the order's organization first.
    record_shipment_ownership(
        session,
        order,
        shipment,
        [(line.product_id, line.warehouse_id, qty) for line, qty in planned.values()],
    )
    if all(
        Decimal(line.shipped_quantity) >= Decimal(line.quantity)
        for line in order_lines(session, order.id)
    ):
        order.status = "shipped"
    order.updated_at = now
    session.flush()
    return shipment


def record_payment(
    session: Session,
    order: CustomerOrder,
    amount: Decimal | int | str,
    *,
    paid_at: dt.datetime | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Payment:
    """Поступление оплаты against the order: never more than the order still expects."""
    now = now or utc_now()
    check_version(order, expected_version)
    _require_status(order, PAYABLE_STATUSES, "recording a payment")
    value = money(amount, "amount")
    if value <= 0:
        raise ValidationFailed(
            "money.positive", "The payment amount must be above 0.", field="amount"
        )
    totals = order_totals(session, order)
    left = totals.total - totals.returned - totals.paid
    if value > left:
        raise ValidationFailed(
            "payment.above_order",
            f"Order {order.number} expects only {left} more; {value} given.",
            field="amount",
            params={"left": str(left), "given": str(value)},
        )
    payment = Payment(
        number=next_number(session, Payment, PAYMENT_PREFIX),
        customer_order_id=order.id,
        partner_id=order.partner_id,
        paid_at=paid_at or now,
        amount=value,
    )
    session.add(payment)
    order.updated_at = now
    session.flush()
    return payment


def order_from_offer(
    session: Session,
    offer: CommercialOffer,
    offer_lines: Sequence[Any],
    *,
    warehouse_id: int | None = None,
    now: dt.datetime | None = None,
) -> CustomerOrder:
    """The order an accepted offer becomes: lines copied, the price adjustment folded in."""
    now = now or utc_now()
    lines = [
        {
            "product_id": line.product_id,
            "warehouse_id": warehouse_id,
            "quantity": line.quantity,
            "price": Decimal(line.price) + Decimal(line.price_adjustment),
            "discount_percent": line.discount_percent,
        }
        for line in offer_lines
    ]
    return create_order(
        session,
        partner_id=offer.partner_id,
        agreement_id=offer.agreement_id,
        deal_id=offer.deal_id,
        organization_id=offer.organization_id,
        manager_id=offer.manager_id,
        commercial_offer_id=offer.id,
        lines=lines,
        ordered_at=now,
        now=now,
    )
