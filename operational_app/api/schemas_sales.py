"""Pydantic schemas of the sales documents: products, warehouses, stock, agreements, offers, orders.

Bounded like `schemas.py`: every malformed value is a 422 before it reaches the domain.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from operational_app.api.schemas import (
    Amount,
    Id,
    Input,
    LongText,
    Name200,
    Name300,
    PatchInput,
    PlannedDate,
    Public,
    Timestamp,
    Version,
    text,
)
from operational_app.db.models import (
    AGREEMENT_KINDS,
    GIS_SYSTEMS,
    OFFER_STATUSES,
    ORDER_STATUSES,
    PAYMENT_KINDS,
    PRICE_TYPES,
    SETTLEMENT_CONTROLS,
    VAT_KINDS,
)

Qty = Annotated[Decimal, Field(gt=0, lt=Decimal("1e12"), max_digits=15, decimal_places=3)]
QtyOrZero = Annotated[Decimal, Field(ge=0, lt=Decimal("1e12"), max_digits=15, decimal_places=3)]
Delta = Annotated[Decimal, Field(gt=-Decimal("1e12"), lt=Decimal("1e12"), decimal_places=3)]
Pct = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
SignedAmount = Annotated[
    Decimal, Field(gt=-Decimal("1e13"), lt=Decimal("1e13"), max_digits=15, decimal_places=2)
]
PositiveAmount = Annotated[
    Decimal, Field(gt=0, lt=Decimal("1e13"), max_digits=15, decimal_places=2)
]
Days = Annotated[int, Field(ge=0, le=3650)]


GisSystem = Literal["egais", "vetis", "gismt"]
AgreementKind = Literal["typical", "individual"]
PriceType = Literal["wholesale", "retail", "dealer", "distributor"]
SettlementControl = Literal["by_agreement", "by_contract"]
OfferStatus = Literal["draft", "sent", "accepted", "rejected", "expired"]
OrderStatus = Literal[
    "draft", "on_approval", "approved", "to_ship", "shipped", "closed", "cancelled"
]
PaymentKind = Literal["prepayment", "credit"]
VatKind = Literal["general", "reduced", "exempt"]

assert set(GisSystem.__args__) == set(GIS_SYSTEMS)
assert set(AgreementKind.__args__) == set(AGREEMENT_KINDS)
assert set(PriceType.__args__) == set(PRICE_TYPES)
assert set(SettlementControl.__args__) == set(SETTLEMENT_CONTROLS)
assert set(OfferStatus.__args__) == set(OFFER_STATUSES)
assert set(OrderStatus.__args__) == set(ORDER_STATUSES)
assert set(PaymentKind.__args__) == set(PAYMENT_KINDS)
assert set(VatKind.__args__) == set(VAT_KINDS)


class Action(Input):
    """Body of a bare status action; `version` is optional so an empty POST works too."""

    version: Version | None = None


class Tracked(Public):
    id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


# Products, warehouses, stock


NetQuantity = Annotated[Decimal, Field(gt=0, lt=Decimal("1e6"), decimal_places=3)]
NetUnit = Literal["g", "ml"]


class ProductCreate(Input):
    sku: text(50)
    name: Name300
    unit: text(20) = "шт"
    base_price: Amount = Decimal(0)
    cost_price: Amount = Decimal(0)
    gis_system: GisSystem | None = None
    vat_kind: VatKind = "general"
    net_quantity: NetQuantity | None = None
    net_unit: NetUnit | None = None


class ProductUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = (
        "sku",
        "name",
        "unit",
        "base_price",
        "cost_price",
        "vat_kind",
    )
    version: Version
    sku: text(50) | None = None
    name: Name300 | None = None
    unit: text(20) | None = None
    base_price: Amount | None = None
    cost_price: Amount | None = None
    gis_system: GisSystem | None = None
    vat_kind: VatKind | None = None
    net_quantity: NetQuantity | None = None
    net_unit: NetUnit | None = None


class ProductPublic(Tracked):
    sku: str
    name: str
    unit: str
    base_price: Decimal
    cost_price: Decimal
    gis_system: str | None
    vat_kind: str
    net_quantity: Decimal | None = None
    net_unit: str | None = None


class WarehouseCreate(Input):
    name: Name200
    business_region_id: Id | None = None


class WarehouseUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name",)
    version: Version
    name: Name200 | None = None
    business_region_id: Id | None = None


class WarehousePublic(Tracked):
    name: str
    business_region_id: int | None


class StockSet(Input):
    """Either the counted quantity on hand or a change (receipt > 0, write-off < 0)."""

    product_id: Id
    warehouse_id: Id
    quantity_on_hand: QtyOrZero | None = None
    delta: Delta | None = None
    version: Version | None = None


class StockPublic(Public):
    id: int
    product_id: int
    warehouse_id: int
    quantity_on_hand: Decimal
    reserved: Decimal
    free: Decimal
    version: int


class DeleteBody(Input):
    version: Version | None = None


# Agreements


class AgreementCreate(Input):
    name: Name300
    kind: AgreementKind = "typical"
    partner_id: Id | None = None
    organization_id: Id | None = None
    price_type: PriceType = "wholesale"
    discount_percent: Pct = Decimal(0)
    max_manual_discount_percent: Pct = Decimal(5)
    prepayment_share: Pct = Decimal(0)
    deferral_days: Days = 0
    valid_from: PlannedDate
    valid_to: PlannedDate | None = None
    settlement_control: SettlementControl = "by_agreement"


class AgreementUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = (
        "name",
        "kind",
        "price_type",
        "discount_percent",
        "max_manual_discount_percent",
        "prepayment_share",
        "deferral_days",
        "valid_from",
        "settlement_control",
    )
    version: Version
    name: Name300 | None = None
    kind: AgreementKind | None = None
    partner_id: Id | None = None
    organization_id: Id | None = None
    price_type: PriceType | None = None
    discount_percent: Pct | None = None
    max_manual_discount_percent: Pct | None = None
    prepayment_share: Pct | None = None
    deferral_days: Days | None = None
    valid_from: PlannedDate | None = None
    valid_to: PlannedDate | None = None
    settlement_control: SettlementControl | None = None


class AgreementPublic(Tracked):
    number: str
    name: str
    kind: str
    partner_id: int | None
    organization_id: int | None
    price_type: str
    discount_percent: Decimal
    max_manual_discount_percent: Decimal
    prepayment_share: Decimal
    deferral_days: int
    valid_from: dt.date
    valid_to: dt.date | None
    settlement_control: str


# Commercial offers


class OfferLineInput(Input):
    product_id: Id
    quantity: Qty
    # Omitted: the agreement price (base price less the agreement discount).
    price: Amount | None = None
    discount_percent: Pct | None = None
    price_adjustment: SignedAmount | None = None


class OfferLineUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("product_id", "quantity")
    version: Version
    product_id: Id | None = None
    quantity: Qty | None = None
    price: Amount | None = None
    discount_percent: Pct | None = None
    price_adjustment: SignedAmount | None = None


class OfferCreate(Input):
    partner_id: Id
    agreement_id: Id | None = None
    deal_id: Id | None = None
    organization_id: Id | None = None
    manager_id: Id | None = None
    valid_until: PlannedDate | None = None
    comment: LongText | None = None
    lines: list[OfferLineInput] = Field(default=[], max_length=500)


class OfferUpdate(PatchInput):
    version: Version
    agreement_id: Id | None = None
    deal_id: Id | None = None
    organization_id: Id | None = None
    manager_id: Id | None = None
    valid_until: PlannedDate | None = None
    comment: LongText | None = None


class OfferLinePublic(Tracked):
    line_number: int
    product_id: int
    quantity: Decimal
    price: Decimal
    discount_percent: Decimal
    price_adjustment: Decimal
    amount: Decimal


class OfferPublic(Tracked):
    number: str
    partner_id: int
    agreement_id: int | None
    deal_id: int | None
    organization_id: int | None
    manager_id: int | None
    status: str
    offered_at: dt.datetime | None
    valid_until: dt.date | None
    decided_at: dt.datetime | None
    total_amount: Decimal
    comment: str | None


class OfferDetail(OfferPublic):
    lines: list[OfferLinePublic] = []
    order_ids: list[int] = []


class OfferAccept(Action):
    warehouse_id: Id | None = None


class ExpiredOffers(Public):
    expired: list[int]


# Customer orders


class OrderLineInput(Input):
    product_id: Id
    warehouse_id: Id | None = None
    quantity: Qty
    price: Amount | None = None
    discount_percent: Pct | None = None


class OrderLineUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("product_id", "quantity")
    version: Version
    product_id: Id | None = None
    warehouse_id: Id | None = None
    quantity: Qty | None = None
    price: Amount | None = None
    discount_percent: Pct | None = None


class OrderCreate(Input):
    partner_id: Id
    agreement_id: Id | None = None
    organization_id: Id | None = None
    counterparty_id: Id | None = None
    deal_id: Id | None = None
    manager_id: Id | None = None
    ordered_at: Timestamp | None = None
    planned_shipment_date: PlannedDate | None = None
    comment: LongText | None = None
    lines: list[OrderLineInput] = Field(default=[], max_length=500)


class OrderUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("ordered_at",)
    version: Version
    agreement_id: Id | None = None
    organization_id: Id | None = None
    counterparty_id: Id | None = None
    deal_id: Id | None = None
    manager_id: Id | None = None
    ordered_at: Timestamp | None = None
    planned_shipment_date: PlannedDate | None = None
    comment: LongText | None = None


class OrderLinePublic(Tracked):
    line_number: int
    product_id: int
    warehouse_id: int | None
    quantity: Decimal
    price: Decimal
    discount_percent: Decimal
    amount: Decimal
    reserved_quantity: Decimal
    shipped_quantity: Decimal


class PaymentScheduleItemPublic(Tracked):
    due_date: dt.date
    kind: str
    amount: Decimal


class ShipmentLinePublic(Public):
    id: int
    customer_order_line_id: int
    product_id: int
    quantity: Decimal
    amount: Decimal


class ShipmentPublic(Tracked):
    number: str
    customer_order_id: int
    warehouse_id: int | None
    shipped_at: dt.datetime
    amount: Decimal
    cost_amount: Decimal


class ShipmentDetail(ShipmentPublic):
    lines: list[ShipmentLinePublic] = []


class PaymentPublic(Tracked):
    number: str
    customer_order_id: int
    partner_id: int
    paid_at: dt.datetime
    amount: Decimal


class ReserveAdjustmentPublic(Public):
    id: int
    product_id: int
    warehouse_id: int | None
    from_order_line_id: int | None
    to_order_line_id: int | None
    quantity: Decimal
    adjusted_at: dt.datetime
    user_id: int | None


class OrderPublic(Tracked):
    number: str
    organization_id: int | None
    partner_id: int
    counterparty_id: int | None
    agreement_id: int | None
    deal_id: int | None
    commercial_offer_id: int | None
    manager_id: int | None
    status: str
    ordered_at: dt.datetime
    planned_shipment_date: dt.date | None
    requires_approval: bool
    approved_by_id: int | None
    approved_at: dt.datetime | None
    total_amount: Decimal
    comment: str | None
    shipped_amount: Decimal = Decimal(0)
    paid_amount: Decimal = Decimal(0)
    debt: Decimal = Decimal(0)


class OrderDetail(OrderPublic):
    lines: list[OrderLinePublic] = []
    payment_schedule: list[PaymentScheduleItemPublic] = []
    shipments: list[ShipmentDetail] = []
    payments: list[PaymentPublic] = []
    reserve_adjustments: list[ReserveAdjustmentPublic] = []


class ReserveInput(Action):
    # Omitted: reserve all the line still needs / release all of its reserve.
    quantity: Qty | None = None


class ReserveMove(Input):
    from_line_id: Id
    to_line_id: Id
    quantity: Qty


class ScheduleItemInput(Input):
    due_date: PlannedDate
    kind: PaymentKind = "credit"
    amount: PositiveAmount


class ScheduleReplace(Input):
    version: Version | None = None
    items: list[ScheduleItemInput] = Field(max_length=100)


class ShipmentLineInput(Input):
    order_line_id: Id
    quantity: Qty


class ShipmentCreate(Input):
    version: Version | None = None
    shipped_at: Timestamp | None = None
    # Omitted: ship everything still to ship.
    lines: list[ShipmentLineInput] | None = Field(default=None, max_length=500)


class PaymentCreate(Input):
    version: Version | None = None
    amount: PositiveAmount
    paid_at: Timestamp | None = None


class PartnerDebt(Public):
    partner_id: int
    total_amount: Decimal
    shipped_amount: Decimal
    paid_amount: Decimal
    debt: Decimal
