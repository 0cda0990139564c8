"""Планы продаж (issue 26): a manager's planned amount and number of won deals for a month, in
one business region and deal kind.

Rules:
- the period is a month, stored as its first day (any day given names its month);
- the manager is a live operator, the business region and deal kind live entries;
- one plan per month, manager, region and deal kind, deleted plans included (the database
  constraint sees them): a duplicate is a clear 422 naming the plan to edit or restore;
- `set_plan` (the XLSX import) creates the plan of a cell or updates the one it has.

Services flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import BusinessRegion, DealKind, SalesPlan, User, utc_now
from operational_app.domain import listing
from operational_app.domain.common import require_reference
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed, check_version
from operational_app.domain.queries import Page

FIELDS = (
    "period_month",
    "manager_id",
    "business_region_id",
    "deal_kind_id",
    "planned_amount",
    "planned_won_deals",
)
GRAIN = ("period_month", "manager_id", "business_region_id", "deal_kind_id")


def month_start(value: dt.date) -> dt.date:
    """The first day of the month `value` falls in."""
    return value.replace(day=1)


def _plan_in_cell(session: Session, cell: Mapping[str, Any]) -> SalesPlan | None:
    return session.scalars(
        select(SalesPlan).where(*(getattr(SalesPlan, field) == cell[field] for field in GRAIN))
    ).first()


def _apply(session: Session, plan: SalesPlan, values: Mapping[str, Any]) -> None:
    values = {k: v for k, v in values.items() if k in FIELDS}
    merged = {field: values.get(field, getattr(plan, field)) for field in FIELDS}
    for field in GRAIN:
        if merged[field] is None:
            raise ValidationFailed(
                "text.required", f"{field} is required.", field=field, params={"field": field}
            )
    if not isinstance(merged["period_month"], dt.date):
        raise ValidationFailed(
            "sales_plan.period_month", "The period is a date.", field="period_month"
        )
    merged["period_month"] = month_start(merged["period_month"])
    require_reference(session, User, merged["manager_id"], "manager_id")
    require_reference(session, BusinessRegion, merged["business_region_id"], "business_region_id")
    require_reference(session, DealKind, merged["deal_kind_id"], "deal_kind_id")
    amount = Decimal(merged["planned_amount"] if merged["planned_amount"] is not None else 0)
    deals = int(merged["planned_won_deals"] or 0)
    if amount < 0 or deals < 0:
        raise ValidationFailed(
            "sales_plan.negative",
            "A plan is never negative.",
            field="planned_amount" if amount < 0 else "planned_won_deals",
        )
    other = _plan_in_cell(session, merged)
    if other is not None and other is not plan:
        raise ValidationFailed(
            "sales_plan.duplicate",
            f"This month, manager, region and deal kind already have plan {other.id}"
            + (" (deleted: restore it)." if other.deleted_at is not None else "."),
            field="period_month",
            params={"id": other.id},
        )
    for field in GRAIN:
        setattr(plan, field, merged[field])
    plan.planned_amount = amount.quantize(Decimal("0.01"))
    plan.planned_won_deals = deals


def create_plan(session: Session, values: Mapping[str, Any]) -> SalesPlan:
    plan = SalesPlan()
    _apply(session, plan, values)
    session.add(plan)
    session.flush()
    return plan


def update_plan(
    session: Session,
    plan: SalesPlan,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> SalesPlan:
    check_version(plan, expected_version)
    _apply(session, plan, changes)
    plan.updated_at = utc_now()
    session.flush()
    return plan


def set_plan(session: Session, values: Mapping[str, Any]) -> tuple[SalesPlan, bool]:
    """The plan of the values' cell set to their figures (created when the cell has none, a
    deleted one restored); returns the plan and whether it was created."""
    if isinstance(values.get("period_month"), dt.date):
        values = {**values, "period_month": month_start(values["period_month"])}
    plan = _plan_in_cell(session, {field: values.get(field) for field in GRAIN})
    if plan is None:
        return create_plan(session, values), True
    plan.deleted_at = None
    return update_plan(session, plan, values), False


def delete_plan(
    session: Session, plan: SalesPlan, *, expected_version: int | None = None
) -> SalesPlan:
    check_version(plan, expected_version)
    now = utc_now()
    plan.deleted_at, plan.updated_at = now, now
    session.flush()
    return plan


def restore_plan(
    session: Session, plan: SalesPlan, *, expected_version: int | None = None
) -> SalesPlan:
    check_version(plan, expected_version)
    if plan.deleted_at is None:
        raise TransitionNotAllowed("sales_plan.not_deleted", "The plan is not deleted.")
    plan.deleted_at, plan.updated_at = None, utc_now()
    session.flush()
    return plan


def list_plans(
    session: Session,
    *,
    month_from: dt.date | None = None,
    month_to: dt.date | None = None,
    manager_id: int | None = None,
    business_region_id: int | None = None,
    deal_kind_id: int | None = None,
    include_deleted: bool = False,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    query = select(SalesPlan)
    if not include_deleted:
        query = query.where(SalesPlan.deleted_at.is_(None))
    if month_from is not None:
        query = query.where(SalesPlan.period_month >= month_start(month_from))
    if month_to is not None:
        query = query.where(SalesPlan.period_month <= month_start(month_to))
    for column, value in (
        (SalesPlan.manager_id, manager_id),
        (SalesPlan.business_region_id, business_region_id),
        (SalesPlan.deal_kind_id, deal_kind_id),
    ):
        if value is not None:
            query = query.where(column == value)
    columns = {
        "period_month": SalesPlan.period_month,
        "planned_amount": SalesPlan.planned_amount,
        "updated_at": SalesPlan.updated_at,
        "id": SalesPlan.id,
    }
    return listing.page(
        session,
        query,
        sort=sort,
        columns=columns,
        default="-period_month",
        tiebreak=SalesPlan.id,
        limit=limit,
        offset=offset,
    )
