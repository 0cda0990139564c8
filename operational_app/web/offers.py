"""Коммерческие предложения: list, entry form and the offer card with its actions."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from operational_app.api.deps import CurrentUser, IdPath, SessionDep
from operational_app.db.models import (
    OFFER_STATUSES,
    CommercialOffer,
)
from operational_app.domain import offers as offer_service
from operational_app.domain import sales_queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError
from operational_app.web.common import (
    PAGE_SIZE,
    form_values,
    int_or_none,
    redirect,
    render,
    text_filter,
)
from operational_app.web.sales import (
    OFFER_HEADER_FIELDS,
    OFFER_LINE_EDIT_FIELDS,
    Attempt,
    LineEditForm,
    LineForm,
    OfferForm,
    OfferHeaderForm,
    document_action,
    document_form,
    errors_of,
    header_choices,
    line_changes,
    posted_fields,
    reference_labels,
    sales_choices,
    sort_order,
)

router = APIRouter(include_in_schema=False)


# Commercial offers


@router.get("/offers")
def offer_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    status: str | None = None,
    partner_id: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": text_filter(q),
        "status": status if status in OFFER_STATUSES else "",
        "partner_id": int_or_none(partner_id),
        "sort": sort_order(sort, sales_queries.OFFER_SORTS),
    }
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    page = sales_queries.list_offers(
        session,
        q=filters["q"] or None,
        status=filters["status"] or None,
        partner_id=filters["partner_id"],
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "offers/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            **sales_choices(session),
        },
    )


@router.get("/offers/new")
def offer_new(
    request: Request, session: SessionDep, partner_id: str | None = None, deal_id: str | None = None
) -> Response:
    form = {"partner_id": int_or_none(partner_id) or "", "deal_id": int_or_none(deal_id) or ""}
    return document_form(request, session, "offers/form.html", form, {})


@router.post("/offers")
async def offer_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    try:
        form = OfferForm.model_validate(values)
        offer = offer_service.create_offer(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, "partner_id")
        return document_form(request, session, "offers/form.html", values, errors, code)
    return redirect(f"/offers/{offer.id}")


def _offer_card(
    request,
    session,
    offer,
    form=None,
    errors=None,
    status_code=200,
    *,
    action: str = "",
    changes: list | None = None,
    stale_caption: str = "",
) -> Response:
    return render(
        request,
        "offers/card.html",
        {
            "offer": offer,
            "lines": offer_service.offer_lines(session, offer.id),
            "orders": offer_service.offer_orders(session, offer.id),
            "form": form or {},
            "errors": errors or {},
            "failed_action": action,
            "changes": changes or [],
            "stale_caption": stale_caption,
            **reference_labels(session, offer),
            **header_choices(session, offer),
            **sales_choices(session),
        },
        status_code,
    )


@router.get("/offers/{offer_id}")
def offer_card(request: Request, session: SessionDep, offer_id: IdPath) -> Response:
    return _offer_card(request, session, get_or_404(session, CommercialOffer, offer_id))


async def _offer_action(
    request: Request,
    session: Session,
    offer_id: int,
    action: str,
    work: Callable[[Attempt], str | None],
) -> Response:
    return await document_action(
        request,
        session,
        get_or_404(session, CommercialOffer, offer_id),
        action,
        work,
        card=_offer_card,
        card_url=f"/offers/{offer_id}",
        header_fields=OFFER_HEADER_FIELDS,
        line_fields=OFFER_LINE_EDIT_FIELDS,
    )


def _line_id(attempt: Attempt) -> int:
    return int_or_none(attempt.values.get("line_id")) or 0


@router.post("/offers/{offer_id}/edit")
async def offer_edit(request: Request, session: SessionDep, offer_id: IdPath) -> Response:
    def edit(attempt: Attempt) -> None:
        attempt.edited = attempt.document
        header = OfferHeaderForm.model_validate(attempt.values)
        changes = posted_fields(header, attempt.values, OFFER_HEADER_FIELDS)
        offer_service.update_offer(
            session, attempt.document, changes, expected_version=header.version
        )

    return await _offer_action(request, session, offer_id, "edit", edit)


@router.post("/offers/{offer_id}/add_line")
async def offer_add_line(request: Request, session: SessionDep, offer_id: IdPath) -> Response:
    def add_line(attempt: Attempt) -> None:
        line = LineForm.model_validate(attempt.values)
        offer_service.add_line(session, attempt.document, line.model_dump(exclude_none=True))

    return await _offer_action(request, session, offer_id, "add_line", add_line)


@router.post("/offers/{offer_id}/edit_line")
async def offer_edit_line(request: Request, session: SessionDep, offer_id: IdPath) -> Response:
    def edit_line(attempt: Attempt) -> None:
        attempt.edited = offer_service.get_line(session, attempt.document, _line_id(attempt))
        line_form = LineEditForm.model_validate(attempt.values)
        offer_service.update_line(
            session,
            attempt.document,
            attempt.edited,
            line_changes(line_form, attempt.values, OFFER_LINE_EDIT_FIELDS),
            expected_version=line_form.version,
        )

    return await _offer_action(request, session, offer_id, "edit_line", edit_line)


@router.post("/offers/{offer_id}/delete_line")
async def offer_delete_line(request: Request, session: SessionDep, offer_id: IdPath) -> Response:
    def delete_line(attempt: Attempt) -> None:
        line = offer_service.get_line(session, attempt.document, _line_id(attempt))
        offer_service.delete_line(session, attempt.document, line, expected_version=attempt.version)

    return await _offer_action(request, session, offer_id, "delete_line", delete_line)


@router.post("/offers/{offer_id}/send")
async def offer_send(request: Request, session: SessionDep, offer_id: IdPath) -> Response:
    def send(attempt: Attempt) -> None:
        offer_service.send_offer(session, attempt.document, expected_version=attempt.version)

    return await _offer_action(request, session, offer_id, "send", send)


@router.post("/offers/{offer_id}/accept")
async def offer_accept(
    request: Request, session: SessionDep, user: CurrentUser, offer_id: IdPath
) -> Response:
    def accept(attempt: Attempt) -> str:
        order = offer_service.accept_offer(
            session,
            attempt.document,
            warehouse_id=int_or_none(attempt.values.get("warehouse_id")),
            expected_version=attempt.version,
            decided_by_id=user.id,
        )
        session.flush()
        return f"/orders/{order.id}"

    return await _offer_action(request, session, offer_id, "accept", accept)


@router.post("/offers/{offer_id}/reject")
async def offer_reject(
    request: Request, session: SessionDep, user: CurrentUser, offer_id: IdPath
) -> Response:
    def reject(attempt: Attempt) -> None:
        offer_service.reject_offer(
            session, attempt.document, expected_version=attempt.version, decided_by_id=user.id
        )

    return await _offer_action(request, session, offer_id, "reject", reject)


@router.post("/offers/{offer_id}/expire")
async def offer_expire(request: Request, session: SessionDep, offer_id: IdPath) -> Response:
    def expire(attempt: Attempt) -> None:
        offer_service.expire_offer(session, attempt.document, expected_version=attempt.version)

    return await _offer_action(request, session, offer_id, "expire", expire)


@router.post("/offers/{offer_id}/delete")
async def offer_delete(request: Request, session: SessionDep, offer_id: IdPath) -> Response:
    def delete(attempt: Attempt) -> str:
        offer_service.delete_offer(session, attempt.document, expected_version=attempt.version)
        return "/offers"

    return await _offer_action(request, session, offer_id, "delete", delete)
