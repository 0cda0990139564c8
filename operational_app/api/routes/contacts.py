"""Контактные лица and partner roles (Роли партнёров)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from operational_app.api.deps import IdFilter, IdPath, Limit, Offset, SearchText, SessionDep
from operational_app.api.engagement_schemas import (
    ContactCreate,
    ContactPublic,
    ContactUpdate,
    PartnerRoleAdd,
    PartnerRoleLinkPublic,
    Sort,
)
from operational_app.api.schemas import Paged, Version
from operational_app.db.models import ContactPerson, Partner, PartnerRoleLink
from operational_app.domain import contacts as service
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import NotFound

router = APIRouter(tags=["contacts"])
VersionQuery = Annotated[Version | None, Query()]


@router.get("/contacts", response_model=Paged[ContactPublic])
def list_contacts(
    session: SessionDep,
    q: SearchText = None,
    partner_id: IdFilter = None,
    contact_role_id: IdFilter = None,
    sort: Annotated[Sort, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    page = service.list_contacts(
        session,
        q=q,
        partner_id=partner_id,
        contact_role_id=contact_role_id,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return {"items": list(page.items), "total": page.total}


@router.get("/contacts/{contact_id}", response_model=ContactPublic)
def get_contact(session: SessionDep, contact_id: IdPath) -> Any:
    return get_or_404(session, ContactPerson, contact_id)


@router.post("/contacts", response_model=ContactPublic, status_code=status.HTTP_201_CREATED)
def create_contact(session: SessionDep, body: ContactCreate) -> Any:
    contact = service.create_contact(session, **body.model_dump())
    session.commit()
    return contact


@router.patch("/contacts/{contact_id}", response_model=ContactPublic)
def update_contact(session: SessionDep, contact_id: IdPath, body: ContactUpdate) -> Any:
    contact = get_or_404(session, ContactPerson, contact_id)
    service.update_contact(session, contact, body.changes(), expected_version=body.version)
    session.commit()
    return contact


@router.delete("/contacts/{contact_id}", response_model=ContactPublic)
def delete_contact(session: SessionDep, contact_id: IdPath, version: VersionQuery = None) -> Any:
    contact = get_or_404(session, ContactPerson, contact_id)
    service.delete_contact(session, contact, expected_version=version)
    session.commit()
    return contact


@router.get("/partners/{partner_id}/roles", response_model=list[PartnerRoleLinkPublic])
def list_partner_roles(session: SessionDep, partner_id: IdPath) -> Any:
    partner = get_or_404(session, Partner, partner_id)
    return service.partner_role_links(session, partner.id)


@router.post(
    "/partners/{partner_id}/roles",
    response_model=PartnerRoleLinkPublic,
    status_code=status.HTTP_201_CREATED,
)
def add_partner_role(session: SessionDep, partner_id: IdPath, body: PartnerRoleAdd) -> Any:
    partner = get_or_404(session, Partner, partner_id)
    link = service.add_partner_role(session, partner, body.partner_role_id)
    session.commit()
    return link


@router.delete("/partners/{partner_id}/roles/{link_id}", response_model=PartnerRoleLinkPublic)
def remove_partner_role(
    session: SessionDep, partner_id: IdPath, link_id: IdPath, version: VersionQuery = None
) -> Any:
    link = get_or_404(session, PartnerRoleLink, link_id)
    if link.partner_id != partner_id:
        raise NotFound("partner_role_links.not_found", f"Partner role link {link_id} not found.")
    service.remove_partner_role(session, link, expected_version=version)
    session.commit()
    return link
