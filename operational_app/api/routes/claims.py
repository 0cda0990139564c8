"""Претензии клиентов: CRUD, take / resolve / reopen, and the work plan (План работ)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from operational_app.api.deps import (
    CurrentUser,
    IdFilter,
    IdPath,
    Limit,
    Offset,
    SearchText,
    SessionDep,
)
from operational_app.api.engagement_schemas import (
    Action,
    ClaimCreate,
    ClaimDetail,
    ClaimPublic,
    ClaimResolve,
    ClaimResult,
    ClaimSource,
    ClaimStatus,
    ClaimTaskCreate,
    ClaimTaskPublic,
    ClaimTaskUpdate,
    ClaimUpdate,
    InteractionPublic,
    Sort,
)
from operational_app.api.schemas import Paged, Version
from operational_app.db.models import Claim, ClaimTask
from operational_app.domain import claims as service
from operational_app.domain import interactions as interaction_service
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import NotFound

router = APIRouter(tags=["claims"])
VersionQuery = Annotated[Version | None, Query()]


def _detail(session: Session, claim: Claim) -> ClaimDetail:
    tasks = service.claim_tasks(session, claim.id)
    interactions = interaction_service.list_interactions(
        session, claim_id=claim.id, limit=500
    ).items
    return ClaimDetail.model_validate(
        {
            **ClaimPublic.model_validate(claim).model_dump(),
            "tasks": [ClaimTaskPublic.model_validate(t) for t in tasks],
            "interactions": [InteractionPublic.of(i) for i in interactions],
        }
    )


def _task(session: Session, claim_id: int, task_id: int) -> ClaimTask:
    get_or_404(session, Claim, claim_id)
    task = get_or_404(session, ClaimTask, task_id)
    if task.claim_id != claim_id:
        raise NotFound("claim_tasks.not_found", f"Task {task_id} is not a task of this claim.")
    return task


@router.get("/claims", response_model=Paged[ClaimPublic])
def list_claims(
    session: SessionDep,
    q: SearchText = None,
    status: ClaimStatus | None = None,
    result: ClaimResult | None = None,
    source: ClaimSource | None = None,
    partner_id: IdFilter = None,
    claim_reason_id: IdFilter = None,
    responsible_id: IdFilter = None,
    customer_order_id: IdFilter = None,
    sort: Annotated[Sort, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    page = service.list_claims(
        session,
        q=q,
        status=status,
        result=result,
        source=source,
        partner_id=partner_id,
        claim_reason_id=claim_reason_id,
        responsible_id=responsible_id,
        customer_order_id=customer_order_id,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return {"items": list(page.items), "total": page.total}


@router.get("/claims/{claim_id}", response_model=ClaimDetail)
def get_claim(session: SessionDep, claim_id: IdPath) -> Any:
    return _detail(session, get_or_404(session, Claim, claim_id))


@router.post("/claims", response_model=ClaimDetail, status_code=status.HTTP_201_CREATED)
def create_claim(session: SessionDep, body: ClaimCreate) -> Any:
    claim = service.create_claim(session, **body.model_dump())
    session.commit()
    return _detail(session, claim)


@router.patch("/claims/{claim_id}", response_model=ClaimDetail)
def update_claim(session: SessionDep, claim_id: IdPath, body: ClaimUpdate) -> Any:
    claim = get_or_404(session, Claim, claim_id)
    service.update_claim(session, claim, body.changes(), expected_version=body.version)
    session.commit()
    return _detail(session, claim)


@router.delete("/claims/{claim_id}", response_model=ClaimPublic)
def delete_claim(session: SessionDep, claim_id: IdPath, version: VersionQuery = None) -> Any:
    claim = get_or_404(session, Claim, claim_id)
    service.delete_claim(session, claim, expected_version=version)
    session.commit()
    return claim


@router.post("/claims/{claim_id}/take", response_model=ClaimDetail)
def take_claim(session: SessionDep, claim_id: IdPath, body: Action | None = None) -> Any:
    claim = get_or_404(session, Claim, claim_id)
    service.take_into_work(session, claim, expected_version=body.version if body else None)
    session.commit()
    return _detail(session, claim)


@router.post("/claims/{claim_id}/resolve", response_model=ClaimDetail)
def resolve_claim(
    session: SessionDep, user: CurrentUser, claim_id: IdPath, body: ClaimResolve
) -> Any:
    claim = get_or_404(session, Claim, claim_id)
    service.resolve_claim(
        session,
        claim,
        body.result,
        body.comment,
        force=body.force,
        actor_role=user.role,
        expected_version=body.version,
    )
    session.commit()
    return _detail(session, claim)


@router.post("/claims/{claim_id}/reopen", response_model=ClaimDetail)
def reopen_claim(
    session: SessionDep, user: CurrentUser, claim_id: IdPath, body: Action | None = None
) -> Any:
    claim = get_or_404(session, Claim, claim_id)
    service.reopen_claim(
        session, claim, actor_role=user.role, expected_version=body.version if body else None
    )
    session.commit()
    return _detail(session, claim)


@router.post(
    "/claims/{claim_id}/tasks", response_model=ClaimTaskPublic, status_code=status.HTTP_201_CREATED
)
def add_task(session: SessionDep, claim_id: IdPath, body: ClaimTaskCreate) -> Any:
    claim = get_or_404(session, Claim, claim_id)
    task = service.add_task(session, claim, **body.model_dump())
    session.commit()
    return task


@router.patch("/claims/{claim_id}/tasks/{task_id}", response_model=ClaimTaskPublic)
def update_task(
    session: SessionDep, claim_id: IdPath, task_id: IdPath, body: ClaimTaskUpdate
) -> Any:
    task = _task(session, claim_id, task_id)
    service.update_task(session, task, body.changes(), expected_version=body.version)
    session.commit()
    return task


@router.post("/claims/{claim_id}/tasks/{task_id}/complete", response_model=ClaimTaskPublic)
def complete_task(
    session: SessionDep, claim_id: IdPath, task_id: IdPath, body: Action | None = None
) -> Any:
    task = _task(session, claim_id, task_id)
    service.complete_task(session, task, expected_version=body.version if body else None)
    session.commit()
    return task


@router.post("/claims/{claim_id}/tasks/{task_id}/reopen", response_model=ClaimTaskPublic)
def reopen_task(
    session: SessionDep, claim_id: IdPath, task_id: IdPath, body: Action | None = None
) -> Any:
    task = _task(session, claim_id, task_id)
    service.reopen_task(session, task, expected_version=body.version if body else None)
    session.commit()
    return task


@router.delete("/claims/{claim_id}/tasks/{task_id}", response_model=ClaimTaskPublic)
def delete_task(
    session: SessionDep, claim_id: IdPath, task_id: IdPath, version: VersionQuery = None
) -> Any:
    task = _task(session, claim_id, task_id)
    service.delete_task(session, task, expected_version=version)
    session.commit()
    return task
