"""Заказы клиентов: CRUD, lines, status actions, reserves, schedule, shipments, payments, debt."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, status

from operational_app.api.deps import (
    CurrentUser,
    IdFilter,
    IdPath,
    Limit,
    ManagerUser,
    Offset,
    SearchText,
    SessionDep,
)
from operational_app.api.schemas import Paged
from operational_app.api.schemas_sales import (
    Action,
    DeleteBody,
    OrderCreate,
    OrderDetail,
    OrderLineInput,
    OrderLinePublic,
    OrderLineUpdate,
    OrderPublic,
    OrderStatus,
    OrderUpdate,
    PartnerDebt,
    PaymentCreate,
    PaymentPublic,
    PaymentScheduleItemPublic,
    ReserveAdjustmentPublic,
    ReserveInput,
    ReserveMove,
    ScheduleReplace,
    ShipmentCreate,
    ShipmentDetail,
    ShipmentLinePublic,
    ShipmentPublic,
)
from operational_app.db.models import CustomerOrder, Partner, ShipmentLine
from operational_app.domain import orders as service
from operational_app.domain import sales_queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import NotFound

router = APIRouter(tags=["orders"])


def _version(body: Action | DeleteBody | None) -> int | None:
    return body.version if body else None


def order_public(order: CustomerOrder, shipped: Decimal, paid: Decimal) -> OrderPublic:
    return OrderPublic.model_validate(
        {
            **{
                name: getattr(order, name)
                for name in OrderPublic.model_fields
                if hasattr(order, name)
            },
            "shipped_amount": shipped,
            "paid_amount": paid,
            "debt": shipped - paid,
        }
    )


def order_detail(session: SessionDep, order: CustomerOrder) -> OrderDetail:
    totals = service.order_totals(session, order)
    shipments = []
    for shipment in service.shipments(session, order.id):
        lines = session.query(ShipmentLine).filter(
            ShipmentLine.shipment_id == shipment.id, ShipmentLine.deleted_at.is_(None)
        )
        shipments.append(
            ShipmentDetail.model_validate(
                {
                    **ShipmentPublic.model_validate(shipment).model_dump(),
                    "lines": [ShipmentLinePublic.model_validate(line) for line in lines],
                }
            )
        )
    return OrderDetail.model_validate(
        {
            # Shipped net of received returns, as in the order list (sales_queries).
            **order_public(order, totals.shipped - totals.returned, totals.paid).model_dump(),
            "lines": [
                OrderLinePublic.model_validate(line)
                for line in service.order_lines(session, order.id)
            ],
            "payment_schedule": [
                PaymentScheduleItemPublic.model_validate(item)
                for item in service.payment_schedule(session, order.id)
            ],
            "shipments": shipments,
            "payments": [
                PaymentPublic.model_validate(p) for p in service.payments(session, order.id)
            ],
            "reserve_adjustments": [
                ReserveAdjustmentPublic.model_validate(a)
                for a in service.reserve_adjustments(session, order.id)
            ],
        }
    )


@router.get("/orders", response_model=Paged[OrderPublic])
def list_orders(
    session: SessionDep,
    q: SearchText = None,
    status: OrderStatus | None = None,
    partner_id: IdFilter = None,
    deal_id: IdFilter = None,
    agreement_id: IdFilter = None,
    requires_approval: bool | None = None,
    sort: SearchText = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[OrderPublic]:
    """List customer orders (Заказы клиентов), filtered, sorted and paged.

    `q` matches the number or comment; filter by `status` (draft, on_approval, approved, to_ship,
    shipped, closed, cancelled), `partner_id`, `deal_id`, `agreement_id`, `requires_approval`.
    `sort` is one of number, status, ordered_at, total_amount, planned_shipment_date, created_at
    (`-` for descending). Each row carries its shipped and paid sums and the debt."""
    page = sales_queries.list_orders(
        session,
        q=q,
        status=status,
        partner_id=partner_id,
        deal_id=deal_id,
        agreement_id=agreement_id,
        requires_approval=requires_approval,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    sums = sales_queries.shipped_and_paid(session, [o.id for o in page.items])
    return Paged[OrderPublic].of(page.items, page.total, lambda o: order_public(o, *sums[o.id]))


@router.get("/orders/{order_id}", response_model=OrderDetail)
def get_order(session: SessionDep, order_id: IdPath) -> OrderDetail:
    """Read an order with lines, payment schedule, shipments, payments and reserve moves."""
    return order_detail(session, get_or_404(session, CustomerOrder, order_id))


@router.post("/orders", response_model=OrderDetail, status_code=status.HTTP_201_CREATED)
def create_order(session: SessionDep, body: OrderCreate) -> OrderDetail:
    """Create a draft customer order (Заказ клиента) with its lines.

    Prices default to the agreement's price; the agreement must serve the partner and be valid on
    the order date (`agreement.other_partner`, `agreement.not_valid_on`); the counterparty and deal
    must be the partner's (`order.counterparty_of_other_partner`, `order.deal_of_other_partner`). A
    line discount above the agreement's limit sets `requires_approval`."""
    values = body.model_dump(exclude={"lines"})
    lines = [line.model_dump(exclude_none=True) for line in body.lines]
    order = service.create_order(session, **values, lines=lines)
    session.commit()
    return order_detail(session, order)


@router.patch("/orders/{order_id}", response_model=OrderDetail)
def update_order(session: SessionDep, order_id: IdPath, body: OrderUpdate) -> OrderDetail:
    """Change an open order's header (PATCH).

    Agreement, order date, organisation and counterparty change only in a draft
    (`order.terms_locked`); other fields while the order is open (draft to to_ship, else 409
    `order.status_forbids`). Send the `version` you read: an older one is 409 `stale_version`."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.update_order(session, order, body.changes(), expected_version=body.version)
    session.commit()
    return order_detail(session, order)


@router.delete("/orders/{order_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_order(session: SessionDep, order_id: IdPath, body: DeleteBody | None = None) -> None:
    """Delete a draft order (a soft delete); its reserve is released.

    Any other status is 409 `order.status_forbids`; cancel it instead."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.delete_order(session, order, expected_version=_version(body))
    session.commit()


# Lines


@router.post(
    "/orders/{order_id}/lines", response_model=OrderDetail, status_code=status.HTTP_201_CREATED
)
def add_order_line(session: SessionDep, order_id: IdPath, body: OrderLineInput) -> OrderDetail:
    """Add a line to a draft order; totals and `requires_approval` are recomputed.

    Only a draft (409 `order.status_forbids`)."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.add_line(session, order, body.model_dump(exclude_none=True))
    session.commit()
    return order_detail(session, order)


@router.patch("/orders/{order_id}/lines/{line_id}", response_model=OrderDetail)
def update_order_line(
    session: SessionDep,
    order_id: IdPath,
    line_id: IdPath,
    body: OrderLineUpdate,
    user: CurrentUser,
) -> OrderDetail:
    """Change a line of a draft order (PATCH); totals are recomputed.

    Lowering the quantity releases reserve above it. Only a draft (409 `order.status_forbids`); a
    line of another order is 404 (`order_line.not_found`). `version` is the order's."""
    order = get_or_404(session, CustomerOrder, order_id)
    line = service.get_line(session, order, line_id)
    service.update_line(
        session, order, line, body.changes(), expected_version=body.version, user_id=user.id
    )
    session.commit()
    return order_detail(session, order)


@router.delete("/orders/{order_id}/lines/{line_id}", response_model=OrderDetail)
def delete_order_line(
    session: SessionDep,
    order_id: IdPath,
    line_id: IdPath,
    user: CurrentUser,
    body: DeleteBody | None = None,
) -> OrderDetail:
    """Remove a line from a draft order; its reserve is released, totals recomputed.

    Only a draft (409 `order.status_forbids`). The optional body's `version` is the order's."""
    order = get_or_404(session, CustomerOrder, order_id)
    line = service.get_line(session, order, line_id)
    service.delete_line(session, order, line, expected_version=_version(body), user_id=user.id)
    session.commit()
    return order_detail(session, order)


# Status actions


@router.post("/orders/{order_id}/submit", response_model=OrderDetail)
def submit_order(
    session: SessionDep, order_id: IdPath, user: CurrentUser, body: Action | None = None
) -> OrderDetail:
    """Draft → on_approval (a discount above the agreement limit) or straight to approved.

    The order needs lines (`order.no_lines`) and an agreement valid on its date. Approval
    generates the payment schedule from the agreement. Only a draft (409
    `order.status_forbids`)."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.submit_order(session, order, expected_version=_version(body), user=user)
    session.commit()
    return order_detail(session, order)


@router.post("/orders/{order_id}/approve", response_model=OrderDetail)
def approve_order(
    session: SessionDep, order_id: IdPath, user: ManagerUser, body: Action | None = None
) -> OrderDetail:
    """On_approval → approved; managers only. Generates the payment schedule.

    An operator gets 403. A draft within the agreement's limits is submitted and approved in
    one step; a draft that needs approval is refused (`order.approval_required`): submit it
    first."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.approve_order(session, order, user, expected_version=_version(body))
    session.commit()
    return order_detail(session, order)


@router.post("/orders/{order_id}/return-to-draft", response_model=OrderDetail)
def return_to_draft(
    session: SessionDep, order_id: IdPath, body: Action | None = None
) -> OrderDetail:
    """Send an order back for changes: on_approval or approved → draft.

    Refused once payments are recorded against it (`order.has_payments`); other statuses are 409
    `order.status_forbids`."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.return_to_draft(session, order, expected_version=_version(body))
    session.commit()
    return order_detail(session, order)


@router.post("/orders/{order_id}/to-ship", response_model=OrderDetail)
def release_to_shipping(
    session: SessionDep, order_id: IdPath, body: Action | None = None
) -> OrderDetail:
    """Release an approved order to the warehouse: approved → to_ship (К отгрузке).

    Every line must name the warehouse it ships from (`order_line.warehouse_required`)."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.release_to_shipping(session, order, expected_version=_version(body))
    session.commit()
    return order_detail(session, order)


@router.post("/orders/{order_id}/cancel", response_model=OrderDetail)
def cancel_order(
    session: SessionDep, order_id: IdPath, user: CurrentUser, body: Action | None = None
) -> OrderDetail:
    """Cancel an open order: → cancelled; its reserve is released.

    Refused after any shipment (`order.cancel_after_shipment`) or while payments are recorded
    (`order.has_payments`)."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.cancel_order(session, order, expected_version=_version(body), user_id=user.id)
    session.commit()
    return order_detail(session, order)


@router.post("/orders/{order_id}/close", response_model=OrderDetail)
def close_order(session: SessionDep, order_id: IdPath, body: Action | None = None) -> OrderDetail:
    """Close a shipped order once it is paid in full: shipped → closed.

    A remaining debt is `order.not_paid` (409)."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.close_order(session, order, expected_version=_version(body))
    session.commit()
    return order_detail(session, order)


# Reserves


@router.post("/orders/{order_id}/reserve", response_model=OrderDetail)
def reserve_order(
    session: SessionDep, order_id: IdPath, user: CurrentUser, body: Action | None = None
) -> OrderDetail:
    """Reserve what is free for every line, up to what each line still needs.

    Lines without a warehouse are skipped; the order must be open (draft to to_ship)."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.reserve_order(session, order, expected_version=_version(body), user_id=user.id)
    session.commit()
    return order_detail(session, order)


@router.post("/orders/{order_id}/lines/{line_id}/reserve", response_model=OrderDetail)
def reserve_line(
    session: SessionDep,
    order_id: IdPath,
    line_id: IdPath,
    user: CurrentUser,
    body: ReserveInput | None = None,
) -> OrderDetail:
    """Reserve goods for one line at its warehouse (Резервирование).

    `quantity` adds that much; without it, everything the line still needs. Never more than the
    line needs (`reserve.above_line`) or the warehouse has free (`reserve.above_free_stock`); the
    line needs a warehouse (`order_line.warehouse_required`); the order must be open."""
    order = get_or_404(session, CustomerOrder, order_id)
    line = service.get_line(session, order, line_id)
    service.reserve_line(
        session,
        order,
        line,
        body.quantity if body else None,
        expected_version=_version(body),
        user_id=user.id,
    )
    session.commit()
    return order_detail(session, order)


@router.post("/orders/{order_id}/lines/{line_id}/release", response_model=OrderDetail)
def release_line(
    session: SessionDep,
    order_id: IdPath,
    line_id: IdPath,
    user: CurrentUser,
    body: ReserveInput | None = None,
) -> OrderDetail:
    """Release reserve of one line back to free stock.

    `quantity` releases that much, without it all of the line's reserve; never more than is
    reserved (`reserve.release_above_reserved`)."""
    order = get_or_404(session, CustomerOrder, order_id)
    line = service.get_line(session, order, line_id)
    service.release_reserve(
        session,
        order,
        line,
        body.quantity if body else None,
        expected_version=_version(body),
        user_id=user.id,
    )
    session.commit()
    return order_detail(session, order)


@router.post("/orders/{order_id}/release-excess", response_model=OrderDetail)
def release_excess(session: SessionDep, order_id: IdPath, user: CurrentUser) -> OrderDetail:
    """Release every line's reserve above what it still has to ship."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.release_excess(session, order, user_id=user.id)
    session.commit()
    return order_detail(session, order)


@router.post("/reserve-adjustments", response_model=ReserveAdjustmentPublic, status_code=201)
def move_reserve(session: SessionDep, body: ReserveMove, user: CurrentUser) -> object:
    """Корректировка назначения: move reserve between two lines (same product and warehouse).

    Refused for another product or warehouse (`reserve.move_other_goods`), the same line
    (`reserve.same_line`), more than the source holds (`reserve.release_above_reserved`) or the
    target still needs (`reserve.above_line`). Both orders must be open."""
    from operational_app.db.models import CustomerOrderLine

    lines = []
    for line_id in (body.from_line_id, body.to_line_id):
        line = session.get(CustomerOrderLine, line_id)
        if line is None or line.deleted_at is not None:
            raise NotFound(
                "order_line.not_found",
                f"Order line {line_id} does not exist.",
                params={"id": line_id},
            )
        lines.append(line)
    adjustment = service.move_reserve(session, lines[0], lines[1], body.quantity, user_id=user.id)
    session.commit()
    return adjustment


# Payment schedule, shipments, payments


@router.put("/orders/{order_id}/payment-schedule", response_model=OrderDetail)
def replace_schedule(session: SessionDep, order_id: IdPath, body: ScheduleReplace) -> OrderDetail:
    """Replace the order's payment schedule (График оплаты).

    Items are prepayment or credit stages (`payment_schedule.kind_unknown`) with positive amounts
    (`money.positive`) that add up to the order total (`payment_schedule.sum_mismatch`). Only an
    approved, to_ship or shipped order. On approval the schedule is generated from the agreement:
    its prepayment share due on the order date, the rest after its deferral."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.replace_payment_schedule(
        session, order, [item.model_dump() for item in body.items], expected_version=body.version
    )
    session.commit()
    return order_detail(session, order)


@router.post(
    "/orders/{order_id}/shipments", response_model=OrderDetail, status_code=status.HTTP_201_CREATED
)
def create_shipment(
    session: SessionDep, order_id: IdPath, body: ShipmentCreate | None = None
) -> OrderDetail:
    """Реализация against the order; without `lines` everything still to ship is shipped.

    Only a to_ship order. Per line at most ordered minus shipped (`shipment.above_ordered`);
    the goods come from the line's reserve, then free stock (`shipment.above_stock`). When
    every line is shipped in full the order becomes shipped."""
    order = get_or_404(session, CustomerOrder, order_id)
    body = body or ShipmentCreate()
    if body.lines is None:
        lines = [
            {"order_line_id": line.id, "quantity": line.quantity - line.shipped_quantity}
            for line in service.order_lines(session, order.id)
            if line.quantity > line.shipped_quantity
        ]
    else:
        lines = [line.model_dump() for line in body.lines]
    service.record_shipment(
        session, order, lines, shipped_at=body.shipped_at, expected_version=body.version
    )
    session.commit()
    return order_detail(session, order)


@router.post(
    "/orders/{order_id}/payments", response_model=OrderDetail, status_code=status.HTTP_201_CREATED
)
def create_payment(session: SessionDep, order_id: IdPath, body: PaymentCreate) -> OrderDetail:
    """Record a payment (Поступление оплаты) against the order.

    Positive (`money.positive`) and never more than the order still expects
    (`payment.above_order`); the order must be on_approval, approved, to_ship or shipped."""
    order = get_or_404(session, CustomerOrder, order_id)
    service.record_payment(
        session, order, body.amount, paid_at=body.paid_at, expected_version=body.version
    )
    session.commit()
    return order_detail(session, order)


@router.get("/partners/{partner_id}/debt", response_model=PartnerDebt)
def partner_debt(session: SessionDep, partner_id: IdPath) -> PartnerDebt:
    """The partner's settlement position (Расчёты с клиентом) over its live, not cancelled orders.

    Order total, shipped, paid, and the debt (shipped minus paid; negative is an advance)."""
    partner = get_or_404(session, Partner, partner_id)
    totals = service.partner_debt(session, partner.id)
    return PartnerDebt(
        partner_id=partner.id,
        total_amount=totals.total,
        shipped_amount=totals.shipped,
        paid_amount=totals.paid,
        debt=totals.debt,
    )
