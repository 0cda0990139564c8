"""Portal pages: debt and the reconciliation statement (акт сверки) as PDF and XLSX (issue 19).
Every query goes through the customer's PortalScope (operational_app.portal.settlements)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from operational_app.api.deps import SessionDep
from operational_app.domain.errors import ValidationFailed
from operational_app.portal import settlements
from operational_app.portal.deps import CurrentCustomer
from operational_app.portal.pages.orders import page_day
from operational_app.print_forms.reconciliation import statement_pdf, statement_xlsx
from operational_app.web.common import int_or_none, render
from operational_app.web.formatting import settings_zone

router = APIRouter(prefix="/portal", include_in_schema=False)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/debt")
def debt_page(
    request: Request, session: SessionDep, customer: CurrentCustomer, as_of: str | None = None
) -> Response:
    day = page_day(request, as_of)
    summary = settlements.debt_summary(
        session, customer.scope, as_of=day, zone=settings_zone(request.app.state.settings)
    )
    return render(
        request,
        "portal/debt/page.html",
        {
            "summary": summary,
            "buckets": settlements.AGE_BUCKETS,
            "date_from": day.replace(month=1, day=1),
            "date_to": day,
        },
    )


def _statements(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    date_from: str | None,
    date_to: str | None,
    organization_id: str | None,
    counterparty_id: str | None,
) -> tuple[list[settlements.Statement], dt.date, dt.date]:
    start = settlements.parse_day(date_from, "date_from")
    end = settlements.parse_day(date_to, "date_to")
    if start is None or end is None:
        raise ValidationFailed(
            "reconciliation.dates_required", "Give both date_from and date_to.", field="date_from"
        )
    statements = settlements.reconciliation(
        session,
        customer.scope,
        date_from=start,
        date_to=end,
        zone=settings_zone(request.app.state.settings),
        organization_id=int_or_none(organization_id),
        counterparty_id=int_or_none(counterparty_id),
    )
    return statements, start, end


def _download(content: bytes, media_type: str, start: dt.date, end: dt.date, ext: str):
    name = f"akt-sverki_{start.isoformat()}_{end.isoformat()}.{ext}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/debt/reconciliation.pdf")
def reconciliation_pdf(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    date_from: str | None = None,
    date_to: str | None = None,
    organization_id: str | None = None,
    counterparty_id: str | None = None,
) -> Response:
    statements, start, end = _statements(
        request, session, customer, date_from, date_to, organization_id, counterparty_id
    )
    return _download(statement_pdf(statements), "application/pdf", start, end, "pdf")


@router.get("/debt/reconciliation.xlsx")
def reconciliation_xlsx(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    date_from: str | None = None,
    date_to: str | None = None,
    organization_id: str | None = None,
    counterparty_id: str | None = None,
) -> Response:
    statements, start, end = _statements(
        request, session, customer, date_from, date_to, organization_id, counterparty_id
    )
    return _download(statement_xlsx(statements), XLSX_TYPE, start, end, "xlsx")
