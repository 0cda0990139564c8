"""Партнёры and Контрагенты."""

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
)
from operational_app.api.schemas import (
    CounterpartyCreate,
    CounterpartyPublic,
    CounterpartyUpdate,
    LegalForm,
    Paged,
    PartnerCreate,
    PartnerDetail,
    PartnerKind,
    PartnerPublic,
    PartnerUpdate,
    Version,
)
from operational_app.db.models import Counterparty, Partner
from operational_app.domain import partners as service
from operational_app.domain import queries
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["partners"])
VersionQuery = Annotated[Version | None, Query()]


def _detail(session: SessionDep, partner: Partner) -> PartnerDetail:
    counterparties = service.partner_counterparties(session, partner.id)
    return PartnerDetail.model_validate(
        {
            **PartnerPublic.model_validate(partner).model_dump(),
            "counterparties": [CounterpartyPublic.model_validate(c) for c in counterparties],
        }
    )


@router.get("/partners", response_model=Paged[PartnerPublic])
def list_partners(
    session: SessionDep,
    q: SearchText = None,
    kind: PartnerKind | None = None,
    business_region_id: IdFilter = None,
    manager_id: IdFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[PartnerPublic]:
    page = queries.list_partners(
        session,
        q=q,
        kind=kind,
        business_region_id=business_region_id,
        manager_id=manager_id,
        limit=limit,
        offset=offset,
    )
    return Paged[PartnerPublic](
        items=[PartnerPublic.model_validate(p) for p in page.items], total=page.total
    )


@router.get("/partners/{partner_id}", response_model=PartnerDetail)
def get_partner(session: SessionDep, partner_id: IdPath) -> PartnerDetail:
    return _detail(session, get_or_404(session, Partner, partner_id))


@router.post("/partners", response_model=PartnerDetail, status_code=status.HTTP_201_CREATED)
def create_partner(session: SessionDep, body: PartnerCreate) -> PartnerDetail:
    fields = body.model_dump(exclude={"counterparty"})
    if body.counterparty is not None:
        partner, _ = service.create_partner_with_counterparty(
            session, partner=fields, counterparty=body.counterparty.model_dump()
        )
    else:
        partner = service.create_partner(session, **fields)
    session.commit()
    return _detail(session, partner)


@router.patch("/partners/{partner_id}", response_model=PartnerDetail)
def update_partner(session: SessionDep, partner_id: IdPath, body: PartnerUpdate) -> PartnerDetail:
    partner = get_or_404(session, Partner, partner_id)
    service.update_partner(session, partner, body.changes(), expected_version=body.version)
    session.commit()
    return _detail(session, partner)


@router.get("/counterparties", response_model=Paged[CounterpartyPublic])
def list_counterparties(
    session: SessionDep,
    q: SearchText = None,
    partner_id: IdFilter = None,
    legal_form: LegalForm | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[CounterpartyPublic]:
    page = queries.list_counterparties(
        session, q=q, partner_id=partner_id, legal_form=legal_form, limit=limit, offset=offset
    )
    return Paged[CounterpartyPublic](
        items=[CounterpartyPublic.model_validate(c) for c in page.items], total=page.total
    )


@router.get("/counterparties/{counterparty_id}", response_model=CounterpartyPublic)
def get_counterparty(session: SessionDep, counterparty_id: IdPath) -> Counterparty:
    return get_or_404(session, Counterparty, counterparty_id)


@router.post(
    "/counterparties", response_model=CounterpartyPublic, status_code=status.HTTP_201_CREATED
)
def create_counterparty(session: SessionDep, body: CounterpartyCreate) -> Counterparty:
    counterparty = service.create_counterparty(session, **body.model_dump())
    session.commit()
    return counterparty


@router.patch("/counterparties/{counterparty_id}", response_model=CounterpartyPublic)
def update_counterparty(
    session: SessionDep, counterparty_id: IdPath, body: CounterpartyUpdate
) -> Counterparty:
    counterparty = get_or_404(session, Counterparty, counterparty_id)
    service.update_counterparty(
        session, counterparty, body.changes(), expected_version=body.version
    )
    session.commit()
    return counterparty


@router.delete("/counterparties/{counterparty_id}", response_model=CounterpartyPublic)
def delete_counterparty(
    session: SessionDep, counterparty_id: IdPath, version: VersionQuery = None
) -> Counterparty:
    """Soft delete; `?version=` refuses it (409) when someone changed the entity meanwhile."""
    counterparty = get_or_404(session, Counterparty, counterparty_id)
    service.delete_counterparty(session, counterparty, expected_version=version)
    session.commit()
    return counterparty
