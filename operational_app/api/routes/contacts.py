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
    """List contact persons (Контактные лица партнёров), filtered, sorted and paged.

    `q` matches the full name, phone or e-mail; filter by `partner_id` or `contact_role_id`; `sort`
    names a column (`-` for descending)."""
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
    """Read one contact person; 404 when missing or deleted."""
    return get_or_404(session, ContactPerson, contact_id)


@router.post("/contacts", response_model=ContactPublic, status_code=status.HTTP_201_CREATED)
def create_contact(session: SessionDep, body: ContactCreate) -> Any:
    """Add a contact person (Контактное лицо) to a partner.

    An e-mail must look like one (`contact.email_format`); `contact_role_id` must be a live role
    (`reference.unknown`)."""
    contact = service.create_contact(session, **body.model_dump())
    session.commit()
    return contact


@router.patch("/contacts/{contact_id}", response_model=ContactPublic)
def update_contact(session: SessionDep, contact_id: IdPath, body: ContactUpdate) -> Any:
    """Change a contact person (PATCH).

    The partner cannot change (`contact.partner_fixed`). Send the `version` you read: an older one
    is 409 `stale_version`."""
    contact = get_or_404(session, ContactPerson, contact_id)
    service.update_contact(session, contact, body.changes(), expected_version=body.version)
    session.commit()
    return contact


@router.delete("/contacts/{contact_id}", response_model=ContactPublic)
def delete_contact(session: SessionDep, contact_id: IdPath, version: VersionQuery = None) -> Any:
    """Delete a contact person (a soft delete); past interactions keep pointing at them.

    `?version=` refuses the delete when the record changed (409 `stale_version`)."""
    contact = get_or_404(session, ContactPerson, contact_id)
    service.delete_contact(session, contact, expected_version=version)
    session.commit()
    return contact


@router.get("/partners/{partner_id}/roles", response_model=list[PartnerRoleLinkPublic])
def list_partner_roles(session: SessionDep, partner_id: IdPath) -> Any:
    """List the roles assigned to a partner (Роли партнёра)."""
    partner = get_or_404(session, Partner, partner_id)
    return service.partner_role_links(session, partner.id)


@router.post(
    "/partners/{partner_id}/roles",
    response_model=PartnerRoleLinkPublic,
    status_code=status.HTTP_201_CREATED,
)
def add_partner_role(session: SessionDep, partner_id: IdPath, body: PartnerRoleAdd) -> Any:
    """Assign a role (from the partner roles classifier) to a partner.

    A role already assigned is `partner_role.already_assigned`."""
    partner = get_or_404(session, Partner, partner_id)
    link = service.add_partner_role(session, partner, body.partner_role_id)
    session.commit()
    return link


@router.delete("/partners/{partner_id}/roles/{link_id}", response_model=PartnerRoleLinkPublic)
def remove_partner_role(
    session: SessionDep, partner_id: IdPath, link_id: IdPath, version: VersionQuery = None
) -> Any:
    """Remove a role from a partner; a link of another partner is 404.

    `?version=` refuses it when the link changed (409 `stale_version`)."""
    link = get_or_404(session, PartnerRoleLink, link_id)
    if link.partner_id != partner_id:
        raise NotFound("partner_role_links.not_found", f"Partner role link {link_id} not found.")
    service.remove_partner_role(session, link, expected_version=version)
    session.commit()
    return link
