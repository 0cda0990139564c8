"""Read-only classifiers the entry forms need (select boxes)."""

from __future__ import annotations

from fastapi import APIRouter

from operational_app.api.deps import SessionDep
from operational_app.api.schemas import (
    BusinessRegionPublic,
    DealKindPublic,
    LossReasonPublic,
    StagePublic,
    UserPublic,
)
from operational_app.db.models import BusinessRegion, LossReason, User
from operational_app.domain import queries

router = APIRouter(tags=["classifiers"])


@router.get("/deal-kinds", response_model=list[DealKindPublic])
def list_deal_kinds(session: SessionDep) -> list[DealKindPublic]:
    """List deal kinds (Виды сделок) with their live sales stages in order."""
    stages = queries.stages_by_kind(session)
    return [
        DealKindPublic(
            id=kind.id,
            name=kind.name,
            has_stages=kind.has_stages,
            stages=[StagePublic.model_validate(s) for s in stages.get(kind.id, [])],
        )
        for kind in queries.deal_kinds(session)
    ]


@router.get("/loss-reasons", response_model=list[LossReasonPublic])
def list_loss_reasons(session: SessionDep) -> list[LossReason]:
    """List live loss reasons (Причины проигрыша сделок), for /deals/{id}/lose."""
    return queries.loss_reasons(session)


@router.get("/business-regions", response_model=list[BusinessRegionPublic])
def list_business_regions(session: SessionDep) -> list[BusinessRegion]:
    """List live business regions (Бизнес-регионы)."""
    return queries.business_regions(session)


@router.get("/users", response_model=list[UserPublic])
def list_users(session: SessionDep) -> list[User]:
    """List users (Пользователи): the ids that manager_id and responsible_id take."""
    return queries.users(session)
