"""Организации under /api/v1/organizations: our legal entities and their GIS identities.

Administrators only (they decide how GIS documents are attributed). List fields are JSON arrays
here; the rules and the stored comma-separated form live in `domain.organizations`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from fastapi import APIRouter, status
from pydantic import Field, field_validator

from operational_app.api.deps import IdPath, SessionDep, require_role
from operational_app.api.schemas import (
    InnInput,
    Input,
    KppInput,
    Name200,
    PatchInput,
    Public,
    Version,
    text,
)
from operational_app.db.models import Organization
from operational_app.domain import organizations as service
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["organizations"], dependencies=[require_role("administrator")])

FsrarInput = text(32, min_length=0)
GuidInput = text(64, min_length=0)
# A bounded JSON array of identifiers; the domain validates each.
FsrarList = list[FsrarInput]
GuidList = list[GuidInput]
_MAX_ITEMS = service.MAX_LIST_ITEMS
# Bank requisites (issue 25): the domain checks the digits and their count.
DigitsInput = text(20, min_length=0)


class OrganizationCreate(Input):
    name: Name200
    inn: InnInput
    kpp: KppInput | None = None
    fsrar_id: FsrarInput | None = None
    additional_fsrar_ids: FsrarList = Field(default_factory=list, max_length=_MAX_ITEMS)
    vetis_business_entity_guid: GuidInput | None = None
    vetis_enterprise_guids: GuidList = Field(default_factory=list, max_length=_MAX_ITEMS)
    gismt_participant_inn: InnInput | None = None
    legal_address: text(500, min_length=0) | None = None
    bank_name: text(200, min_length=0) | None = None
    bank_bik: DigitsInput | None = None
    settlement_account: DigitsInput | None = None
    correspondent_account: DigitsInput | None = None
    director_name: text(200, min_length=0) | None = None
    chief_accountant_name: text(200, min_length=0) | None = None
    is_vat_payer: bool = True


class OrganizationUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name", "inn", "is_vat_payer")
    version: Version
    name: Name200 | None = None
    inn: InnInput | None = None
    kpp: KppInput | None = None
    fsrar_id: FsrarInput | None = None
    additional_fsrar_ids: FsrarList | None = Field(default=None, max_length=_MAX_ITEMS)
    vetis_business_entity_guid: GuidInput | None = None
    vetis_enterprise_guids: GuidList | None = Field(default=None, max_length=_MAX_ITEMS)
    gismt_participant_inn: InnInput | None = None
    legal_address: text(500, min_length=0) | None = None
    bank_name: text(200, min_length=0) | None = None
    bank_bik: DigitsInput | None = None
    settlement_account: DigitsInput | None = None
    correspondent_account: DigitsInput | None = None
    director_name: text(200, min_length=0) | None = None
    chief_accountant_name: text(200, min_length=0) | None = None
    is_vat_payer: bool | None = None


class OrganizationPublic(Public):
    id: int
    name: str
    inn: str
    kpp: str | None
    fsrar_id: str | None
    additional_fsrar_ids: list[str]
    vetis_business_entity_guid: str | None
    vetis_enterprise_guids: list[str]
    gismt_participant_inn: str | None
    legal_address: str | None
    bank_name: str | None
    bank_bik: str | None
    settlement_account: str | None
    correspondent_account: str | None
    director_name: str | None
    chief_accountant_name: str | None
    is_vat_payer: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @field_validator("additional_fsrar_ids", "vetis_enterprise_guids", mode="before")
    @classmethod
    def _stored_list(cls, value: Any) -> Any:
        return service.split_list(value) if value is None or isinstance(value, str) else value


@router.get("/organizations", response_model=list[OrganizationPublic])
def list_organizations(session: SessionDep) -> list[Organization]:
    """List our organisations (Организации) by name, with their GIS identities.

    Administrators only, like every /organizations operation."""
    return service.list_organizations(session)


@router.get("/organizations/{organization_id}", response_model=OrganizationPublic)
def get_organization(session: SessionDep, organization_id: IdPath) -> Organization:
    """Read one organisation (Организация); 404 when missing or deleted."""
    return get_or_404(session, Organization, organization_id)


@router.post(
    "/organizations", response_model=OrganizationPublic, status_code=status.HTTP_201_CREATED
)
def create_organization(session: SessionDep, body: OrganizationCreate) -> Organization:
    """Create an organisation (Организация): our legal entity, seller in documents.

    ИНН/КПП are checked as for counterparties (`inn.*`, `kpp.*`); the ИНН is unique
    (`organization.duplicate_inn`). The GIS identities are how files from ЕГАИС (FSRAR IDs), ВетИС
    (GUIDs) and ГИС МТ are matched to the organisation: each belongs to one organisation
    (`organization.identity_taken`) and must be well formed (`organization.fsrar_id`,
    `organization.guid`, `organization.list_too_long`)."""
    organization = service.create_organization(session, body.model_dump())
    session.commit()
    return organization


@router.patch("/organizations/{organization_id}", response_model=OrganizationPublic)
def update_organization(
    session: SessionDep, organization_id: IdPath, body: OrganizationUpdate
) -> Organization:
    """Only the given fields change; a list given as [] is cleared. A `version` other than the
    stored one is refused with 409 (someone changed the organization meanwhile)."""
    organization = get_or_404(session, Organization, organization_id)
    service.update_organization(
        session, organization, body.changes(), expected_version=body.version
    )
    session.commit()
    return organization
