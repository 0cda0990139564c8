"""Settlements with a portal customer (issue 19): the fulfilment and payment of each order, the
current debt with overdue amounts by age, and the reconciliation statement (акт сверки).

Plain functions over (session, scope, dates): the portal's pages, its API and the statement's
PDF/XLSX all read these, and every query goes through the customer's `PortalScope`.

Definitions (the same as the marts where they have one):
- Documents that move the balance: Реализации (shipments, our claim on the customer), Поступления
  оплат (payments) and received Возвраты товаров от клиента (return requests with status
  `received`, valued at their lines' amounts). Orders that are deleted or cancelled count for
  nothing (as in domain.orders.partner_debt).
- Balance = shipped − returned − paid; positive is the customer's debt, negative an advance.
- A document's date is its local calendar day (CRM_TIMEZONE); "as of D" takes everything dated
  up to the end of D.
- The payment schedule is settled first in, first out: an order's payments (by time) cover its
  schedule items in due order (int_payment_schedule_items_allocated_fifo). An item's uncovered
  part is overdue once its due date has passed; the overdue debt is the part of the order's debt
  (shipped − returned − paid, when positive) covered by overdue items, oldest first, for orders
  whose documents count in debt (DEBT_ORDER_STATUSES, the dbt macro debt_order_statuses).
- Prepayments due: the uncovered part of prepayment items of orders not yet shipped (approved or
  to_ship): money expected before the goods leave, not yet a debt.
- Paid per order line: the order's paid amount shared out in proportion to the lines' amounts, to
  the cent, the last line taking the remainder (as a shipment shares out a line's amount).
- The statement: one per pair (our organisation, the customer's counterparty) of the orders; an
  order without a counterparty belongs to the partner's only counterparty when it has one, else
  to the partner itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    Counterparty,
    CustomerOrder,
    CustomerOrderLine,
    Organization,
    Partner,
    Payment,
    PaymentScheduleItem,
    Product,
    ReturnRequest,
    ReturnRequestLine,
    Shipment,
    ShipmentLine,
)
from operational_app.domain.errors import ValidationFailed
from operational_app.portal.scope import PortalScope

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
DEBT_ORDER_STATUSES = ("approved", "to_ship", "shipped", "closed")
UNSHIPPED_ORDER_STATUSES = ("approved", "to_ship")
# Age of overdue amounts, days past the due date: (key, first day, last day or None).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("over_90", 91, None),
)
# A statement covers at most this many days; the dates themselves stay within these years.
MAX_PERIOD_DAYS = 5 * 366
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)
PAGE_SIZE = 20

DOCUMENT_TITLES = {
    "shipment": "Реализация товаров",
    "payment": "Оплата (Поступление безналичных ДС)",
    "return": "Возврат товаров от клиента",
}


# Dates


def day_end(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The first stored (naive UTC) moment after local day `day`."""
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start.astimezone(dt.UTC).replace(tzinfo=None)


def local_day(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    aware = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    return aware.astimezone(zone).date()


def today(zone: ZoneInfo, as_of: dt.datetime | None = None) -> dt.date:
    """The local day the portal reports for: CRM_AS_OF when set (naive UTC), else today."""
    return local_day(as_of or dt.datetime.now(dt.UTC), zone)


def check_day(day: dt.date, name: str = "as_of") -> dt.date:
    """A report date within the years the portal reports on (no 0001 or 9999 overflows)."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationFailed(
            "reconciliation.date_out_of_range",
            f"{name} must lie between {EARLIEST_DAY} and {LATEST_DAY}.",
            field=name,
            params={"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )
    return day


def check_period(date_from: dt.date, date_to: dt.date) -> None:
    """Refuse a reversed, too long or out-of-range period with a rule the UI translates."""
    if date_from > date_to:
        raise ValidationFailed(
            "reconciliation.period_reversed",
            f"The period starts ({date_from}) after it ends ({date_to}).",
            field="date_from",
            params={"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
        )
    check_day(date_from, "date_from")
    check_day(date_to, "date_to")
    if (date_to - date_from).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationFailed(
            "reconciliation.period_too_long",
            f"A statement covers at most {MAX_PERIOD_DAYS} days; ask for a shorter period.",
            field="date_from",
            params={"days": MAX_PERIOD_DAYS},
        )


def parse_day(value: str | None, name: str) -> dt.date | None:
    """A YYYY-MM-DD query parameter of a page; blank is None, junk a ValidationFailed."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(
            "reconciliation.date_invalid",
            f"{name} must be a date as YYYY-MM-DD.",
            field=name,
            params={"field": name},
        ) from None


def money(value: Decimal | int | None) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


# Documents that move the balance


@dataclass(frozen=True)
class Movement:
    """One document of the settlement: a shipment (debit), a payment or a return (credit)."""

    kind: str
    document_id: int
    number: str
    moment: dt.datetime
    day: dt.date
    amount: Decimal
    order_id: int
    organization_id: int | None
    counterparty_id: int | None

    @property
    def debit(self) -> Decimal:
        return self.amount if self.kind == "shipment" else ZERO

    @property
    def credit(self) -> Decimal:
        return ZERO if self.kind == "shipment" else self.amount

    @property
    def title(self) -> str:
        return f"{DOCUMENT_TITLES[self.kind]} № {self.number} от {self.day:%d.%m.%Y}"


_KIND_ORDER = {"shipment": 0, "return": 1, "payment": 2}


def movements(
    session: Session,
    scope: PortalScope,
    zone: ZoneInfo,
    *,
    until: dt.date | None = None,
    order_ids: Sequence[int] | None = None,
) -> list[Movement]:
    """The partner's shipments, payments and received returns up to the end of `until` (all
    when None), of `order_ids` only when given, in date order."""
    counted = CustomerOrder.status != "cancelled"
    end = day_end(until, zone) if until is not None else None
    header = (CustomerOrder.organization_id, CustomerOrder.counterparty_id)

    def limited(statement, moment_column, order_column):
        if end is not None:
            statement = statement.where(moment_column < end)
        if order_ids is not None:
            statement = statement.where(order_column.in_(list(order_ids)))
        return statement

    shipments = scope.where(
        limited(
            select(
                Shipment.id, Shipment.number, Shipment.shipped_at, Shipment.amount,
                Shipment.customer_order_id, *header,
            )
            .join(CustomerOrder, CustomerOrder.id == Shipment.customer_order_id)
            .where(counted),
            Shipment.shipped_at,
            Shipment.customer_order_id,
        ),
        Shipment,
        CustomerOrder,
    )  # fmt: skip
    payments = scope.where(
        limited(
            select(
                Payment.id, Payment.number, Payment.paid_at, Payment.amount,
                Payment.customer_order_id, *header,
            )
            .join(CustomerOrder, CustomerOrder.id == Payment.customer_order_id)
            .where(counted),
            Payment.paid_at,
            Payment.customer_order_id,
        ),
        Payment,
        CustomerOrder,
    )  # fmt: skip
    returns = scope.where(
        limited(
            select(
                ReturnRequest.id, ReturnRequest.number, ReturnRequest.received_at,
                func.sum(ReturnRequestLine.amount), ReturnRequest.customer_order_id, *header,
            )
            .join(ReturnRequestLine, ReturnRequestLine.return_request_id == ReturnRequest.id)
            .join(CustomerOrder, CustomerOrder.id == ReturnRequest.customer_order_id)
            .where(counted, ReturnRequest.status == "received")
            .group_by(
                ReturnRequest.id, ReturnRequest.number, ReturnRequest.received_at,
                ReturnRequest.customer_order_id, *header,
            ),
            ReturnRequest.received_at,
            ReturnRequest.customer_order_id,
        ),
        ReturnRequest,
        ReturnRequestLine,
        CustomerOrder,
    )  # fmt: skip
    found = [
        movement
        for kind, statement in (("shipment", shipments), ("payment", payments), ("return", returns))
        for movement in _movements_of(session, kind, statement, zone)
    ]
    found.sort(key=lambda m: (m.moment, _KIND_ORDER[m.kind], m.number))
    return found


def _movements_of(
    session: Session, kind: str, statement: Select[Any], zone: ZoneInfo
) -> list[Movement]:
    """Rows of (id, number, moment, amount, order, organization, counterparty) as movements."""
    return [
        Movement(
            kind=kind,
            document_id=row_id,
            number=number,
            moment=moment,
            day=local_day(moment, zone),
            amount=money(amount),
            order_id=order_id,
            organization_id=organization_id,
            counterparty_id=counterparty_id,
        )
        for (
            row_id,
            number,
            moment,
            amount,
            order_id,
            organization_id,
            counterparty_id,
        ) in session.execute(statement)
    ]


@dataclass
class Position:
    """Shipped, returned and paid amounts of one order or of all of them."""

    shipped: Decimal = ZERO
    returned: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        """What the customer owes (negative: an advance they paid)."""
        return self.shipped - self.returned - self.paid

    @property
    def debt(self) -> Decimal:
        return max(self.balance, ZERO)

    @property
    def advance(self) -> Decimal:
        return max(-self.balance, ZERO)

    def add(self, movement: Movement) -> None:
        if movement.kind == "shipment":
            self.shipped += movement.amount
        elif movement.kind == "return":
            self.returned += movement.amount
        else:
            self.paid += movement.amount


def positions(found: Iterable[Movement]) -> dict[int, Position]:
    """Order id -> its position over `found`."""
    result: dict[int, Position] = defaultdict(Position)
    for movement in found:
        result[movement.order_id].add(movement)
    return result


# The payment schedule, first in, first out


@dataclass(frozen=True)
class ScheduleItemState:
    item_id: int
    due_date: dt.date
    kind: str
    amount: Decimal
    paid: Decimal
    settled_on: dt.date | None
    days_overdue: int
    overdue_debt: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid

    @property
    def status(self) -> str:
        """paid | overdue | partly_paid | due."""
        if self.outstanding <= 0:
            return "paid"
        if self.days_overdue > 0:
            return "overdue"
        return "partly_paid" if self.paid > 0 else "due"


def allocate_schedule(
    items: Sequence[tuple[int, dt.date, str, Decimal]],
    payments: Sequence[tuple[dt.date, Decimal]],
    *,
    as_of: dt.date,
    order_debt: Decimal,
    counted: bool = True,
) -> list[ScheduleItemState]:
    """Cover `items` (id, due date, kind, amount) in due order with `payments` (day, amount) in
    time order; overdue as of `as_of`; `order_debt` (when positive) is shared out as overdue debt
    over the overdue items, oldest first. Pure: the order card and the debt page share it."""
    ordered = sorted(items, key=lambda item: (item[1], item[0]))
    paid_total = sum((amount for _, amount in payments), ZERO)
    running_payments = []
    running = ZERO
    for day, amount in payments:
        running += amount
        running_payments.append((running, day))
    states = []
    scheduled_before = ZERO
    earlier_overdue = ZERO
    debt = max(order_debt, ZERO)
    for item_id, due_date, kind, amount in ordered:
        through = scheduled_before + amount
        paid = min(max(paid_total - scheduled_before, ZERO), amount)
        settled_on = next((day for total, day in running_payments if total >= through), None)
        outstanding = amount - paid
        days_overdue = (as_of - due_date).days if outstanding > 0 and due_date < as_of else 0
        overdue_payment = outstanding if counted and days_overdue > 0 else ZERO
        overdue_debt = max(min(overdue_payment, debt - earlier_overdue), ZERO)
        earlier_overdue += overdue_payment
        scheduled_before = through
        states.append(
            ScheduleItemState(
                item_id=item_id,
                due_date=due_date,
                kind=kind,
                amount=amount,
                paid=paid,
                settled_on=settled_on,
                days_overdue=days_overdue,
                overdue_debt=overdue_debt,
            )
        )
    return states


def age_bucket(days_overdue: int) -> str | None:
    for key, first, last in AGE_BUCKETS:
        if days_overdue >= first and (last is None or days_overdue <= last):
            return key
    return None


def _schedule_items(
    session: Session, scope: PortalScope, order_ids: Sequence[int]
) -> dict[int, list[tuple[int, dt.date, str, Decimal]]]:
    rows = session.scalars(
        scope.select(PaymentScheduleItem).where(
            PaymentScheduleItem.customer_order_id.in_(list(order_ids))
        )
    )
    result: dict[int, list] = defaultdict(list)
    for item in rows:
        result[item.customer_order_id].append(
            (item.id, item.due_date, item.kind, money(item.amount))
        )
    return result


def _order_schedules(
    orders: Sequence[CustomerOrder],
    items: dict[int, list],
    found: Sequence[Movement],
    as_of: dt.date,
) -> dict[int, list[ScheduleItemState]]:
    payments_by_order: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for movement in found:
        if movement.kind == "payment":
            payments_by_order[movement.order_id].append((movement.day, movement.amount))
    by_order = positions(found)
    return {
        order.id: allocate_schedule(
            items.get(order.id, []),
            payments_by_order.get(order.id, []),
            as_of=as_of,
            order_debt=by_order[order.id].debt if order.id in by_order else ZERO,
            counted=order.status in DEBT_ORDER_STATUSES,
        )
        for order in orders
    }


# Debt


@dataclass(frozen=True)
class PrepaymentDue:
    order_id: int
    order_number: str
    due_date: dt.date
    amount: Decimal
    is_overdue: bool


@dataclass(frozen=True)
class OrderDebt:
    order_id: int
    order_number: str
    status: str
    position: Position
    overdue: Decimal


@dataclass
class DebtSummary:
    as_of: dt.date
    total: Position
    overdue_buckets: dict[str, Decimal]
    prepayments_due: list[PrepaymentDue]
    orders: list[OrderDebt]

    @property
    def overdue_total(self) -> Decimal:
        return sum(self.overdue_buckets.values(), ZERO)

    @property
    def prepayments_due_total(self) -> Decimal:
        return sum((item.amount for item in self.prepayments_due), ZERO)


def _live_orders(session: Session, scope: PortalScope) -> list[CustomerOrder]:
    return list(
        session.scalars(
            scope.select(CustomerOrder)
            .where(CustomerOrder.status != "cancelled")
            .order_by(CustomerOrder.ordered_at, CustomerOrder.id)
        )
    )


def debt_summary(
    session: Session, scope: PortalScope, *, as_of: dt.date, zone: ZoneInfo
) -> DebtSummary:
    """The partner's debt as of the end of `as_of`: balance, overdue by age, prepayments due."""
    check_day(as_of)
    orders = _live_orders(session, scope)
    found = movements(session, scope, zone, until=as_of)
    by_order = positions(found)
    schedules = _order_schedules(
        orders, _schedule_items(session, scope, [o.id for o in orders]), found, as_of
    )
    total = Position()
    for movement in found:
        total.add(movement)
    buckets = {key: ZERO for key, _, _ in AGE_BUCKETS}
    prepayments: list[PrepaymentDue] = []
    rows: list[OrderDebt] = []
    for order in orders:
        overdue = ZERO
        for state in schedules[order.id]:
            bucket = age_bucket(state.days_overdue)
            if bucket is not None and state.overdue_debt > 0:
                buckets[bucket] += state.overdue_debt
                overdue += state.overdue_debt
            if (
                state.kind == "prepayment"
                and order.status in UNSHIPPED_ORDER_STATUSES
                and state.outstanding > 0
            ):
                prepayments.append(
                    PrepaymentDue(
                        order_id=order.id,
                        order_number=order.number,
                        due_date=state.due_date,
                        amount=state.outstanding,
                        is_overdue=state.days_overdue > 0,
                    )
                )
        position = by_order.get(order.id, Position())
        if position.balance != 0 or overdue > 0:
            rows.append(OrderDebt(order.id, order.number, order.status, position, overdue))
    return DebtSummary(
        as_of=as_of,
        total=total,
        overdue_buckets=buckets,
        prepayments_due=sorted(prepayments, key=lambda p: (p.due_date, p.order_number)),
        orders=rows,
    )


# Orders


@dataclass(frozen=True)
class OrderRow:
    order: CustomerOrder
    position: Position


def list_orders(
    session: Session,
    scope: PortalScope,
    zone: ZoneInfo,
    *,
    status: str | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> tuple[list[OrderRow], int]:
    """A page of the partner's orders, newest first, with shipped/returned/paid; and the count."""
    statement = scope.select(CustomerOrder)
    if status:
        statement = statement.where(CustomerOrder.status == status)
    total = session.scalar(
        select(func.count()).select_from(statement.with_only_columns(CustomerOrder.id).subquery())
    )
    orders = list(
        session.scalars(
            statement.order_by(CustomerOrder.ordered_at.desc(), CustomerOrder.id.desc())
            .offset(offset)
            .limit(limit)
        )
    )
    by_order = positions(movements(session, scope, zone, order_ids=[o.id for o in orders]))
    rows = [OrderRow(order, by_order.get(order.id, Position())) for order in orders]
    return rows, int(total or 0)


@dataclass(frozen=True)
class LineFulfilment:
    line: CustomerOrderLine
    product_name: str
    returned_quantity: Decimal
    paid: Decimal
    shipment_days: list[dt.date]


@dataclass(frozen=True)
class ShipmentLineView:
    order_line_number: int | None
    product_name: str
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class ShipmentView:
    shipment: Shipment
    day: dt.date
    lines: list[ShipmentLineView]


@dataclass
class OrderDetail:
    order: CustomerOrder
    organization_name: str | None
    counterparty_name: str | None
    position: Position
    lines: list[LineFulfilment]
    shipments: list[ShipmentView]
    schedule: list[ScheduleItemState]
    payments: list[Movement]
    returns: list[Movement]
    as_of: dt.date
    shipment_days: list[dt.date] = field(default_factory=list)

    @property
    def is_shipped_on_time(self) -> bool | None:
        """The last shipment so far on or before the planned date (None: nothing to compare)."""
        if self.order.planned_shipment_date is None or not self.shipment_days:
            return None
        return max(self.shipment_days) <= self.order.planned_shipment_date


def share_paid(paid: Decimal, amounts: Sequence[Decimal]) -> list[Decimal]:
    """`paid` shared out over `amounts` in proportion, to the cent; the last takes the rest."""
    total = sum(amounts, ZERO)
    if total <= 0 or not amounts:
        return [ZERO for _ in amounts]
    shares = [(paid * amount / total).quantize(CENT) for amount in amounts[:-1]]
    return [*shares, paid - sum(shares, ZERO)]


def _returned_quantities(
    session: Session, scope: PortalScope, order_id: int
) -> defaultdict[int, Decimal]:
    """Quantity received back per order line (returns in status received)."""
    returned = defaultdict(lambda: Decimal(0))
    for order_line_id, qty in session.execute(
        scope.where(
            select(ShipmentLine.customer_order_line_id, func.sum(ReturnRequestLine.quantity))
            .join(ShipmentLine, ShipmentLine.id == ReturnRequestLine.shipment_line_id)
            .join(ReturnRequest, ReturnRequest.id == ReturnRequestLine.return_request_id)
            .where(
                ReturnRequest.status == "received",
                ReturnRequest.customer_order_id == order_id,
            )
            .group_by(ShipmentLine.customer_order_line_id),
            ReturnRequestLine,
            ShipmentLine,
            ReturnRequest,
        )
    ):
        returned[order_line_id] = Decimal(qty or 0)
    return returned


def _scoped_value(
    session: Session, scope: PortalScope, model: Any, record_id: int | None, attribute: str
) -> Any:
    """An attribute of the record the order names, when the partner's scope lets it be read."""
    if not record_id:
        return None
    record = session.scalars(scope.select(model).where(model.id == record_id)).first()
    return getattr(record, attribute) if record else None


def _shipped_lines(
    lines: list[CustomerOrderLine],
    shipment_lines: list[ShipmentLine],
    shipment_day: dict[int, dt.date],
    products: dict[int, str],
) -> tuple[dict[int, set[dt.date]], dict[int, list[ShipmentLineView]]]:
    """The days each order line was shipped on, and each shipment's lines as shown."""
    days_per_line: dict[int, set[dt.date]] = defaultdict(set)
    lines_per_shipment: dict[int, list[ShipmentLineView]] = defaultdict(list)
    line_numbers = {line.id: line.line_number for line in lines}
    for shipment_line in shipment_lines:
        days_per_line[shipment_line.customer_order_line_id].add(
            shipment_day[shipment_line.shipment_id]
        )
        lines_per_shipment[shipment_line.shipment_id].append(
            ShipmentLineView(
                order_line_number=line_numbers.get(shipment_line.customer_order_line_id),
                product_name=products.get(shipment_line.product_id, ""),
                quantity=Decimal(shipment_line.quantity),
                amount=money(shipment_line.amount),
            )
        )
    return days_per_line, lines_per_shipment


def order_detail(
    session: Session, scope: PortalScope, order_id: int, *, as_of: dt.date, zone: ZoneInfo
) -> OrderDetail:
    """One order of the partner (NotFound for anyone else's) with its fulfilment per line, its
    shipments, payments, received returns and the schedule's state as of `as_of`."""
    check_day(as_of)
    order = scope.get(session, CustomerOrder, order_id)
    lines = list(
        session.scalars(
            scope.select(CustomerOrderLine)
            .where(CustomerOrderLine.customer_order_id == order.id)
            .order_by(CustomerOrderLine.line_number)
        )
    )
    product_ids = {line.product_id for line in lines}
    shipments = list(
        session.scalars(
            scope.select(Shipment)
            .where(Shipment.customer_order_id == order.id)
            .order_by(Shipment.shipped_at, Shipment.id)
        )
    )
    shipment_lines = list(
        session.scalars(
            scope.select(ShipmentLine)
            .where(ShipmentLine.shipment_id.in_([s.id for s in shipments]))
            .order_by(ShipmentLine.id)
        )
    )
    product_ids |= {line.product_id for line in shipment_lines}
    products = {
        product.id: product.name
        for product in session.scalars(scope.select(Product).where(Product.id.in_(product_ids)))
    }
    returned = _returned_quantities(session, scope, order.id)
    found = movements(session, scope, zone, until=as_of, order_ids=[order.id])
    position = positions(found).get(order.id, Position())
    shipment_day = {s.id: local_day(s.shipped_at, zone) for s in shipments}
    days_per_line, lines_per_shipment = _shipped_lines(
        lines, shipment_lines, shipment_day, products
    )
    paid_shares = share_paid(position.paid, [money(line.amount) for line in lines])
    schedule = _order_schedules([order], _schedule_items(session, scope, [order.id]), found, as_of)[
        order.id
    ]
    return OrderDetail(
        order=order,
        organization_name=_scoped_value(
            session, scope, Organization, order.organization_id, "name"
        ),
        counterparty_name=_scoped_value(
            session, scope, Counterparty, order.counterparty_id, "legal_name"
        ),
        position=position,
        lines=[
            LineFulfilment(
                line=line,
                product_name=products.get(line.product_id, ""),
                returned_quantity=returned[line.id],
                paid=paid,
                shipment_days=sorted(days_per_line[line.id]),
            )
            for line, paid in zip(lines, paid_shares, strict=True)
        ],
        shipments=[
            ShipmentView(shipment=s, day=shipment_day[s.id], lines=lines_per_shipment[s.id])
            for s in shipments
        ],
        schedule=schedule,
        payments=[m for m in found if m.kind == "payment"],
        returns=[m for m in found if m.kind == "return"],
        as_of=as_of,
        shipment_days=sorted(set(shipment_day.values())),
    )


# The reconciliation statement (акт сверки взаиморасчётов)


@dataclass(frozen=True)
class Party:
    id: int | None
    name: str
    inn: str | None = None
    kpp: str | None = None

    @property
    def requisites(self) -> str:
        parts = [f"ИНН {self.inn}" if self.inn else "", f"КПП {self.kpp}" if self.kpp else ""]
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class Entry:
    day: dt.date
    kind: str
    number: str
    title: str
    debit: Decimal
    credit: Decimal


@dataclass
class Statement:
    organization: Party
    counterparty: Party
    date_from: dt.date
    date_to: dt.date
    opening: Decimal
    entries: list[Entry]

    @property
    def debit_turnover(self) -> Decimal:
        return sum((entry.debit for entry in self.entries), ZERO)

    @property
    def credit_turnover(self) -> Decimal:
        return sum((entry.credit for entry in self.entries), ZERO)

    @property
    def closing(self) -> Decimal:
        """Positive: the customer owes our organisation; negative: we owe the customer."""
        return self.opening + self.debit_turnover - self.credit_turnover

    @property
    def creditor(self) -> Party | None:
        """Whose favour the closing balance is in (None when it is zero)."""
        if self.closing > 0:
            return self.organization
        if self.closing < 0:
            return self.counterparty
        return None


def _parties(
    session: Session, scope: PortalScope, found: Sequence[Movement]
) -> tuple[dict[int | None, Party], dict[int | None, Party], int | None]:
    organizations = {
        org.id: Party(org.id, org.name, org.inn, org.kpp)
        for org in session.scalars(
            scope.select(Organization).where(
                Organization.id.in_({m.organization_id for m in found} - {None})
            )
        )
    }
    organizations[None] = Party(None, "Организация не указана")
    counterparties = {
        cp.id: Party(cp.id, cp.legal_name, cp.inn, cp.kpp)
        for cp in session.scalars(scope.select(Counterparty).order_by(Counterparty.id))
    }
    partner = scope.get(session, Partner, scope.partner_id)
    counterparties[None] = Party(None, partner.name)
    live = [key for key in counterparties if key is not None]
    only = live[0] if len(live) == 1 else None
    return organizations, counterparties, only


def reconciliation(
    session: Session,
    scope: PortalScope,
    *,
    date_from: dt.date,
    date_to: dt.date,
    zone: ZoneInfo,
    organization_id: int | None = None,
    counterparty_id: int | None = None,
) -> list[Statement]:
    """Акт сверки for the period, one statement per (organisation, counterparty) pair that has
    a document up to `date_to`; `organization_id` / `counterparty_id` keep only those pairs."""
    check_period(date_from, date_to)
    found = movements(session, scope, zone, until=date_to)
    organizations, counterparties, only = _parties(session, scope, found)
    grouped: dict[tuple[int | None, int | None], list[Movement]] = defaultdict(list)
    for movement in found:
        counterparty = movement.counterparty_id
        if counterparty is None or counterparty not in counterparties:
            counterparty = only
        grouped[(movement.organization_id, counterparty)].append(movement)
    statements = []
    for (org_id, cp_id), documents in grouped.items():
        if organization_id is not None and org_id != organization_id:
            continue
        if counterparty_id is not None and cp_id != counterparty_id:
            continue
        opening = sum((m.debit - m.credit for m in documents if m.day < date_from), ZERO)
        entries = [
            Entry(m.day, m.kind, m.number, m.title, m.debit, m.credit)
            for m in documents
            if m.day >= date_from
        ]
        statements.append(
            Statement(
                organization=organizations.get(org_id, organizations[None]),
                counterparty=counterparties[cp_id],
                date_from=date_from,
                date_to=date_to,
                opening=opening,
                entries=entries,
            )
        )
    statements.sort(key=lambda s: (s.organization.name, s.counterparty.name))
    return statements
