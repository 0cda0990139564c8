"""Operator pages of Заявки на возврат товаров от клиента (issue 19): list, card, approve,
reject, receive; registering a return for a customer; downloading the files attached to claims
and return requests.

Same conventions as the other operator pages: plain forms with the CSRF token and the row's
version, Post/Redirect/Get, a refused form shown again with the typed values kept.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from jinja2 import pass_context
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import CurrentUser, IdPath, SessionDep
from operational_app.api.routes.returns import file_response
from operational_app.db.models import (
    RETURN_SOURCES,
    RETURN_STATUSES,
    Claim,
    CustomerOrder,
    Partner,
    Product,
    ReturnReason,
    ReturnRequest,
    User,
)
from operational_app.domain import attachments as attachment_service
from operational_app.domain import queries
from operational_app.domain import returns as service
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound, StaleVersion, ValidationFailed
from operational_app.web.common import (
    PAGE_SIZE,
    form_values,
    int_or_none,
    names_by_id,
    redirect,
    render,
    request_lang,
)
from operational_app.web.forms import domain_error_message

router = APIRouter(include_in_schema=False)

ACTIONS = ("approve", "reject", "receive", "cancel")
SORTS = ("number", "registered_at", "status", "total_amount", "updated_at")


def _storage(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir)


def _sort(value: str | None) -> str:
    return value if value and value.lstrip("-") in SORTS else ""


def _failure(session: Session, exc: Exception, lang: str) -> tuple[dict[str, str], int]:
    session.rollback()
    if isinstance(exc, StaleDataError):
        exc = StaleVersion("stale_version", "The record was changed by someone else.")
    assert isinstance(exc, DomainError)
    return {exc.field or "_": domain_error_message(exc, lang)}, exc.status_code


def _lookups(session: Session) -> dict[str, Any]:
    return {
        "partner_names": names_by_id(session, Partner),
        "reason_names": names_by_id(session, ReturnReason),
        "order_names": names_by_id(session, CustomerOrder, "number"),
        "user_names": names_by_id(session, User, "full_name"),
    }


def order_returns(session: Session, order_id: int) -> list[ReturnRequest]:
    return list(service.list_return_requests(session, customer_order_id=order_id, limit=200).items)


# --- Template globals (claim, order and partner cards) ----------------------------------------


def _with_session(context: dict, work: Any) -> Any:
    request = context["request"]
    with request.app.state.session_factory() as session:
        return work(session)


@pass_context
def claim_attachments(context: dict, claim_id: int) -> list[Any]:
    return _with_session(
        context, lambda session: attachment_service.list_attachments(session, "claim", claim_id)
    )


@pass_context
def partner_returns(context: dict, partner_id: int) -> list[ReturnRequest]:
    return _with_session(
        context,
        lambda session: list(
            service.list_return_requests(session, partner_id=partner_id, limit=50).items
        ),
    )


@pass_context
def returns_of_order(context: dict, order_id: int) -> list[ReturnRequest]:
    return _with_session(context, lambda session: order_returns(session, order_id))


def template_globals() -> dict[str, Any]:
    return {
        "claim_attachments": claim_attachments,
        "partner_returns": partner_returns,
        "returns_of_order": returns_of_order,
    }


# --- List and card ----------------------------------------------------------------------------


@router.get("/returns")
def return_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    status: str | None = None,
    source: str | None = None,
    partner_id: str | None = None,
    customer_order_id: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": (q or "").replace("\x00", "")[:200],
        "status": status if status in RETURN_STATUSES else "",
        "source": source if source in RETURN_SOURCES else "",
        "partner_id": int_or_none(partner_id),
        "customer_order_id": int_or_none(customer_order_id),
        "sort": _sort(sort),
    }
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    page = service.list_return_requests(
        session,
        q=filters["q"] or None,
        status=filters["status"] or None,
        source=filters["source"] or None,
        partner_id=filters["partner_id"],
        customer_order_id=filters["customer_order_id"],
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "returns/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "statuses": RETURN_STATUSES,
            "sources": RETURN_SOURCES,
            "sorts": SORTS,
            "partners": queries.partner_choices(session),
            **_lookups(session),
        },
    )


def _card(
    request: Request,
    session: Session,
    found: ReturnRequest,
    errors: dict[str, str],
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    lines = service.request_lines(session, found.id)
    products = names_by_id(session, Product)
    return render(
        request,
        "returns/card.html",
        {
            "item": found,
            "lines": lines,
            "products": products,
            "attachments": attachment_service.list_attachments(session, "return_request", found.id),
            "errors": errors,
            "form": form or {},
            **_lookups(session),
        },
        status_code=status_code,
    )


@router.get("/returns/new")
def return_new(
    request: Request, session: SessionDep, customer_order_id: str | None = None
) -> Response:
    order_id = int_or_none(customer_order_id)
    return _new_form(request, session, {"customer_order_id": str(order_id or "")}, {})


def _new_form(
    request: Request,
    session: Session,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    order_id = int_or_none(form.get("customer_order_id"))
    order = session.get(CustomerOrder, order_id) if order_id else None
    if order is not None and order.deleted_at is not None:
        order = None
    orders = list(
        session.scalars(
            select(CustomerOrder)
            .where(
                CustomerOrder.deleted_at.is_(None),
                CustomerOrder.status.in_(service.RETURNABLE_ORDER_STATUSES),
            )
            .order_by(CustomerOrder.ordered_at.desc())
            .limit(300)
        )
    )
    return render(
        request,
        "returns/form.html",
        {
            "form": form,
            "errors": errors,
            "order": order,
            "orders": orders,
            "lines": service.returnable_lines(session, order.id) if order else [],
            "reasons": list(
                session.scalars(
                    select(ReturnReason)
                    .where(ReturnReason.deleted_at.is_(None))
                    .order_by(ReturnReason.name)
                )
            ),
            **_lookups(session),
        },
        status_code=status_code,
    )


def typed_lines(values: dict[str, str]) -> list[dict[str, Any]]:
    """The quantities typed per shipment line (`quantity_<id>` fields)."""
    lines = []
    for key, value in values.items():
        text = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not key.startswith("quantity_") or not text or _is_zero(text):
            continue
        line_id = int_or_none(key.removeprefix("quantity_"))
        lines.append({"shipment_line_id": line_id or key, "quantity": text})
    return lines


def _is_zero(text: str) -> bool:
    """A line left at 0 is a line not returned, not an error."""
    try:
        return Decimal(text) == 0
    except ArithmeticError:
        return False


@router.post("/returns")
async def return_create(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    values = await form_values(request)
    order_id = int_or_none(values.get("customer_order_id"))
    order = session.get(CustomerOrder, order_id) if order_id else None
    try:
        if order is None or order.deleted_at is not None:
            raise ValidationFailed(
                "return.order_required", "Choose the order.", field="customer_order_id"
            )
        created = service.create_return_request(
            session,
            partner_id=order.partner_id,
            customer_order_id=order.id,
            lines=typed_lines(values),
            return_reason_id=int_or_none(values.get("return_reason_id")),
            comment=values.get("comment"),
            source="operator",
            registered_by_id=user.id,
        )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = _failure(session, exc, request_lang(request))
        return _new_form(request, session, values, errors, status_code=code)
    return redirect(f"/returns/{created.id}")


@router.get("/returns/{request_id}")
def return_card(request: Request, session: SessionDep, request_id: IdPath) -> Response:
    return _card(request, session, get_or_404(session, ReturnRequest, request_id), {})


@router.post("/returns/{request_id}/{action}")
async def return_action(
    request: Request, session: SessionDep, user: CurrentUser, request_id: IdPath, action: str
) -> Response:
    if action not in ACTIONS:
        raise NotFound("action.unknown", f"Unknown return action {action!r}.")
    found = get_or_404(session, ReturnRequest, request_id)
    values = await form_values(request)
    version = int_or_none(values.get("version"))
    try:
        if action == "approve":
            service.approve(
                session,
                found,
                actor_id=user.id,
                actor_role=user.role,
                comment=values.get("comment"),
                expected_version=version,
            )
        elif action == "reject":
            service.reject(
                session,
                found,
                values.get("comment"),
                actor_id=user.id,
                actor_role=user.role,
                expected_version=version,
            )
        elif action == "receive":
            service.receive(session, found, actor_role=user.role, expected_version=version)
        else:
            service.cancel(session, found, expected_version=version)
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = _failure(session, exc, request_lang(request))
        session.expire_all()
        found = get_or_404(session, ReturnRequest, request_id)
        return _card(request, session, found, errors, values, status_code=code)
    return redirect(f"/returns/{found.id}")


# --- Downloads --------------------------------------------------------------------------------


@router.get("/returns/{request_id}/attachments/{attachment_id}")
def return_file(
    request: Request, session: SessionDep, request_id: IdPath, attachment_id: IdPath
) -> Response:
    found = get_or_404(session, ReturnRequest, request_id)
    attachment = attachment_service.get_attachment(
        session, "return_request", found.id, attachment_id
    )
    return file_response(_storage(request), attachment)


@router.get("/claims/{claim_id}/attachments/{attachment_id}")
def claim_file(
    request: Request, session: SessionDep, claim_id: IdPath, attachment_id: IdPath
) -> Response:
    claim = get_or_404(session, Claim, claim_id)
    attachment = attachment_service.get_attachment(session, "claim", claim.id, attachment_id)
    return file_response(_storage(request), attachment)
