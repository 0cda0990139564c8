"""Счета на оплату: issued from a customer order, numbered, matched with payments, cancelled.

An invoice asks for the whole order (what is not yet invoiced) or for one payment-schedule item
(a prepayment, a deferred payment). Its number runs per organization and year without gaps
(numbering.allocate_in_series, in the issuing transaction); its lines carry the VAT rate of each
product on the issue date (domain/vat.py); its due date follows the agreement's terms through
the order's payment schedule.

Statuses::

    issued ──match payments──> partly_paid ──match the rest──> paid
      └──cancel (nothing matched)──> cancelled

Payments are recorded against orders (orders.record_payment); matching assigns a payment, or
part of one, to an invoice of the same order (invoice_payments). The status follows the matched
sum. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    Agreement,
    Counterparty,
    CustomerOrder,
    CustomerOrderLine,
    Invoice,
    InvoiceLine,
    InvoicePayment,
    Organization,
    Payment,
    PaymentScheduleItem,
    Product,
    utc_now,
)
from operational_app.domain import listing
from operational_app.domain.common import Actor, live_children
from operational_app.domain.errors import (
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
    check_version,
)
from operational_app.domain.numbering import allocate_in_series
from operational_app.domain.queries import Page
from operational_app.domain.vat import CENT, rate_label, vat_included, vat_rate

NUMBER_PREFIX = "СЧ-"
# An order can be invoiced once it is submitted and until it is closed or cancelled.
INVOICEABLE_STATUSES = ("on_approval", "approved", "to_ship", "shipped")
OPEN_STATUSES = ("issued", "partly_paid")
# Bank requisites an invoice cannot go out without (they are printed and in the QR code).
REQUIRED_REQUISITES = ("bank_name", "bank_bik", "settlement_account")


def series_key(organization_id: int, year: int) -> str:
    return f"invoices/{organization_id}/{year}"


def format_number(sequence_number: int) -> str:
    return f"{NUMBER_PREFIX}{sequence_number:06d}"


def _day(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


# Reading


def invoice_lines(session: Session, invoice_id: int) -> list[InvoiceLine]:
    return live_children(session, InvoiceLine.invoice_id, invoice_id, InvoiceLine.line_number)


def invoice_matches(session: Session, invoice_id: int) -> list[InvoicePayment]:
    return live_children(session, InvoicePayment.invoice_id, invoice_id, InvoicePayment.id)


def order_invoices(session: Session, order_id: int) -> list[Invoice]:
    return live_children(
        session, Invoice.customer_order_id, order_id, Invoice.issued_on, Invoice.id
    )


def paid_amount(session: Session, invoice_id: int) -> Decimal:
    """What matched payments cover of the invoice."""
    session.flush()
    total = session.scalar(
        select(func.coalesce(func.sum(InvoicePayment.amount), 0)).where(
            InvoicePayment.invoice_id == invoice_id, InvoicePayment.deleted_at.is_(None)
        )
    )
    return Decimal(total or 0)


def payment_unmatched(session: Session, payment: Payment) -> Decimal:
    """The part of a payment not yet matched to any invoice."""
    session.flush()
    matched = session.scalar(
        select(func.coalesce(func.sum(InvoicePayment.amount), 0)).where(
            InvoicePayment.payment_id == payment.id, InvoicePayment.deleted_at.is_(None)
        )
    )
    return Decimal(payment.amount) - Decimal(matched or 0)


def invoiced_amount(session: Session, order_id: int) -> Decimal:
    """The sum of the order's invoices that are not cancelled."""
    total = session.scalar(
        select(func.coalesce(func.sum(Invoice.amount), 0)).where(
            Invoice.customer_order_id == order_id,
            Invoice.deleted_at.is_(None),
            Invoice.status != "cancelled",
        )
    )
    return Decimal(total or 0)


# Issuing


@dataclass(frozen=True)
class _Line:
    product_id: int | None
    description: str
    unit: str
    quantity: Decimal
    price: Decimal
    amount: Decimal
    vat_rate: Decimal | None


def _require_organization(session: Session, order: CustomerOrder) -> Organization:
    organization = (
        session.get(Organization, order.organization_id) if order.organization_id else None
    )
    if organization is None:
        raise ValidationFailed(
            "invoice.organization_required",
            f"Order {order.number} has no organization to issue the invoice from.",
            field="organization_id",
        )
    missing = [name for name in REQUIRED_REQUISITES if not getattr(organization, name)]
    if missing:
        raise ValidationFailed(
            "invoice.requisites_missing",
            f"Organization {organization.name} lacks bank requisites: {', '.join(missing)}.",
            field="organization_id",
            params={"organization": organization.name, "missing": ", ".join(missing)},
        )
    return organization


def _counterparty_id(session: Session, order: CustomerOrder) -> int | None:
    if order.counterparty_id:
        return order.counterparty_id
    return session.scalar(
        select(Counterparty.id)
        .where(Counterparty.partner_id == order.partner_id, Counterparty.deleted_at.is_(None))
        .order_by(Counterparty.id)
        .limit(1)
    )


def _goods_lines(
    session: Session, order: CustomerOrder, issued_on: dt.date, organization: Organization
) -> list[_Line]:
    rows = session.execute(
        select(CustomerOrderLine, Product)
        .join(Product, Product.id == CustomerOrderLine.product_id)
        .where(
            CustomerOrderLine.customer_order_id == order.id,
            CustomerOrderLine.deleted_at.is_(None),
        )
        .order_by(CustomerOrderLine.line_number)
    ).all()
    lines = []
    for line, product in rows:
        amount = Decimal(line.amount)
        qty = Decimal(line.quantity)
        lines.append(
            _Line(
                product_id=product.id,
                description=product.name,
                unit=product.unit,
                quantity=qty,
                # The price after the line's discount, so quantity × price is the amount.
                price=(amount / qty).quantize(CENT, ROUND_HALF_UP),
                amount=amount,
                vat_rate=vat_rate(
                    product.vat_kind, issued_on, is_vat_payer=organization.is_vat_payer
                ),
            )
        )
    return lines


def _share_lines(goods: Sequence[_Line], amount: Decimal, description: str) -> list[_Line]:
    """A part of the order as one line per VAT rate, split in proportion to the goods at each
    rate; the last rate takes the rounding remainder so the lines add up to `amount`."""
    by_rate: dict[Decimal | None, Decimal] = {}
    for line in goods:
        by_rate[line.vat_rate] = by_rate.get(line.vat_rate, Decimal(0)) + line.amount
    total = sum(by_rate.values(), Decimal(0))
    rates = [rate for rate, value in by_rate.items() if value > 0]
    lines = []
    left = amount
    for index, rate in enumerate(rates):
        if index == len(rates) - 1:
            part = left
        else:
            part = (amount * by_rate[rate] / total).quantize(CENT, ROUND_HALF_UP)
        left -= part
        suffix = f" (товары со ставкой НДС {rate_label(rate)})" if len(rates) > 1 else ""
        lines.append(
            _Line(
                product_id=None,
                description=description + suffix,
                unit="усл.",
                quantity=Decimal(1),
                price=part,
                amount=part,
                vat_rate=rate,
            )
        )
    return lines


def _live_schedule_item(
    session: Session, order: CustomerOrder, item_id: int
) -> PaymentScheduleItem:
    item = session.get(PaymentScheduleItem, item_id)
    if item is None or item.deleted_at is not None or item.customer_order_id != order.id:
        raise ValidationFailed(
            "invoice.schedule_item_unknown",
            f"Payment schedule item {item_id} is not in order {order.number}.",
            field="payment_schedule_item_id",
            params={"id": item_id},
        )
    taken = session.scalar(
        select(Invoice.number).where(
            Invoice.payment_schedule_item_id == item.id,
            Invoice.deleted_at.is_(None),
            Invoice.status != "cancelled",
        )
    )
    if taken:
        raise TransitionNotAllowed(
            "invoice.schedule_item_invoiced",
            f"Invoice {taken} already asks for this schedule item.",
            params={"number": taken},
        )
    return item


def _order_due_date(session: Session, order: CustomerOrder, issued_on: dt.date) -> dt.date:
    """The last due date of the order's schedule, else the agreement's deferral from today."""
    last_due = session.scalar(
        select(func.max(PaymentScheduleItem.due_date)).where(
            PaymentScheduleItem.customer_order_id == order.id,
            PaymentScheduleItem.deleted_at.is_(None),
        )
    )
    if last_due is not None:
        return max(last_due, issued_on)
    agreement = session.get(Agreement, order.agreement_id) if order.agreement_id else None
    return issued_on + dt.timedelta(days=agreement.deferral_days if agreement else 0)


def _what_to_ask(
    session: Session,
    order: CustomerOrder,
    payment_schedule_item_id: int | None,
    issued_on: dt.date,
    remaining: Decimal,
) -> tuple[PaymentScheduleItem | None, str, Decimal, dt.date, str]:
    """(schedule item, kind, amount, due date, description) of an invoice for one schedule
    item, or for the order's `remaining` amount."""
    heading = f"по заказу клиента № {order.number} от {_day(order.ordered_at.date())}"
    if payment_schedule_item_id is None:
        due_date = _order_due_date(session, order, issued_on)
        return None, "order", remaining, due_date, f"Оплата {heading}"
    item = _live_schedule_item(session, order, payment_schedule_item_id)
    if item.kind == "prepayment":
        description = f"Предварительная оплата {heading}"
    else:
        description = f"Оплата {heading} (по графику на {_day(item.due_date)})"
    return item, item.kind, Decimal(item.amount), max(item.due_date, issued_on), description


def _next_sequence(session: Session, organization_id: int, year: int) -> int:
    """The next number of the organization's invoice series for the year."""
    # Invoices written without the counter (the demo seed) keep their numbers: continue after.
    floor = session.scalar(
        select(func.coalesce(func.max(Invoice.sequence_number), 0)).where(
            Invoice.organization_id == organization_id, Invoice.fiscal_year == year
        )
    )
    return allocate_in_series(session, series_key(organization_id, year), floor=floor or 0)


def issue_invoice(
    session: Session,
    order: CustomerOrder,
    *,
    payment_schedule_item_id: int | None = None,
    issued_on: dt.date | None = None,
    user: Actor | None = None,
    comment: str | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Invoice:
    """Счет на оплату for the order's remaining amount or for one of its schedule items."""
    now = now or utc_now()
    issued_on = issued_on or now.date()
    check_version(order, expected_version)
    if order.status not in INVOICEABLE_STATUSES:
        raise TransitionNotAllowed(
            "invoice.order_status",
            f"Order {order.number} is {order.status}; an invoice needs status "
            f"{' or '.join(INVOICEABLE_STATUSES)}.",
            params={"status": order.status, "allowed": ", ".join(INVOICEABLE_STATUSES)},
        )
    organization = _require_organization(session, order)
    goods = _goods_lines(session, order, issued_on, organization)
    total = Decimal(order.total_amount)
    already = invoiced_amount(session, order.id)
    item, kind, amount, due_date, description = _what_to_ask(
        session, order, payment_schedule_item_id, issued_on, total - already
    )
    if amount <= 0 or already + amount > total:
        raise TransitionNotAllowed(
            "invoice.nothing_to_invoice",
            f"Order {order.number} is invoiced for {already} of {total}; {amount} more "
            "cannot be asked.",
            params={"invoiced": str(already), "total": str(total), "amount": str(amount)},
        )
    # The goods themselves when the invoice asks for the whole order, else its share per rate.
    lines = goods if amount == total else _share_lines(goods, amount, description)
    year = issued_on.year
    sequence = _next_sequence(session, organization.id, year)
    number = format_number(sequence)
    vat_total = sum((vat_included(line.amount, line.vat_rate) for line in lines), Decimal(0))
    vat_text = f"в т.ч. НДС {vat_total:.2f} руб." if vat_total else "Без НДС"
    invoice = Invoice(
        number=number,
        organization_id=organization.id,
        fiscal_year=year,
        sequence_number=sequence,
        customer_order_id=order.id,
        payment_schedule_item_id=item.id if item else None,
        partner_id=order.partner_id,
        counterparty_id=_counterparty_id(session, order),
        agreement_id=order.agreement_id,
        kind=kind,
        status="issued",
        issued_on=issued_on,
        due_date=due_date,
        amount=amount,
        vat_amount=vat_total,
        purpose=f"Оплата по счету № {number} от {_day(issued_on)}, {vat_text}"[:210],
        issued_by_id=user.id if user else None,
        comment=comment,
        created_at=now,
        updated_at=now,
    )
    session.add(invoice)
    # Touching the order bumps its version: of two people invoicing the same order at once, the
    # second is refused as stale instead of asking for the same amount twice.
    order.updated_at = now
    session.flush()
    session.add_all(_invoice_lines(invoice.id, lines))
    session.flush()
    return invoice


def _invoice_lines(invoice_id: int, lines: Sequence[_Line]) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            invoice_id=invoice_id,
            line_number=index,
            product_id=line.product_id,
            description=line.description,
            unit=line.unit,
            quantity=line.quantity,
            price=line.price,
            amount=line.amount,
            vat_rate=line.vat_rate,
            vat_amount=vat_included(line.amount, line.vat_rate),
        )
        for index, line in enumerate(lines, start=1)
    ]


# Status


def _settle_status(session: Session, invoice: Invoice, now: dt.datetime) -> None:
    paid = paid_amount(session, invoice.id)
    status = "paid" if paid >= Decimal(invoice.amount) else "partly_paid" if paid else "issued"
    if status != invoice.status:
        invoice.status = status
        invoice.updated_at = now


def cancel_invoice(
    session: Session,
    invoice: Invoice,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Invoice:
    """Cancel an invoice nothing was paid on; its number stays taken (no gaps, no reuse)."""
    now = now or utc_now()
    check_version(invoice, expected_version)
    if invoice.status != "issued":
        raise TransitionNotAllowed(
            "invoice.cancel_forbidden",
            f"Invoice {invoice.number} is {invoice.status}; only an unpaid invoice is cancelled.",
            params={"status": invoice.status},
        )
    invoice.status = "cancelled"
    invoice.cancelled_at = now
    invoice.updated_at = now
    session.flush()
    return invoice


def match_payment(
    session: Session,
    invoice: Invoice,
    payment_id: int,
    amount: Decimal | None = None,
    *,
    now: dt.datetime | None = None,
) -> InvoicePayment:
    """Assign a payment of the invoice's order (or `amount` of it) to the invoice."""
    now = now or utc_now()
    if invoice.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(
            "invoice.not_open",
            f"Invoice {invoice.number} is {invoice.status}; payments match open invoices only.",
            params={"status": invoice.status},
        )
    payment = session.get(Payment, payment_id)
    if payment is None or payment.deleted_at is not None:
        raise NotFound("payments.not_found", f"Payment {payment_id} does not exist.")
    if payment.customer_order_id != invoice.customer_order_id:
        raise ValidationFailed(
            "invoice.payment_other_order",
            f"Payment {payment.number} is for another order than invoice {invoice.number}.",
            field="payment_id",
            params={"payment": payment.number},
        )
    free = payment_unmatched(session, payment)
    owed = Decimal(invoice.amount) - paid_amount(session, invoice.id)
    value = min(free, owed) if amount is None else Decimal(amount).quantize(CENT)
    if value <= 0 or value > free or value > owed:
        raise ValidationFailed(
            "invoice.match_amount",
            f"Payment {payment.number} has {free} unmatched, invoice {invoice.number} expects "
            f"{owed}; {value} cannot be matched.",
            field="amount",
            params={"free": str(free), "owed": str(owed), "amount": str(value)},
        )
    match = InvoicePayment(
        invoice_id=invoice.id,
        payment_id=payment.id,
        amount=value,
        matched_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(match)
    session.flush()
    _settle_status(session, invoice, now)
    session.flush()
    return match


def match_order_payments(
    session: Session, order: CustomerOrder, *, now: dt.datetime | None = None
) -> list[InvoicePayment]:
    """Match the order's unmatched payments to its open invoices, oldest payment to the
    earliest due invoice first."""
    now = now or utc_now()
    invoices = [
        invoice
        for invoice in sorted(
            order_invoices(session, order.id),
            key=lambda invoice: (invoice.due_date, invoice.issued_on, invoice.id),
        )
        if invoice.status in OPEN_STATUSES
    ]
    payments = sorted(
        live_children(session, Payment.customer_order_id, order.id, Payment.paid_at, Payment.id),
        key=lambda payment: (payment.paid_at, payment.id),
    )
    matches = []
    for payment in payments:
        for invoice in invoices:
            if invoice.status not in OPEN_STATUSES:
                continue
            if payment_unmatched(session, payment) <= 0:
                break
            matches.append(match_payment(session, invoice, payment.id, now=now))
    return matches


# What the print form and the preview show


@dataclass(frozen=True)
class InvoiceTotals:
    amount: Decimal
    vat_amount: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


def invoice_totals(session: Session, invoice: Invoice) -> InvoiceTotals:
    return InvoiceTotals(
        amount=Decimal(invoice.amount),
        vat_amount=Decimal(invoice.vat_amount),
        paid=paid_amount(session, invoice.id),
    )


def vat_summary(lines: Sequence[InvoiceLine]) -> list[tuple[Decimal | None, Decimal]]:
    """VAT per rate in the order rates first appear: [(22, 216.39), (None, 0)]."""
    summary: dict[Decimal | None, Decimal] = {}
    for line in lines:
        rate = Decimal(line.vat_rate) if line.vat_rate is not None else None
        summary[rate] = summary.get(rate, Decimal(0)) + Decimal(line.vat_amount)
    return list(summary.items())


# Lists

INVOICE_SORTS = {
    "number": Invoice.number,
    "issued_on": Invoice.issued_on,
    "due_date": Invoice.due_date,
    "amount": Invoice.amount,
    "status": Invoice.status,
}


def list_invoices(
    session: Session,
    *,
    q: str | None = None,
    status: str | None = None,
    partner_id: int | None = None,
    customer_order_id: int | None = None,
    organization_id: int | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    query = select(Invoice).where(Invoice.deleted_at.is_(None))
    if q and q.strip():
        text = q.strip()
        query = query.where(
            Invoice.number.icontains(text, autoescape=True)
            | Invoice.purpose.icontains(text, autoescape=True)
        )
    if status:
        query = query.where(Invoice.status == status)
    if partner_id is not None:
        query = query.where(Invoice.partner_id == partner_id)
    if customer_order_id is not None:
        query = query.where(Invoice.customer_order_id == customer_order_id)
    if organization_id is not None:
        query = query.where(Invoice.organization_id == organization_id)
    return listing.page(
        session,
        query,
        sort=sort,
        columns=INVOICE_SORTS,
        default="-issued_on",
        tiebreak=Invoice.id.desc(),
        limit=limit,
        offset=offset,
    )


def paid_amounts(session: Session, invoice_ids: Sequence[int]) -> dict[int, Decimal]:
    """Matched sums per invoice, for list pages."""
    if not invoice_ids:
        return {}
    rows = session.execute(
        select(InvoicePayment.invoice_id, func.sum(InvoicePayment.amount))
        .where(InvoicePayment.invoice_id.in_(invoice_ids), InvoicePayment.deleted_at.is_(None))
        .group_by(InvoicePayment.invoice_id)
    ).all()
    paid = {invoice_id: Decimal(0) for invoice_id in invoice_ids}
    paid.update({invoice_id: Decimal(total or 0) for invoice_id, total in rows})
    return paid
