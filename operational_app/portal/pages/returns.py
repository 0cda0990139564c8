"""Portal pages: return requests (issue 19). Every query goes through the customer's
PortalScope.

The customer chooses one of their orders, sees its shipped lines with the quantity that may
still be returned, types quantities, a reason and a comment (and may attach files); a refused
form comes back with every typed value and the error beside its line. A request still only
registered can be cancelled.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from operational_app.api.deps import IdPath, SessionDep
from operational_app.api.routes.returns import file_response, uploads_of
from operational_app.db.models import CustomerOrder, ReturnRequest
from operational_app.domain import returns as return_service
from operational_app.domain.errors import DomainError, ValidationFailed
from operational_app.i18n import translate
from operational_app.portal.api import returns as service
from operational_app.portal.deps import CurrentCustomer, Customer
from operational_app.portal.pages.claims import failure, uploaded_files
from operational_app.web.common import form_values, int_or_none, redirect, render, request_lang
from operational_app.web.returns import typed_lines

router = APIRouter(prefix="/portal", include_in_schema=False)

PAGE_SIZE = 50


def _form(
    request: Request,
    session: Session,
    customer: Customer,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    scope = customer.scope
    order_id = int_or_none(form.get("customer_order_id"))
    order = (
        scope.get(session, CustomerOrder, order_id)
        if order_id and scope.owns(session, CustomerOrder, order_id)
        else None
    )
    return render(
        request,
        "portal/returns/form.html",
        {
            "form": form,
            "errors": errors,
            "order": order,
            "orders": service.returnable_orders(session, scope),
            "lines": return_service.returnable_lines(session, order.id) if order else [],
            "reasons": service.reasons(session, scope),
        },
        status_code=status_code,
    )


def _card(
    request: Request,
    session: Session,
    customer: Customer,
    found: ReturnRequest,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "portal/returns/card.html",
        {"item": service.detail(session, customer.scope, found), "errors": errors or {}},
        status_code=status_code,
    )


@router.get("/returns")
def return_list(
    request: Request, session: SessionDep, customer: CurrentCustomer, offset: str | None = None
) -> Response:
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    items, total = service.list_returns(session, customer.scope, limit=PAGE_SIZE, offset=start)
    return render(
        request,
        "portal/returns/list.html",
        {
            "items": service.public(session, items),
            "page": {"total": total},
            "offset": start,
            "page_size": PAGE_SIZE,
        },
    )


@router.get("/returns/new")
def return_new(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    customer_order_id: str | None = None,
) -> Response:
    form = {"customer_order_id": str(int_or_none(customer_order_id) or "")}
    return _form(request, session, customer, form, {})


@router.post("/returns")
async def return_create(
    request: Request, session: SessionDep, customer: CurrentCustomer
) -> Response:
    values = await form_values(request)
    files = await uploaded_files(request)
    lines = typed_lines(values)
    try:
        if not lines:
            raise ValidationFailed(
                "return.no_lines",
                "Enter the quantity to return for at least one shipped line.",
                field="lines",
            )
        body = service.PortalReturnCreate.model_validate(
            {
                "customer_order_id": values.get("customer_order_id") or None,
                "return_reason_id": values.get("return_reason_id") or None,
                "comment": values.get("comment") or None,
                "lines": [
                    {
                        "shipment_line_id": line["shipment_line_id"],
                        "quantity": str(line["quantity"]).replace(",", ".").replace(" ", ""),
                    }
                    for line in lines
                ],
            }
        )
        created = service.register_return(
            session, customer, body, uploads_of(files), service.data_dir(request)
        )
    except (ValidationError, DomainError) as exc:
        errors, code = failure(session, exc, request_lang(request))
        if isinstance(exc, ValidationError):
            errors = _line_errors(exc, lines, errors, request_lang(request))
        return _form(request, session, customer, values, errors, status_code=code)
    return redirect(f"/portal/returns/{created.id}")


def _line_errors(
    exc: ValidationError, lines: list[dict], errors: dict[str, str], lang: str
) -> dict[str, str]:
    """Pydantic's `lines.<n>.quantity` errors beside the line's own input."""
    for error in exc.errors():
        location = error["loc"]
        if len(location) >= 2 and location[0] == "lines" and isinstance(location[1], int):
            index = location[1]
            if index < len(lines):
                context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
                message = translate(
                    f"input.{error['type']}",
                    lang,
                    default=translate("input.invalid", lang),
                    **context,
                )
                errors[f"quantity_{lines[index]['shipment_line_id']}"] = message
    return errors


@router.get("/returns/{request_id}")
def return_card(
    request: Request, session: SessionDep, customer: CurrentCustomer, request_id: IdPath
) -> Response:
    found = customer.scope.get(session, ReturnRequest, request_id)
    return _card(request, session, customer, found)


@router.post("/returns/{request_id}/cancel")
async def return_cancel(
    request: Request, session: SessionDep, customer: CurrentCustomer, request_id: IdPath
) -> Response:
    values = await form_values(request)
    try:
        service.cancel(session, customer, request_id, int_or_none(values.get("version")))
    except DomainError as exc:
        errors, code = failure(session, exc, request_lang(request))
        found = customer.scope.get(session, ReturnRequest, request_id)
        return _card(request, session, customer, found, errors, status_code=code)
    return redirect(f"/portal/returns/{request_id}")


@router.post("/returns/{request_id}/attachments")
async def return_upload(
    request: Request, session: SessionDep, customer: CurrentCustomer, request_id: IdPath
) -> Response:
    found = customer.scope.get(session, ReturnRequest, request_id)
    files = await uploaded_files(request)
    try:
        service.add_files(session, customer, found, uploads_of(files), service.data_dir(request))
    except DomainError as exc:
        errors, code = failure(session, exc, request_lang(request))
        found = customer.scope.get(session, ReturnRequest, request_id)
        return _card(request, session, customer, found, errors, status_code=code)
    return redirect(f"/portal/returns/{request_id}#attachments")


@router.get("/returns/{request_id}/attachments/{attachment_id}")
def return_download(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    request_id: IdPath,
    attachment_id: IdPath,
) -> Response:
    found = customer.scope.get(session, ReturnRequest, request_id)
    attachment = service.own_attachment(
        session, customer.scope, service.OWNER, found.id, attachment_id
    )
    return file_response(service.data_dir(request), attachment)
