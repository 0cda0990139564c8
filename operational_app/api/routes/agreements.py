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
    """List customer agreements (Соглашения с клиентами), filtered, sorted and paged.

    `q` matches the name or number. `kind` is typical (for every customer) or individual (one
    partner's). `partner_id` keeps one partner's individual agreements; `available_to_partner`
    keeps what a document for that partner may use: its individual agreements and every typical
    one. `valid_on` keeps agreements in force that day. `sort` is one of number, name, valid_from,
    valid_to, discount_percent, created_at (`-` for descending); the default is newest valid_from
    first."""
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
    return Paged[AgreementPublic].of(page.items, page.total)


@router.get("/agreements/{agreement_id}", response_model=AgreementPublic)
def get_agreement(session: SessionDep, agreement_id: IdPath) -> Agreement:
    """Read one agreement (Соглашение с клиентом); 404 when missing or deleted."""
    return get_or_404(session, Agreement, agreement_id)


@router.post("/agreements", response_model=AgreementPublic, status_code=status.HTTP_201_CREATED)
def create_agreement(session: SessionDep, body: AgreementCreate) -> Agreement:
    """Create a customer agreement (Соглашение с клиентом): the prices and terms documents use.

    A typical agreement has no partner (`agreement.typical_has_no_partner`); an individual one
    needs one (`agreement.individual_needs_partner`). `valid_to` may not precede `valid_from`
    (`agreement.validity_order`); `deferral_days` is range-checked (`agreement.deferral_range`).
    The number is assigned."""
    agreement = service.create_agreement(session, **body.model_dump())
    session.commit()
    return agreement


@router.patch("/agreements/{agreement_id}", response_model=AgreementPublic)
def update_agreement(session: SessionDep, agreement_id: IdPath, body: AgreementUpdate) -> Agreement:
    """Change an agreement's terms (PATCH).

    The rules of create apply to the result. Send the `version` you read: an older one is 409
    `stale_version`."""
    agreement = get_or_404(session, Agreement, agreement_id)
    service.update_agreement(session, agreement, body.changes(), expected_version=body.version)
    session.commit()
    return agreement


@router.delete("/agreements/{agreement_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_agreement(
    session: SessionDep, agreement_id: IdPath, body: DeleteBody | None = None
) -> None:
    """Delete an agreement (a soft delete).

    Documents that name it keep it; new documents can no longer choose it. The optional body's
    `version` must be current (409 `stale_version`)."""
    agreement = get_or_404(session, Agreement, agreement_id)
    service.delete_agreement(session, agreement, expected_version=body.version if body else None)
    session.commit()
