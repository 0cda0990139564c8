"""Заказы клиентов: list, entry form and the order card with its actions."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from operational_app.api.deps import CurrentUser, IdPath, SessionDep
from operational_app.db.models import (
    ORDER_STATUSES,
    Agreement,
    CustomerOrder,
    CustomerOrderLine,
    ShipmentLine,
    Warehouse,
)
from operational_app.domain import orders as order_service
from operational_app.domain import products as product_service
from operational_app.domain import sales_queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound
from operational_app.web.common import (
    PAGE_SIZE,
    form_values,
    int_or_none,
    names_by_id,
    redirect,
    render,
    text_filter,
)
from operational_app.web.sales import (
    ORDER_HEADER_FIELDS,
    ORDER_LINE_EDIT_FIELDS,
    Attempt,
    LineEditForm,
    LineForm,
    MoveForm,
    OrderForm,
    OrderHeaderForm,
    PaymentForm,
    QtyForm,
    ScheduleItemForm,
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


# Customer orders


@router.get("/orders")
def order_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    status: str | None = None,
    partner_id: str | None = None,
    requires_approval: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": text_filter(q),
        "status": status if status in ORDER_STATUSES else "",
        "partner_id": int_or_none(partner_id),
        "requires_approval": "1" if requires_approval == "1" else "",
        "sort": sort_order(sort, sales_queries.ORDER_SORTS),
    }
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    page = sales_queries.list_orders(
        session,
        q=filters["q"] or None,
        status=filters["status"] or None,
        partner_id=filters["partner_id"],
        requires_approval=True if filters["requires_approval"] else None,
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "orders/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "sums": sales_queries.shipped_and_paid(session, [o.id for o in page.items]),
            **sales_choices(session),
        },
    )


@router.get("/orders/new")
def order_new(
    request: Request, session: SessionDep, partner_id: str | None = None, deal_id: str | None = None
) -> Response:
    form = {"partner_id": int_or_none(partner_id) or "", "deal_id": int_or_none(deal_id) or ""}
    return document_form(request, session, "orders/form.html", form, {})


@router.post("/orders")
async def order_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    try:
        form = OrderForm.model_validate(values)
        order = order_service.create_order(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, "partner_id")
        return document_form(request, session, "orders/form.html", values, errors, code)
    return redirect(f"/orders/{order.id}")


def _move_targets(session, lines) -> dict[int, list[CustomerOrderLine]]:
    """Lines of other open orders with the same goods: targets for Корректировка назначения."""
    move_targets = {}
    for line in lines:
        if line.warehouse_id is None:
            continue
        move_targets[line.id] = list(
            session.query(CustomerOrderLine)
            .join(CustomerOrder, CustomerOrder.id == CustomerOrderLine.customer_order_id)
            .filter(
                CustomerOrderLine.product_id == line.product_id,
                CustomerOrderLine.warehouse_id == line.warehouse_id,
                CustomerOrderLine.id != line.id,
                CustomerOrderLine.deleted_at.is_(None),
                CustomerOrder.deleted_at.is_(None),
                CustomerOrder.status.in_(product_service.OPEN_ORDER_STATUSES),
            )
            .limit(50)
        )
    return move_targets


def _adjusted_line_labels(session, adjustments, order_numbers) -> dict[int, str]:
    """Корректировка назначения names lines as "order number / line number", never by row id."""
    adjusted_ids = {a.from_order_line_id for a in adjustments} | {
        a.to_order_line_id for a in adjustments
    }
    adjusted_ids.discard(None)
    line_labels = {
        line.id: f"{order_numbers.get(line.customer_order_id, '')} / {line.line_number}"
        for line in session.query(CustomerOrderLine).filter(CustomerOrderLine.id.in_(adjusted_ids))
    }
    return line_labels


def _order_card(
    request,
    session,
    order,
    form=None,
    errors=None,
    status_code=200,
    *,
    action: str = "",
    changes: list | None = None,
    stale_caption: str = "",
) -> Response:
    lines = order_service.order_lines(session, order.id)
    shipments = order_service.shipments(session, order.id)
    shipment_lines = {
        s.id: list(
            session.query(ShipmentLine).filter(
                ShipmentLine.shipment_id == s.id, ShipmentLine.deleted_at.is_(None)
            )
        )
        for s in shipments
    }
    move_targets = _move_targets(session, lines)
    order_numbers = names_by_id(session, CustomerOrder, "number")
    adjustments = order_service.reserve_adjustments(session, order.id)
    line_labels = _adjusted_line_labels(session, adjustments, order_numbers)
    return render(
        request,
        "orders/card.html",
        {
            "order": order,
            "lines": lines,
            "totals": order_service.order_totals(session, order),
            "schedule": order_service.payment_schedule(session, order.id),
            "shipments": shipments,
            "shipment_lines": shipment_lines,
            "payments": order_service.payments(session, order.id),
            "adjustments": adjustments,
            "line_labels": line_labels,
            **reference_labels(session, order),
            "move_targets": move_targets,
            "order_numbers": order_numbers,
            "line_orders": {
                line.id: line.customer_order_id
                for targets in move_targets.values()
                for line in targets
            },
            "limit": order_service.discount_limit(
                session.get(Agreement, order.agreement_id) if order.agreement_id else None
            ),
            "header_editable": order.status in product_service.OPEN_ORDER_STATUSES,
            "form": form or {},
            "errors": errors or {},
            "failed_action": action,
            "changes": changes or [],
            "stale_caption": stale_caption,
            **header_choices(session, order),
            **sales_choices(session),
        },
        status_code,
    )


@router.get("/orders/{order_id}")
def order_card(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    return _order_card(request, session, get_or_404(session, CustomerOrder, order_id))


def _line_of(session: Session, order: CustomerOrder, values: dict[str, str]) -> CustomerOrderLine:
    return order_service.get_line(session, order, int_or_none(values.get("line_id")) or 0)


async def _order_action(
    request: Request,
    session: Session,
    order_id: int,
    action: str,
    work: Callable[[Attempt], str | None],
) -> Response:
    return await document_action(
        request,
        session,
        get_or_404(session, CustomerOrder, order_id),
        action,
        work,
        card=_order_card,
        card_url=f"/orders/{order_id}",
        header_fields=ORDER_HEADER_FIELDS,
        line_fields=ORDER_LINE_EDIT_FIELDS,
        line_labels=lambda: {"warehouse_id": names_by_id(session, Warehouse)},
    )


@router.post("/orders/{order_id}/edit")
async def order_edit(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    def edit(attempt: Attempt) -> None:
        attempt.edited = attempt.document
        header = OrderHeaderForm.model_validate(attempt.values)
        changes = posted_fields(header, attempt.values, ORDER_HEADER_FIELDS)
        order_service.update_order(
            session, attempt.document, changes, expected_version=header.version
        )

    return await _order_action(request, session, order_id, "edit", edit)


@router.post("/orders/{order_id}/add_line")
async def order_add_line(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    def add_line(attempt: Attempt) -> None:
        line = LineForm.model_validate(attempt.values)
        fields = line.model_dump(exclude_none=True, exclude={"price_adjustment"})
        order_service.add_line(session, attempt.document, fields)

    return await _order_action(request, session, order_id, "add_line", add_line)


@router.post("/orders/{order_id}/edit_line")
async def order_edit_line(
    request: Request, session: SessionDep, order_id: IdPath, user: CurrentUser
) -> Response:
    def edit_line(attempt: Attempt) -> None:
        attempt.edited = _line_of(session, attempt.document, attempt.values)
        line_form = LineEditForm.model_validate(attempt.values)
        order_service.update_line(
            session,
            attempt.document,
            attempt.edited,
            line_changes(line_form, attempt.values, ORDER_LINE_EDIT_FIELDS),
            expected_version=line_form.version,
            user_id=user.id,
        )

    return await _order_action(request, session, order_id, "edit_line", edit_line)


@router.post("/orders/{order_id}/delete_line")
async def order_delete_line(
    request: Request, session: SessionDep, order_id: IdPath, user: CurrentUser
) -> Response:
    def delete_line(attempt: Attempt) -> None:
        line = _line_of(session, attempt.document, attempt.values)
        order_service.delete_line(
            session, attempt.document, line, expected_version=attempt.version, user_id=user.id
        )

    return await _order_action(request, session, order_id, "delete_line", delete_line)


@router.post("/orders/{order_id}/reserve_all")
async def order_reserve_all(
    request: Request, session: SessionDep, order_id: IdPath, user: CurrentUser
) -> Response:
    def reserve_all(attempt: Attempt) -> None:
        order_service.reserve_order(session, attempt.document, user_id=user.id)

    return await _order_action(request, session, order_id, "reserve_all", reserve_all)


@router.post("/orders/{order_id}/reserve")
async def order_reserve(
    request: Request, session: SessionDep, order_id: IdPath, user: CurrentUser
) -> Response:
    def reserve(attempt: Attempt) -> None:
        qty = QtyForm.model_validate(attempt.values).quantity
        line = _line_of(session, attempt.document, attempt.values)
        order_service.reserve_line(session, attempt.document, line, qty, user_id=user.id)

    return await _order_action(request, session, order_id, "reserve", reserve)


@router.post("/orders/{order_id}/release")
async def order_release(
    request: Request, session: SessionDep, order_id: IdPath, user: CurrentUser
) -> Response:
    def release(attempt: Attempt) -> None:
        qty = QtyForm.model_validate(attempt.values).quantity
        line = _line_of(session, attempt.document, attempt.values)
        order_service.release_reserve(session, attempt.document, line, qty, user_id=user.id)

    return await _order_action(request, session, order_id, "release", release)


@router.post("/orders/{order_id}/release_excess")
async def order_release_excess(
    request: Request, session: SessionDep, order_id: IdPath, user: CurrentUser
) -> Response:
    def release_excess(attempt: Attempt) -> None:
        order_service.release_excess(session, attempt.document, user_id=user.id)

    return await _order_action(request, session, order_id, "release_excess", release_excess)


@router.post("/orders/{order_id}/move_reserve")
async def order_move_reserve(
    request: Request, session: SessionDep, order_id: IdPath, user: CurrentUser
) -> Response:
    def move_reserve(attempt: Attempt) -> None:
        move = MoveForm.model_validate(attempt.values)
        source = order_service.get_line(session, attempt.document, move.line_id)
        other = session.get(CustomerOrderLine, move.to_line_id)
        if other is None or other.deleted_at is not None:
            raise NotFound("order_line.not_found", "The target line does not exist.")
        order_service.move_reserve(session, source, other, move.quantity, user_id=user.id)

    return await _order_action(request, session, order_id, "move_reserve", move_reserve)


@router.post("/orders/{order_id}/submit")
async def order_submit(
    request: Request, session: SessionDep, order_id: IdPath, user: CurrentUser
) -> Response:
    def submit(attempt: Attempt) -> None:
        order_service.submit_order(
            session, attempt.document, expected_version=attempt.version, user=user
        )

    return await _order_action(request, session, order_id, "submit", submit)


@router.post("/orders/{order_id}/approve")
async def order_approve(
    request: Request, session: SessionDep, order_id: IdPath, user: CurrentUser
) -> Response:
    def approve(attempt: Attempt) -> None:
        order_service.approve_order(
            session, attempt.document, user, expected_version=attempt.version
        )

    return await _order_action(request, session, order_id, "approve", approve)


@router.post("/orders/{order_id}/cancel")
async def order_cancel(
    request: Request, session: SessionDep, order_id: IdPath, user: CurrentUser
) -> Response:
    def cancel(attempt: Attempt) -> None:
        order_service.cancel_order(
            session, attempt.document, expected_version=attempt.version, user_id=user.id
        )

    return await _order_action(request, session, order_id, "cancel", cancel)


@router.post("/orders/{order_id}/to_ship")
async def order_to_ship(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    def to_ship(attempt: Attempt) -> None:
        order_service.release_to_shipping(
            session, attempt.document, expected_version=attempt.version
        )

    return await _order_action(request, session, order_id, "to_ship", to_ship)


@router.post("/orders/{order_id}/return_to_draft")
async def order_return_to_draft(
    request: Request, session: SessionDep, order_id: IdPath
) -> Response:
    def return_to_draft(attempt: Attempt) -> None:
        order_service.return_to_draft(session, attempt.document, expected_version=attempt.version)

    return await _order_action(request, session, order_id, "return_to_draft", return_to_draft)


@router.post("/orders/{order_id}/close")
async def order_close(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    def close(attempt: Attempt) -> None:
        order_service.close_order(session, attempt.document, expected_version=attempt.version)

    return await _order_action(request, session, order_id, "close", close)


@router.post("/orders/{order_id}/ship")
async def order_ship(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    def ship(attempt: Attempt) -> None:
        lines = []
        for line in order_service.order_lines(session, attempt.document.id):
            raw = (attempt.values.get(f"ship_{line.id}") or "").strip()
            if raw:
                qty = QtyForm.model_validate({"quantity": raw}).quantity
                lines.append({"order_line_id": line.id, "quantity": qty})
        order_service.record_shipment(
            session, attempt.document, lines, expected_version=attempt.version
        )

    return await _order_action(request, session, order_id, "ship", ship)


@router.post("/orders/{order_id}/pay")
async def order_pay(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    def pay(attempt: Attempt) -> None:
        payment = PaymentForm.model_validate(attempt.values)
        order_service.record_payment(
            session, attempt.document, payment.amount, expected_version=attempt.version
        )

    return await _order_action(request, session, order_id, "pay", pay)


@router.post("/orders/{order_id}/schedule")
async def order_schedule(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    def schedule(attempt: Attempt) -> None:
        items = []
        for index in range(10):
            if not (attempt.values.get(f"amount_{index}") or "").strip():
                continue
            item = ScheduleItemForm.model_validate(
                {
                    "due_date": attempt.values.get(f"due_date_{index}"),
                    "kind": attempt.values.get(f"kind_{index}"),
                    "amount": attempt.values.get(f"amount_{index}"),
                }
            )
            items.append(item.model_dump())
        order_service.replace_payment_schedule(
            session, attempt.document, items, expected_version=attempt.version
        )

    return await _order_action(request, session, order_id, "schedule", schedule)


@router.post("/orders/{order_id}/delete")
async def order_delete(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    def delete(attempt: Attempt) -> str:
        order_service.delete_order(session, attempt.document, expected_version=attempt.version)
        return "/orders"

    return await _order_action(request, session, order_id, "delete", delete)
