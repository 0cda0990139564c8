"""Pydantic schemas of invoices (Счета на оплату, issue 25)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from operational_app.api.schemas import Id, Input, LongText, PlannedDate, Public, Version
from operational_app.api.schemas_sales import PositiveAmount, Tracked
from operational_app.db.models import INVOICE_KINDS, INVOICE_STATUSES

InvoiceStatus = Literal["issued", "partly_paid", "paid", "cancelled"]
InvoiceKind = Literal["order", "prepayment", "credit"]
assert set(InvoiceStatus.__args__) == set(INVOICE_STATUSES)
assert set(InvoiceKind.__args__) == set(INVOICE_KINDS)


class InvoiceIssue(Input):
    """Without `payment_schedule_item_id` the invoice asks for all the order has not been
    invoiced for yet; `issued_on` defaults to today."""

    payment_schedule_item_id: Id | None = None
    issued_on: PlannedDate | None = None
    comment: LongText | None = None
    version: Version | None = None


class InvoiceMatch(Input):
    """Without `payment_id` the order's unmatched payments go to its open invoices, earliest
    due first; without `amount` as much as both allow."""

    payment_id: Id | None = None
    amount: PositiveAmount | None = None


class InvoiceLinePublic(Public):
    id: int
    line_number: int
    product_id: int | None
    description: str
    unit: str
    quantity: Decimal
    price: Decimal
    amount: Decimal
    vat_rate: Decimal | None
    vat_amount: Decimal


class InvoicePaymentPublic(Public):
    id: int
    payment_id: int
    amount: Decimal
    matched_at: dt.datetime


class InvoicePublic(Tracked):
    number: str
    organization_id: int
    fiscal_year: int
    sequence_number: int
    customer_order_id: int
    payment_schedule_item_id: int | None
    partner_id: int
    counterparty_id: int | None
    agreement_id: int | None
    kind: str
    status: str
    issued_on: dt.date
    due_date: dt.date
    amount: Decimal
    vat_amount: Decimal
    purpose: str
    cancelled_at: dt.datetime | None
    comment: str | None


class InvoiceDetail(InvoicePublic):
    paid_amount: Decimal
    outstanding_amount: Decimal
    amount_in_words: str
    qr_payload: str
    lines: list[InvoiceLinePublic]
    payments: list[InvoicePaymentPublic]
