"""Portal pages: orders (issue 19). Every query goes through the customer's PortalScope
(operational_app.portal.settlements, shared with the API)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from operational_app.api.deps import IdPath, SessionDep
from operational_app.db.models import ORDER_STATUSES
from operational_app.portal import settlements
from operational_app.portal.deps import CurrentCustomer
from operational_app.web.common import int_or_none, render
from operational_app.web.formatting import settings_zone

router = APIRouter(prefix="/portal", include_in_schema=False)


def page_day(request: Request, value: str | None, name: str = "as_of"):
    """A page's report day: the one asked for (YYYY-MM-DD), else today (CRM_AS_OF when set)."""
    settings = request.app.state.settings
    day = settlements.parse_day(value, name)
    if day is None:
        return settlements.today(settings_zone(settings), settings.as_of)
    return settlements.check_day(day, name)


@router.get("/orders")
def order_list(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    status: str | None = None,
    offset: str | None = None,
) -> Response:
    chosen = status if status in ORDER_STATUSES else ""
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    rows, total = settlements.list_orders(
        session,
        customer.scope,
        settings_zone(request.app.state.settings),
        status=chosen or None,
        offset=start,
    )
    return render(
        request,
        "portal/orders/list.html",
        {
            "rows": rows,
            "total": total,
            "status": chosen,
            "statuses": ORDER_STATUSES,
            "offset": start,
            "page_size": settlements.PAGE_SIZE,
        },
    )


@router.get("/orders/{order_id}")
def order_card(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    order_id: IdPath,
    as_of: str | None = None,
) -> Response:
    detail = settlements.order_detail(
        session,
        customer.scope,
        order_id,
        as_of=page_day(request, as_of),
        zone=settings_zone(request.app.state.settings),
    )
    return render(request, "portal/orders/card.html", {"detail": detail, "order": detail.order})
