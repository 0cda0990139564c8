"""A customer's settlements for the portal's orders, debt and reconciliation tests: two orders of
one partner (shipped in parts before and inside a period, paid in parts, a received return) and
another partner's order that must never show. Dates are explicit; nothing reads the clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from operational_app.db.models import (
    Counterparty,
    CustomerOrder,
    Organization,
    Payment,
    ReturnRequest,
    ReturnRequestLine,
    Shipment,
    ShipmentLine,
    User,
)
from operational_app.domain import orders, organizations, partners
from tests.operational_app.utils.factories import create_random_partner, legal_entity_inn
from tests.operational_app.utils.sales import Sales, create_order, create_sales
from tests.operational_app.utils.users import bearer, create_token

# Moscow noon, stored as naive UTC (documents away from a day's edge).
NOON = dt.time(9, 0)


def moment(day: str, time: dt.time = NOON) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), time)


@dataclass
class Scenario:
    sales: Sales
    organization: Organization
    counterparty: Counterparty
    customer: User
    headers: dict[str, str]
    shipped_order: CustomerOrder
    open_order: CustomerOrder
    other_partner_id: int
    other_headers: dict[str, str]
    other_order: CustomerOrder
    shipments: list[Shipment] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    returns: list[ReturnRequest] = field(default_factory=list)
    foreign_texts: list[str] = field(default_factory=list)


def portal_user(db: Session, partner_id: int, login: str) -> User:
    user = User(login=login, full_name=f"Клиент {login}", role="customer", partner_id=partner_id)
    db.add(user)
    db.commit()
    return user


def receive_return(
    db: Session,
    order: CustomerOrder,
    shipment_line: ShipmentLine,
    qty: Decimal,
    received_at: dt.datetime,
    number: str,
) -> ReturnRequest:
    """A received Возврат товаров от клиента written as rows (the workflow is another part's)."""
    price = (Decimal(shipment_line.amount) / Decimal(shipment_line.quantity)).quantize(
        Decimal("0.01")
    )
    request = ReturnRequest(
        number=number,
        partner_id=order.partner_id,
        customer_order_id=order.id,
        status="received",
        registered_at=received_at - dt.timedelta(days=3),
        received_at=received_at,
        total_amount=price * qty,
    )
    db.add(request)
    db.flush()
    db.add(
        ReturnRequestLine(
            return_request_id=request.id,
            line_number=1,
            shipment_line_id=shipment_line.id,
            product_id=shipment_line.product_id,
            quantity=qty,
            price=price,
            amount=price * qty,
        )
    )
    db.commit()
    return request


def _ship(db: Session, order: CustomerOrder, qty: int, day: str) -> Shipment:
    line = orders.order_lines(db, order.id)[0]
    shipment = orders.record_shipment(
        db, order, [{"order_line_id": line.id, "quantity": qty}], shipped_at=moment(day)
    )
    db.commit()
    return shipment


def _pay(db: Session, order: CustomerOrder, amount: str, paid_at: dt.datetime) -> Payment:
    payment = orders.record_payment(db, order, Decimal(amount), paid_at=paid_at)
    db.commit()
    return payment


def build(db: Session) -> Scenario:
    """Orders of our organisation with the customer's counterparty:

    shipped_order (10.01.2026, 4 × 90,00 = 360,00; schedule 108,00 prepayment due 10.01 and
    252,00 credit due 24.01): shipped 2 on 15.01 and 2 on 20.02, paid 100,00 on 12.01 and
    50,00 on 01.02 at 01:00 Moscow time (31.01 22:00 UTC), 1 unit returned on 01.03;
    open_order (20.03.2026, 2 × 90,00, approved, nothing paid): its prepayment is due.
    The other partner's order (7 units, 630,00) is shipped and paid in the same period.
    """
    inn = legal_entity_inn()
    organization = organizations.create_organization(
        db, {"name": "ООО «Поставщик»", "inn": inn, "kpp": "770101001"}
    )
    sales = create_sales(db, stock=100, organization_id=organization.id)
    counterparty = partners.create_counterparty(
        db,
        partner_id=sales.partner.id,
        legal_form="legal_entity",
        inn=legal_entity_inn(),
        kpp="770201001",
        legal_name="АО «Клиент»",
    )
    db.commit()
    shipped_order = create_order(
        db, sales, qty=4, ordered_at=moment("2026-01-10"), counterparty_id=counterparty.id,
        planned_shipment_date=dt.date(2026, 2, 1),
    )  # fmt: skip
    orders.submit_order(db, shipped_order, now=moment("2026-01-10"))
    orders.release_to_shipping(db, shipped_order)
    db.commit()
    scenario_payments = [_pay(db, shipped_order, "100.00", moment("2026-01-12"))]
    scenario_shipments = [_ship(db, shipped_order, 2, "2026-01-15")]
    scenario_shipments.append(_ship(db, shipped_order, 2, "2026-02-20"))
    scenario_payments.append(
        _pay(db, shipped_order, "50.00", dt.datetime(2026, 1, 31, 22, 0))  # 01.02 in Moscow
    )
    second_line = db.query(ShipmentLine).filter_by(shipment_id=scenario_shipments[1].id).one()
    returned = receive_return(
        db, shipped_order, second_line, Decimal(1), moment("2026-03-01"), "ВЗ-000001"
    )
    open_order = create_order(db, sales, qty=2, ordered_at=moment("2026-03-20"))
    orders.submit_order(db, open_order, now=moment("2026-03-20"))
    db.commit()

    other = create_random_partner(db)
    other_order = create_order(
        db, sales, qty=7, partner_id=other.id, ordered_at=moment("2026-01-05")
    )
    orders.submit_order(db, other_order, now=moment("2026-01-05"))
    orders.release_to_shipping(db, other_order)
    db.commit()
    other_shipment = _ship(db, other_order, 7, "2026-02-10")
    other_payment = _pay(db, other_order, "630.00", moment("2026-02-11"))

    customer = portal_user(db, sales.partner.id, f"client-{sales.partner.id}")
    other_customer = portal_user(db, other.id, f"client-{other.id}")
    return Scenario(
        sales=sales,
        organization=organization,
        counterparty=counterparty,
        customer=customer,
        headers=bearer(create_token(db, customer)),
        shipped_order=shipped_order,
        open_order=open_order,
        other_partner_id=other.id,
        other_headers=bearer(create_token(db, other_customer)),
        other_order=other_order,
        shipments=scenario_shipments,
        payments=scenario_payments,
        returns=[returned],
        foreign_texts=[other_order.number, other_shipment.number, other_payment.number, "630"],
    )


def documents(db: Session, scenario: Scenario) -> list[tuple[dt.date, str, Decimal]]:
    """The customer's documents as (Moscow day, kind, signed amount: + shipment, − payment or
    return), read back from the rows the scenario wrote — the tests' own ledger."""
    shift = dt.timedelta(hours=3)  # Moscow has no daylight saving time since 2014
    rows = []
    for shipment in scenario.shipments:
        db.refresh(shipment)
        rows.append(((shipment.shipped_at + shift).date(), "shipment", Decimal(shipment.amount)))
    for payment in scenario.payments:
        rows.append(((payment.paid_at + shift).date(), "payment", -Decimal(payment.amount)))
    for request in scenario.returns:
        rows.append(
            ((request.received_at + shift).date(), "return", -Decimal(request.total_amount))
        )
    return rows
