"""Соглашения с клиентами: CRUD with filters (kind, partner, valid on a date)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, status

from operational_app.api.deps import IdFilter, IdPath, Limit, Offset, SearchText, SessionDep
from operational_app.api.schemas import Paged, PlannedDate
from operational_app.api.schemas_sales import (
    AgreementCreate,
    AgreementKind,
    AgreementPublic,
    AgreementUpdate,
    DeleteBody,
)
from operational_app.db.models import Agreement
from operational_app.domain import agreements as service
from operational_app.domain import sales_queries
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["agreements"])


@router.get("/agreements", response_model=Paged[AgreementPublic])
def list_agreements(
    session: SessionDep,
    q: SearchText = None,
    kind: AgreementKind | None = None,
    partner_id: IdFilter = None,
    available_to_partner: IdFilter = None,
    valid_on: PlannedDate | None = None,
    sort: SearchText = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[AgreementPublic]:
    page = sales_queries.list_agreements(
        session,
        q=q,
        kind=kind,
        partner_id=partner_id,
        available_to_partner=available_to_partner,
        valid_on=valid_on if isinstance(valid_on, dt.date) else None,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Paged[AgreementPublic](
        items=[AgreementPublic.model_validate(a) for a in page.items], total=page.total
    )


@router.get("/agreements/{agreement_id}", response_model=AgreementPublic)
def get_agreement(session: SessionDep, agreement_id: IdPath) -> Agreement:
    return get_or_404(session, Agreement, agreement_id)


@router.post("/agreements", response_model=AgreementPublic, status_code=status.HTTP_201_CREATED)
def create_agreement(session: SessionDep, body: AgreementCreate) -> Agreement:
    agreement = service.create_agreement(session, **body.model_dump())
    session.commit()
    return agreement


@router.patch("/agreements/{agreement_id}", response_model=AgreementPublic)
def update_agreement(session: SessionDep, agreement_id: IdPath, body: AgreementUpdate) -> Agreement:
    agreement = get_or_404(session, Agreement, agreement_id)
    service.update_agreement(session, agreement, body.changes(), expected_version=body.version)
    session.commit()
    return agreement


@router.delete("/agreements/{agreement_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_agreement(
    session: SessionDep, agreement_id: IdPath, body: DeleteBody | None = None
) -> None:
    agreement = get_or_404(session, Agreement, agreement_id)
    service.delete_agreement(session, agreement, expected_version=body.version if body else None)
    session.commit()
