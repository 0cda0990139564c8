"""Организации: the administrator's pages under /admin/organizations (no JavaScript).

Our legal entities with their identities in the GIS systems; the pipeline reads them to decide
the direction and the counterparty of each GIS document. The router is included with
`require_role("administrator")`; the rules live in `domain.organizations`. Lists are typed one
identifier per line.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import IdPath, SessionDep, require_role
from operational_app.api.schemas import InnInput, KppInput, LongText, Name200, Version, text
from operational_app.db.models import Organization
from operational_app.domain import organizations as service
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError
from operational_app.web.common import failure_errors, form_values, redirect, render, request_lang
from operational_app.web.forms import FormModel, form_errors
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False, dependencies=[require_role("administrator")])
BASE = "/admin/organizations"


class OrganizationForm(FormModel):
    """Bounds what a browser may send; the domain explains the identity rules."""

    version: Version | None = None
    name: Name200
    inn: InnInput
    kpp: KppInput | None = None
    fsrar_id: text(32, min_length=0) | None = None
    additional_fsrar_ids: LongText | None = None
    vetis_business_entity_guid: text(64, min_length=0) | None = None
    vetis_enterprise_guids: LongText | None = None
    gismt_participant_inn: InnInput | None = None
    # Requisites the Счет на оплату prints (issue 25); the domain checks the digits.
    legal_address: text(500, min_length=0) | None = None
    bank_name: text(200, min_length=0) | None = None
    bank_bik: text(20, min_length=0) | None = None
    settlement_account: text(30, min_length=0) | None = None
    correspondent_account: text(30, min_length=0) | None = None
    director_name: text(200, min_length=0) | None = None
    chief_accountant_name: text(200, min_length=0) | None = None
    is_vat_payer: text(1, min_length=0) | None = None

    def fields(self) -> dict[str, Any]:
        values = self.model_dump(exclude={"version"})
        values["is_vat_payer"] = values.get("is_vat_payer") != "0"
        return values


class OrganizationEditForm(OrganizationForm):
    """An edit carries the version it was made on (optimistic lock)."""

    version: Version


def _form_of(organization: Organization) -> dict[str, str]:
    """The stored organization as its form shows it (lists one identifier per line)."""
    form = {}
    for field in service.ORGANIZATION_FIELDS:
        value = getattr(organization, field)
        form[field] = service.lines(value) if field in service.LIST_FIELDS else (value or "")
    form["is_vat_payer"] = "1" if organization.is_vat_payer else "0"
    return form


def _typed_as_shown(values: dict[str, str]) -> dict[str, str]:
    """What was typed, lists normalised to one per line and GUIDs to lower case (as stored),
    to compare with `_form_of`: a difference of spelling alone is no change by someone else."""
    shown = {}
    for field, value in values.items():
        text = service.lines(value) if field in service.LIST_FIELDS else value
        shown[field] = text.strip().lower() if field.startswith("vetis_") else text
    return shown


def _list_page(request: Request, session: Session) -> Response:
    return render(
        request,
        "organizations/list.html",
        {"organizations": service.list_organizations(session), "lines": service.split_list},
    )


def _form_page(
    request: Request,
    organization: Organization | None,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    *,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "organizations/form.html",
        {
            "organization": organization,
            "form": form,
            "errors": errors or {},
            "changes": changes or [],
        },
        status_code=status_code,
    )


@router.get(BASE)
def organization_list(request: Request, session: SessionDep) -> Response:
    return _list_page(request, session)


@router.get(f"{BASE}/new")
def organization_new(request: Request) -> Response:
    return _form_page(request, None, {})


@router.post(BASE)
async def organization_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    lang = request_lang(request)
    try:
        form = OrganizationForm.model_validate(values)
    except ValidationError as exc:
        return _form_page(request, None, values, form_errors(exc, lang), status_code=422)
    try:
        service.create_organization(session, form.fields())
        session.commit()
    except DomainError as exc:
        errors, code = failure_errors(session, exc, lang)
        return _form_page(request, None, values, errors, status_code=code)
    return redirect(BASE)


@router.get(f"{BASE}/{{organization_id}}")
def organization_edit(request: Request, session: SessionDep, organization_id: IdPath) -> Response:
    organization = get_or_404(session, Organization, organization_id)
    return _form_page(request, organization, _form_of(organization))


@router.post(f"{BASE}/{{organization_id}}")
async def organization_update(
    request: Request, session: SessionDep, organization_id: IdPath
) -> Response:
    organization = get_or_404(session, Organization, organization_id)
    values = await form_values(request)
    lang = request_lang(request)
    try:
        form = OrganizationEditForm.model_validate(values)
    except ValidationError as exc:
        return _form_page(request, organization, values, form_errors(exc, lang), status_code=422)
    try:
        service.update_organization(
            session, organization, form.fields(), expected_version=form.version
        )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = failure_errors(session, exc, lang)
        changes = []
        if is_stale(exc):
            session.refresh(organization)
            stored = SimpleNamespace(**_form_of(organization))
            changes = stale_changes(stored, _typed_as_shown(values), service.ORGANIZATION_FIELDS)
        return _form_page(request, organization, values, errors, changes=changes, status_code=code)
    return redirect(BASE)
