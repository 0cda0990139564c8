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
    return Paged[SalesPlanPublic](
        items=[SalesPlanPublic.model_validate(plan) for plan in page.items], total=page.total
    )


@router.get("/sales-plans/{plan_id}", response_model=SalesPlanPublic)
def get_plan(session: SessionDep, plan_id: IdPath) -> SalesPlan:
    return get_or_404(session, SalesPlan, plan_id)


@router.post(
    "/sales-plans",
    response_model=SalesPlanPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITERS,
)
def create_plan(session: SessionDep, body: SalesPlanCreate) -> SalesPlan:
    plan = service.create_plan(session, body.model_dump())
    session.commit()
    return plan


@router.patch("/sales-plans/{plan_id}", response_model=SalesPlanPublic, dependencies=WRITERS)
def update_plan(session: SessionDep, plan_id: IdPath, body: SalesPlanUpdate) -> SalesPlan:
    plan = get_or_404(session, SalesPlan, plan_id)
    service.update_plan(session, plan, body.changes(), expected_version=body.version)
    session.commit()
    return plan


@router.delete("/sales-plans/{plan_id}", response_model=SalesPlanPublic, dependencies=WRITERS)
def delete_plan(session: SessionDep, plan_id: IdPath, version: VersionQuery = None) -> SalesPlan:
    plan = get_or_404(session, SalesPlan, plan_id)
    service.delete_plan(session, plan, expected_version=version)
    session.commit()
    return plan


@router.post("/sales-plans/{plan_id}/restore", response_model=SalesPlanPublic, dependencies=WRITERS)
def restore_plan(session: SessionDep, plan_id: IdPath, version: VersionQuery = None) -> SalesPlan:
    plan = session.get(SalesPlan, plan_id)
    if plan is None:
        raise not_found(SalesPlan, plan_id)
    service.restore_plan(session, plan, expected_version=version)
    session.commit()
    return plan
