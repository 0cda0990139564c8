"""Планы продаж: everyone signed in reads, managers and administrators write."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from operational_app.api.deps import (
    IdFilter,
    IdPath,
    Limit,
    Offset,
    SearchText,
    SessionDep,
    require_role,
)
from operational_app.api.schemas import Paged, PlannedDate, Version
from operational_app.api.schemas_plans import SalesPlanCreate, SalesPlanPublic, SalesPlanUpdate
from operational_app.db.models import SalesPlan
from operational_app.domain import sales_plans as service
from operational_app.domain.common import get_or_404, not_found

router = APIRouter(tags=["sales plans"])
WRITERS = [require_role("manager")]
VersionQuery = Annotated[Version | None, Query()]


@router.get("/sales-plans", response_model=Paged[SalesPlanPublic])
def list_plans(
    session: SessionDep,
    month_from: PlannedDate | None = None,
    month_to: PlannedDate | None = None,
    manager_id: IdFilter = None,
    business_region_id: IdFilter = None,
    deal_kind_id: IdFilter = None,
    include_deleted: bool = False,
    sort: SearchText = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[SalesPlanPublic]:
    """List sales plans (Планы продаж), filtered, sorted and paged.

    `month_from`/`month_to` bound the month (inclusive); deleted plans only with
    `include_deleted`. `sort` is one of period_month, planned_amount, updated_at, id; a leading `-`
    sorts descending; the default is the latest month first."""
    page = service.list_plans(
        session,
        month_from=month_from,
        month_to=month_to,
        manager_id=manager_id,
        business_region_id=business_region_id,
        deal_kind_id=deal_kind_id,
        include_deleted=include_deleted,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Paged[SalesPlanPublic].of(page.items, page.total)


@router.get("/sales-plans/{plan_id}", response_model=SalesPlanPublic)
def get_plan(session: SessionDep, plan_id: IdPath) -> SalesPlan:
    """Read a sales plan; 404 when missing or deleted (list with `include_deleted` to see those)."""
    return get_or_404(session, SalesPlan, plan_id)


@router.post(
    "/sales-plans",
    response_model=SalesPlanPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITERS,
)
def create_plan(session: SessionDep, body: SalesPlanCreate) -> SalesPlan:
    """Create a sales plan (План продаж): a manager's planned amount and won deals for a month, in
    one business region and deal kind. Managers and administrators only (403).

    Any day of `period_month` names its month. The manager, region and deal kind must exist (422
    `reference.unknown`); one plan per month, manager, region and deal kind, deleted plans included
    (422 `sales_plan.duplicate`, naming the plan to edit or restore)."""
    plan = service.create_plan(session, body.model_dump())
    session.commit()
    return plan


@router.patch("/sales-plans/{plan_id}", response_model=SalesPlanPublic, dependencies=WRITERS)
def update_plan(session: SessionDep, plan_id: IdPath, body: SalesPlanUpdate) -> SalesPlan:
    """Change a sales plan (PATCH). Managers and administrators only (403).

    The rules of create apply. Send the `version` you read: an older one is 409 `stale_version`."""
    plan = get_or_404(session, SalesPlan, plan_id)
    service.update_plan(session, plan, body.changes(), expected_version=body.version)
    session.commit()
    return plan


@router.delete("/sales-plans/{plan_id}", response_model=SalesPlanPublic, dependencies=WRITERS)
def delete_plan(session: SessionDep, plan_id: IdPath, version: VersionQuery = None) -> SalesPlan:
    """Delete a sales plan (пометка удаления: a soft delete); it keeps its cell, so a new plan
    there is a duplicate: restore it instead. Managers and administrators only (403).

    `version` (query, optional) must be current (409 `stale_version`)."""
    plan = get_or_404(session, SalesPlan, plan_id)
    service.delete_plan(session, plan, expected_version=version)
    session.commit()
    return plan


@router.post("/sales-plans/{plan_id}/restore", response_model=SalesPlanPublic, dependencies=WRITERS)
def restore_plan(session: SessionDep, plan_id: IdPath, version: VersionQuery = None) -> SalesPlan:
    """Restore a deleted sales plan (addressed by id though deleted). Managers and administrators
    only (403).

    Refused when it is not deleted (409 `sales_plan.not_deleted`). `version` (query, optional)
    must be current (409 `stale_version`)."""
    plan = session.get(SalesPlan, plan_id)
    if plan is None:
        raise not_found(SalesPlan, plan_id)
    service.restore_plan(session, plan, expected_version=version)
    session.commit()
    return plan
