"""Pydantic schemas of the inter-company and commission documents and the ownership ledger
(issue 22). Bounded like `schemas_sales.py`: a malformed value is a 422 before the domain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field

from operational_app.api.schemas import Amount, Id, Input, LongText, Name300, Public, Timestamp
from operational_app.api.schemas_sales import Pct, Qty, Tracked
from operational_app.db.models import COMMISSION_KINDS, INTERCOMPANY_KINDS

IntercompanyKind = Literal["transfer", "return"]
CommissionKind = Literal[
    "to_commissioner",
    "commissioner_sales",
    "commissioner_writeoff",
    "from_committent",
    "committent_report",
    "commissioner_payment",
    "committent_payment",
]
assert set(IntercompanyKind.__args__) == set(INTERCOMPANY_KINDS)
assert set(CommissionKind.__args__) == set(COMMISSION_KINDS)


class IntercompanyLineInput(Input):
    product_id: Id
    quantity: Qty
    # Omitted: the transfer price (cost price plus the inter-company markup).
    price: Amount | None = None


class IntercompanyDocumentCreate(Input):
    kind: IntercompanyKind = "transfer"
    sender_organization_id: Id
    receiver_organization_id: Id
    warehouse_id: Id
    documented_at: Timestamp | None = None
    comment: LongText | None = None
    lines: list[IntercompanyLineInput] = Field(min_length=1, max_length=500)


class IntercompanyLinePublic(Tracked):
    line_number: int
    product_id: int
    quantity: Decimal
    price: Decimal
    amount: Decimal


class IntercompanyDocumentPublic(Tracked):
    number: str
    kind: str
    sender_organization_id: int
    receiver_organization_id: int
    warehouse_id: int
    shipment_id: int | None
    is_automatic: bool
    documented_at: dt.datetime
    total_amount: Decimal
    comment: str | None


class IntercompanyDocumentDetail(IntercompanyDocumentPublic):
    lines: list[IntercompanyLinePublic]


class CommissionLineInput(Input):
    product_id: Id
    quantity: Qty
    # Omitted: the product's base price (its cost price on a write-off report).
    price: Amount | None = None
    # Sales reports: the fee on this line (omitted: the document's fee_percent of the amount)
    # and the buyer, one of our partners or a name.
    fee_amount: Amount | None = None
    buyer_partner_id: Id | None = None
    buyer_name: Name300 | None = None


class CommissionDocumentCreate(Input):
    kind: CommissionKind
    organization_id: Id
    partner_id: Id
    warehouse_id: Id | None = None
    fee_percent: Pct | None = None
    # Payments (commissioner_payment, committent_payment): the amount paid, and no lines.
    amount: Amount | None = None
    documented_at: Timestamp | None = None
    comment: LongText | None = None
    lines: list[CommissionLineInput] = Field(default=[], max_length=500)


class CommissionLinePublic(Tracked):
    line_number: int
    product_id: int
    quantity: Decimal
    price: Decimal
    amount: Decimal
    fee_amount: Decimal
    buyer_partner_id: int | None
    buyer_name: str | None


class CommissionDocumentPublic(Tracked):
    number: str
    kind: str
    organization_id: int
    partner_id: int
    warehouse_id: int | None
    documented_at: dt.datetime
    total_amount: Decimal
    fee_amount: Decimal
    comment: str | None


class CommissionDocumentDetail(CommissionDocumentPublic):
    lines: list[CommissionLinePublic]


class StockReceiptCreate(Input):
    organization_id: Id
    warehouse_id: Id
    product_id: Id
    quantity: Qty
    received_at: Timestamp | None = None


class StockMovementPublic(Tracked):
    moved_at: dt.datetime
    organization_id: int
    committent_id: int | None
    holder_kind: str
    warehouse_id: int | None
    commissioner_id: int | None
    product_id: int
    quantity: Decimal
    document_type: str
    document_id: int


class StockPositionPublic(Public):
    organization_id: int
    committent_id: int | None
    holder_kind: str
    warehouse_id: int | None
    commissioner_id: int | None
    product_id: int
    quantity: Decimal
