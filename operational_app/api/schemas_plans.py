"""Pydantic schemas of the sales plans (Планы продаж, issue 26)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import Field

from operational_app.api.schemas import Amount, Id, Input, PatchInput, PlannedDate, Public, Version

WonDeals = Annotated[int, Field(ge=0, le=1_000_000)]


class SalesPlanCreate(Input):
    period_month: PlannedDate
    manager_id: Id
    business_region_id: Id
    deal_kind_id: Id
    planned_amount: Amount = Decimal(0)
    planned_won_deals: WonDeals = 0


class SalesPlanUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = (
        "period_month",
        "manager_id",
        "business_region_id",
        "deal_kind_id",
        "planned_amount",
        "planned_won_deals",
    )
    version: Version
    period_month: PlannedDate | None = None
    manager_id: Id | None = None
    business_region_id: Id | None = None
    deal_kind_id: Id | None = None
    planned_amount: Amount | None = None
    planned_won_deals: WonDeals | None = None


class SalesPlanPublic(Public):
    id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None
    period_month: dt.date
    manager_id: int
    business_region_id: int
    deal_kind_id: int
    planned_amount: Decimal
    planned_won_deals: int
