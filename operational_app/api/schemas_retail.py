"""Schemas of Магазины and Кассы ККТ (issue 21)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from operational_app.api.schemas import (
    Id,
    Input,
    Name200,
    PatchInput,
    PlannedDate,
    Version,
    text,
)
from operational_app.api.schemas_sales import Tracked


class StoreCreate(Input):
    name: Name200
    address: text(300) | None = None
    organization_id: Id
    warehouse_id: Id


class StoreUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name", "organization_id", "warehouse_id")
    version: Version
    name: Name200 | None = None
    address: text(300) | None = None
    organization_id: Id | None = None
    warehouse_id: Id | None = None


class StorePublic(Tracked):
    name: str
    address: str | None
    organization_id: int
    warehouse_id: int


class CashRegisterCreate(Input):
    store_id: Id
    registration_number: text(20)
    fiscal_drive_number: text(20) | None = None
    ofd_name: text(200) | None = None
    ofd_inn: text(12) | None = None


class CashRegisterUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("store_id", "registration_number")
    version: Version
    store_id: Id | None = None
    registration_number: text(20) | None = None
    fiscal_drive_number: text(20) | None = None
    ofd_name: text(200) | None = None
    ofd_inn: text(12) | None = None


class CashRegisterPublic(Tracked):
    store_id: int
    registration_number: str
    fiscal_drive_number: str | None
    ofd_name: str | None
    ofd_inn: str | None


# Loyalty: programmes, discount cards, manual points adjustments

LoyaltyKind = Literal["discount", "bonus"]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
PointValue = Annotated[Decimal, Field(gt=0, lt=Decimal("1e8"), max_digits=10, decimal_places=2)]
ValidityDays = Annotated[int, Field(gt=0, le=36_500)]
Points = Annotated[Decimal, Field(gt=-Decimal("1e12"), lt=Decimal("1e12"), decimal_places=2)]


class LoyaltyProgrammeCreate(Input):
    name: Name200
    kind: LoyaltyKind
    discount_percent: Percent = Decimal(0)
    accrual_percent: Percent = Decimal(0)
    max_redemption_percent: Percent = Decimal(0)
    point_value: PointValue = Decimal(1)
    points_validity_days: ValidityDays | None = None


class LoyaltyProgrammeUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = (
        "name",
        "kind",
        "discount_percent",
        "accrual_percent",
        "max_redemption_percent",
        "point_value",
    )
    version: Version
    name: Name200 | None = None
    kind: LoyaltyKind | None = None
    discount_percent: Percent | None = None
    accrual_percent: Percent | None = None
    max_redemption_percent: Percent | None = None
    point_value: PointValue | None = None
    points_validity_days: ValidityDays | None = None


class LoyaltyProgrammePublic(Tracked):
    name: str
    kind: str
    discount_percent: Decimal
    accrual_percent: Decimal
    max_redemption_percent: Decimal
    point_value: Decimal
    points_validity_days: int | None


class DiscountCardCreate(Input):
    number: text(40)
    programme_id: Id
    partner_id: Id | None = None
    contact_person_id: Id | None = None
    issued_on: PlannedDate
    blocked_on: PlannedDate | None = None


class DiscountCardUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("number", "programme_id", "issued_on")
    version: Version
    number: text(40) | None = None
    programme_id: Id | None = None
    partner_id: Id | None = None
    contact_person_id: Id | None = None
    issued_on: PlannedDate | None = None
    blocked_on: PlannedDate | None = None


class DiscountCardPublic(Tracked):
    number: str
    programme_id: int
    partner_id: int | None
    contact_person_id: int | None
    issued_on: dt.date
    blocked_on: dt.date | None


class PointAdjustmentCreate(Input):
    points: Points
    adjusted_on: PlannedDate
    reason: text(300)


class PointAdjustmentPublic(Tracked):
    card_id: int
    adjusted_on: dt.date
    points: Decimal
    reason: str


# Gift certificates: series and the register

GiftCertificateSeriesKind = Literal["fixed", "open"]
Nominal = Annotated[Decimal, Field(gt=0, lt=Decimal("1e10"), max_digits=14, decimal_places=2)]
CertificateValidityDays = Annotated[int, Field(gt=0, le=3_650)]


class GiftCertificateSeriesCreate(Input):
    name: Name200
    kind: GiftCertificateSeriesKind
    nominal: Nominal | None = None
    validity_days: CertificateValidityDays


class GiftCertificateSeriesUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name", "kind", "validity_days")
    version: Version
    name: Name200 | None = None
    kind: GiftCertificateSeriesKind | None = None
    nominal: Nominal | None = None
    validity_days: CertificateValidityDays | None = None


class GiftCertificateSeriesPublic(Tracked):
    name: str
    kind: str
    nominal: Decimal | None
    validity_days: int


class GiftCertificateCreate(Input):
    number: text(40)
    series_id: Id
    nominal: Nominal | None = None
    issued_on: PlannedDate
    cancelled_on: PlannedDate | None = None


class GiftCertificateUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("number", "series_id", "nominal", "issued_on")
    version: Version
    number: text(40) | None = None
    series_id: Id | None = None
    nominal: Nominal | None = None
    issued_on: PlannedDate | None = None
    cancelled_on: PlannedDate | None = None


class GiftCertificatePublic(Tracked):
    number: str
    series_id: int
    nominal: Decimal
    issued_on: dt.date
    cancelled_on: dt.date | None


# Price tag templates and printing

TagColumns = Annotated[int, Field(ge=1, le=4)]
TagRows = Annotated[int, Field(ge=1, le=12)]


class PriceTagTemplateCreate(Input):
    name: Name200
    columns: TagColumns
    rows: TagRows
    show_old_price: bool = True
    show_barcode: bool = True


class PriceTagTemplateUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = (
        "name",
        "columns",
        "rows",
        "show_old_price",
        "show_barcode",
    )
    version: Version
    name: Name200 | None = None
    columns: TagColumns | None = None
    rows: TagRows | None = None
    show_old_price: bool | None = None
    show_barcode: bool | None = None


class PriceTagTemplatePublic(Tracked):
    name: str
    columns: int
    rows: int
    show_old_price: bool
    show_barcode: bool


class PriceTagItem(Input):
    product_id: Id
    copies: Annotated[int, Field(ge=1, le=100)] = 1
    old_price: Annotated[Decimal, Field(gt=0, lt=Decimal("1e13"), decimal_places=2)] | None = None


class PriceTagPrint(Input):
    template_id: Id
    items: Annotated[list[PriceTagItem], Field(min_length=1, max_length=1_000)]
