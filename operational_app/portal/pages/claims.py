"""Portal pages: claims (issue 19). Every query goes through the customer's PortalScope.

A list, a card with the status history, the result and the files, and a form to register a
claim (with files) about one of the customer's own orders or shipments. A refused form is shown
again with the typed values kept (files have to be chosen again: browsers never refill them).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from operational_app.api.deps import IdPath, SessionDep
from operational_app.api.routes.returns import file_response, uploads_of
from operational_app.db.models import Claim
from operational_app.domain.errors import DomainError
from operational_app.portal.api import claims as service
from operational_app.portal.deps import CurrentCustomer, Customer
from operational_app.web.common import form_values, int_or_none, redirect, render, request_lang
from operational_app.web.forms import domain_error_message, form_errors

router = APIRouter(prefix="/portal", include_in_schema=False)

PAGE_SIZE = 50
FORM_FIELDS = (
    "claim_reason_id",
    "customer_order_id",
    "shipment_id",
    "claimed_amount",
    "description",
)


async def uploaded_files(request: Request, field: str = "attachments") -> list[UploadFile]:
    form = await request.form()
    return [value for value in form.getlist(field) if isinstance(value, UploadFile)]


def failure(session: Session, exc: Exception, lang: str) -> tuple[dict[str, str], int]:
    """The refusal as form errors beside their fields, and its status code."""
    session.rollback()
    if isinstance(exc, ValidationError):
        return form_errors(exc, lang), 422
    assert isinstance(exc, DomainError)
    return {exc.field or "_": domain_error_message(exc, lang)}, exc.status_code


def _typed(values: dict[str, str]) -> dict[str, Any]:
    typed: dict[str, Any] = {}
    for field in FORM_FIELDS:
        value = (values.get(field) or "").strip()
        if not value:
            continue
        if field == "claimed_amount":
            value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        typed[field] = value
    return typed


def _form(
    request: Request,
    session: Session,
    customer: Customer,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    scope = customer.scope
    return render(
        request,
        "portal/claims/form.html",
        {
            "form": form,
            "errors": errors,
            "reasons": service.reasons(session, scope),
            "orders": service.own_orders(session, scope),
            "shipments": service.own_shipments(session, scope),
        },
        status_code=status_code,
    )


def _card(
    request: Request,
    session: Session,
    customer: Customer,
    claim: Claim,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "portal/claims/card.html",
        {"claim": service.detail(session, customer.scope, claim), "errors": errors or {}},
        status_code=status_code,
    )


@router.get("/claims")
def claim_list(
    request: Request, session: SessionDep, customer: CurrentCustomer, offset: str | None = None
) -> Response:
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    items, total = service.list_claims(session, customer.scope, limit=PAGE_SIZE, offset=start)
    return render(
        request,
        "portal/claims/list.html",
        {
            "claims": service.public(session, items),
            "page": {"total": total},
            "offset": start,
            "page_size": PAGE_SIZE,
        },
    )


@router.get("/claims/new")
def claim_new(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    customer_order_id: str | None = None,
    shipment_id: str | None = None,
) -> Response:
    form = {
        "customer_order_id": str(int_or_none(customer_order_id) or ""),
        "shipment_id": str(int_or_none(shipment_id) or ""),
    }
    return _form(request, session, customer, form, {})


@router.post("/claims")
async def claim_create(
    request: Request, session: SessionDep, customer: CurrentCustomer
) -> Response:
    values = await form_values(request)
    files = await uploaded_files(request)
    try:
        body = service.PortalClaimCreate.model_validate(_typed(values))
        claim = service.register_claim(
            session, customer, body, uploads_of(files), service.data_dir(request)
        )
    except (ValidationError, DomainError) as exc:
        errors, code = failure(session, exc, request_lang(request))
        return _form(request, session, customer, values, errors, status_code=code)
    return redirect(f"/portal/claims/{claim.id}")


@router.get("/claims/{claim_id}")
def claim_card(
    request: Request, session: SessionDep, customer: CurrentCustomer, claim_id: IdPath
) -> Response:
    return _card(request, session, customer, customer.scope.get(session, Claim, claim_id))


@router.post("/claims/{claim_id}/attachments")
async def claim_upload(
    request: Request, session: SessionDep, customer: CurrentCustomer, claim_id: IdPath
) -> Response:
    claim = customer.scope.get(session, Claim, claim_id)
    files = await uploaded_files(request)
    try:
        service.add_files(session, customer, claim, uploads_of(files), service.data_dir(request))
    except DomainError as exc:
        errors, code = failure(session, exc, request_lang(request))
        claim = customer.scope.get(session, Claim, claim_id)
        return _card(request, session, customer, claim, errors, status_code=code)
    return redirect(f"/portal/claims/{claim.id}#attachments")


@router.get("/claims/{claim_id}/attachments/{attachment_id}")
def claim_download(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    claim_id: IdPath,
    attachment_id: IdPath,
) -> Response:
    claim = customer.scope.get(session, Claim, claim_id)
    attachment = service.own_attachment(
        session, customer.scope, service.OWNER, claim.id, attachment_id
    )
    return file_response(service.data_dir(request), attachment)
