"""Счета на оплату in the operator pages (issue 25): the order card's invoices section (issue an
invoice for the order or a schedule item), the invoice list and card (cancel, match payments),
and the HTML previews of the print forms — invoice, order confirmation, КП — beside their PDFs
(the PDFs are the API's: /api/v1/invoices/{id}/pdf, /orders/{id}/confirmation.pdf,
/offers/{id}/pdf, which the signed-in session cookie opens)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from jinja2 import pass_context
from markupsafe import Markup
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import CurrentUser, IdPath, SessionDep
from operational_app.api.schemas import Id, PlannedDate
from operational_app.db.models import (
    INVOICE_STATUSES,
    CommercialOffer,
    CustomerOrder,
    Invoice,
    Organization,
    Partner,
    Payment,
)
from operational_app.domain import invoices as service
from operational_app.domain import orders as order_service
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError
from operational_app.print_forms import payment_qr
from operational_app.print_forms.invoice import invoice_form
from operational_app.print_forms.sales_documents import offer_form, order_form
from operational_app.web.common import (
    PAGE_SIZE,
    form_values,
    int_or_none,
    names_by_id,
    redirect,
    render,
    text_filter,
)
from operational_app.web.orders import _order_action
from operational_app.web.sales import Attempt, errors_of

router = APIRouter(include_in_schema=False)


class IssueForm(BaseModel):
    payment_schedule_item_id: Id | None = None
    issued_on: PlannedDate | None = None


def _blank_to_none(values: dict[str, str]) -> dict[str, Any]:
    return {key: (value.strip() or None) for key, value in values.items()}


# The order card's section


@pass_context
def order_invoices(context: dict, order_id: int) -> dict[str, Any]:
    """The invoices of an order with their paid sums, and the schedule items still free."""
    with context["request"].app.state.session_factory() as session:
        invoices = service.order_invoices(session, order_id)
        taken = {
            invoice.payment_schedule_item_id
            for invoice in invoices
            if invoice.status != "cancelled" and invoice.payment_schedule_item_id
        }
        return {
            "invoices": invoices,
            "paid": service.paid_amounts(session, [invoice.id for invoice in invoices]),
            "free_items": [
                item
                for item in order_service.payment_schedule(session, order_id)
                if item.id not in taken
            ],
            "invoiced": service.invoiced_amount(session, order_id),
        }


def template_globals() -> dict[str, Any]:
    return {"order_invoices": order_invoices, "invoice_statuses": INVOICE_STATUSES}


@router.post("/orders/{order_id}/issue_invoice")
async def order_issue_invoice(
    request: Request, session: SessionDep, user: CurrentUser, order_id: IdPath
) -> Response:
    def issue(attempt: Attempt) -> str:
        values = IssueForm.model_validate(_blank_to_none(attempt.values))
        invoice = service.issue_invoice(
            session,
            attempt.document,
            payment_schedule_item_id=values.payment_schedule_item_id,
            issued_on=values.issued_on,
            user=user,
        )
        return f"/invoices/{invoice.id}"

    return await _order_action(request, session, order_id, "issue_invoice", issue)


# List and card


@router.get("/invoices")
def invoice_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    status: str | None = None,
    partner_id: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": text_filter(q),
        "status": status if status in INVOICE_STATUSES else "",
        "partner_id": int_or_none(partner_id),
    }
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    page = service.list_invoices(
        session,
        q=filters["q"] or None,
        status=filters["status"] or None,
        partner_id=filters["partner_id"],
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "invoices/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "paid": service.paid_amounts(session, [invoice.id for invoice in page.items]),
            "partner_names": names_by_id(session, Partner),
            "order_numbers": names_by_id(session, CustomerOrder, "number"),
        },
    )


def _invoice_card(
    request: Request,
    session,
    invoice: Invoice,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    payments = order_service.payments(session, invoice.customer_order_id)
    return render(
        request,
        "invoices/card.html",
        {
            "invoice": invoice,
            "totals": service.invoice_totals(session, invoice),
            "lines": service.invoice_lines(session, invoice.id),
            "matches": service.invoice_matches(session, invoice.id),
            "payments": payments,
            "unmatched": {
                payment.id: service.payment_unmatched(session, payment) for payment in payments
            },
            "payment_numbers": names_by_id(session, Payment, "number"),
            "order": session.get(CustomerOrder, invoice.customer_order_id),
            "partner": session.get(Partner, invoice.partner_id),
            "organization": session.get(Organization, invoice.organization_id),
            "errors": errors or {},
        },
        status_code,
    )


@router.get("/invoices/{invoice_id}")
def invoice_card(request: Request, session: SessionDep, invoice_id: IdPath) -> Response:
    return _invoice_card(request, session, get_or_404(session, Invoice, invoice_id))


async def _invoice_action(request: Request, session, invoice_id: int, work) -> Response:
    invoice = get_or_404(session, Invoice, invoice_id)
    values = await form_values(request)
    try:
        work(invoice, values)
        session.commit()
    except (ValidationError, DomainError, StaleDataError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, "invoice")
        return _invoice_card(request, session, invoice, errors, code)
    return redirect(f"/invoices/{invoice_id}")


@router.post("/invoices/{invoice_id}/cancel")
async def invoice_cancel(request: Request, session: SessionDep, invoice_id: IdPath) -> Response:
    def cancel(invoice: Invoice, values: dict[str, str]) -> None:
        service.cancel_invoice(
            session, invoice, expected_version=int_or_none(values.get("version"))
        )

    return await _invoice_action(request, session, invoice_id, cancel)


@router.post("/invoices/{invoice_id}/match")
async def invoice_match(request: Request, session: SessionDep, invoice_id: IdPath) -> Response:
    def match(invoice: Invoice, values: dict[str, str]) -> None:
        payment_id = int_or_none(values.get("payment_id"))
        if payment_id is None:
            service.match_order_payments(
                session, session.get(CustomerOrder, invoice.customer_order_id)
            )
        else:
            service.match_payment(session, invoice, payment_id)

    return await _invoice_action(request, session, invoice_id, match)


# HTML previews of the print forms


@router.get("/invoices/{invoice_id}/print")
def invoice_print(request: Request, session: SessionDep, invoice_id: IdPath) -> Response:
    invoice = get_or_404(session, Invoice, invoice_id)
    form = invoice_form(session, invoice)
    return render(
        request,
        "invoices/print.html",
        {
            "form": form,
            "qr_svg": Markup(payment_qr.svg(form.qr_payload)) if form.qr_payload else "",
        },
    )


@router.get("/orders/{order_id}/print")
def order_print(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    order = get_or_404(session, CustomerOrder, order_id)
    return render(
        request,
        "invoices/sales_print.html",
        {
            "form": order_form(session, order),
            "back": f"/orders/{order.id}",
            "pdf": f"/api/v1/orders/{order.id}/confirmation.pdf",
        },
    )


@router.get("/offers/{offer_id}/print")
def offer_print(request: Request, session: SessionDep, offer_id: IdPath) -> Response:
    offer = get_or_404(session, CommercialOffer, offer_id)
    return render(
        request,
        "invoices/sales_print.html",
        {
            "form": offer_form(session, offer),
            "back": f"/offers/{offer.id}",
            "pdf": f"/api/v1/offers/{offer.id}/pdf",
        },
    )
