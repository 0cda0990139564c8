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
    """List customer claims (Претензии клиентов), filtered, sorted and paged.

    `q` matches the number or description. Filters: `status` (registered, in_work, resolved),
    `result`, `source`, `partner_id`, `claim_reason_id`, `responsible_id`, `customer_order_id`;
    `sort` names a column (`-` for descending)."""
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
    """Read a claim with its work-plan tasks and interactions."""
    return _detail(session, get_or_404(session, Claim, claim_id))


@router.post("/claims", response_model=ClaimDetail, status_code=status.HTTP_201_CREATED)
def create_claim(session: SessionDep, body: ClaimCreate) -> Any:
    """Register a customer claim (Претензия клиента): status registered.

    The order and shipment it refers to must be the partner's and each other's
    (`claim.order_of_other_partner`, `claim.shipment_of_other_partner`,
    `claim.shipment_not_of_order`, `claim.shipment_required`); `claimed_amount` is range-checked
    (`claim.amount_range`); `source` must be known (`claim.source_unknown`). The number is
    assigned."""
    claim = service.create_claim(session, **body.model_dump())
    session.commit()
    return _detail(session, claim)


@router.patch("/claims/{claim_id}", response_model=ClaimDetail)
def update_claim(session: SessionDep, claim_id: IdPath, body: ClaimUpdate) -> Any:
    """Change a claim (PATCH) while it is not resolved (`claim.resolved_read_only`).

    The document rules of create apply. Send the `version` you read: an older one is 409
    `stale_version`."""
    claim = get_or_404(session, Claim, claim_id)
    service.update_claim(session, claim, body.changes(), expected_version=body.version)
    session.commit()
    return _detail(session, claim)


@router.delete("/claims/{claim_id}", response_model=ClaimPublic)
def delete_claim(session: SessionDep, claim_id: IdPath, version: VersionQuery = None) -> Any:
    """Delete a claim (a soft delete); only while registered (`claim.delete_requires_registered`).

    `?version=` refuses the delete when the claim changed (409 `stale_version`)."""
    claim = get_or_404(session, Claim, claim_id)
    service.delete_claim(session, claim, expected_version=version)
    session.commit()
    return claim


@router.post("/claims/{claim_id}/take", response_model=ClaimDetail)
def take_claim(session: SessionDep, claim_id: IdPath, body: Action | None = None) -> Any:
    """Take a claim into work: registered → in_work (`claim.take_requires_registered`).

    The first operator action on a claim sets its first response time."""
    claim = get_or_404(session, Claim, claim_id)
    service.take_into_work(session, claim, expected_version=body.version if body else None)
    session.commit()
    return _detail(session, claim)


@router.post("/claims/{claim_id}/resolve", response_model=ClaimDetail)
def resolve_claim(
    session: SessionDep, user: CurrentUser, claim_id: IdPath, body: ClaimResolve
) -> Any:
    """Resolve a claim in work with a result: in_work → resolved.

    `result` is satisfied or not_satisfied (`claim.result_required`, `claim.result_unknown`). Open
    work-plan tasks block it (`claim.open_tasks`) unless `force`, which only a manager or
    administrator may use (403 `claim.force_requires_manager`). Only in_work
    (`claim.resolve_requires_in_work`)."""
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
    """Reopen a resolved claim: resolved → in_work; administrators only.

    403 `claim.reopen_requires_administrator` for others; only a resolved claim
    (`claim.reopen_requires_resolved`)."""
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
    """Add a work-plan task (задача по претензии) to a claim that is not resolved."""
    claim = get_or_404(session, Claim, claim_id)
    task = service.add_task(session, claim, **body.model_dump())
    session.commit()
    return task


@router.patch("/claims/{claim_id}/tasks/{task_id}", response_model=ClaimTaskPublic)
def update_task(
    session: SessionDep, claim_id: IdPath, task_id: IdPath, body: ClaimTaskUpdate
) -> Any:
    """Change a claim's task (PATCH); not on a resolved claim (`claim.resolved_read_only`).

    Send the `version` you read: an older one is 409 `stale_version`."""
    task = _task(session, claim_id, task_id)
    service.update_task(session, task, body.changes(), expected_version=body.version)
    session.commit()
    return task


@router.post("/claims/{claim_id}/tasks/{task_id}/complete", response_model=ClaimTaskPublic)
def complete_task(
    session: SessionDep, claim_id: IdPath, task_id: IdPath, body: Action | None = None
) -> Any:
    """Mark a claim's task done: open → done (`claim_task.not_open` otherwise)."""
    task = _task(session, claim_id, task_id)
    service.complete_task(session, task, expected_version=body.version if body else None)
    session.commit()
    return task


@router.post("/claims/{claim_id}/tasks/{task_id}/reopen", response_model=ClaimTaskPublic)
def reopen_task(
    session: SessionDep, claim_id: IdPath, task_id: IdPath, body: Action | None = None
) -> Any:
    """Reopen a done task of a claim: done → open (`claim_task.not_done` otherwise)."""
    task = _task(session, claim_id, task_id)
    service.reopen_task(session, task, expected_version=body.version if body else None)
    session.commit()
    return task


@router.delete("/claims/{claim_id}/tasks/{task_id}", response_model=ClaimTaskPublic)
def delete_task(
    session: SessionDep, claim_id: IdPath, task_id: IdPath, version: VersionQuery = None
) -> Any:
    """Delete a claim's task (a soft delete); not on a resolved claim."""
    task = _task(session, claim_id, task_id)
    service.delete_task(session, task, expected_version=version)
    session.commit()
    return task
