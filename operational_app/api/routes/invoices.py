"""Счета на оплату under /api/v1 (issue 25): issue from an order, list, read, cancel, match
payments, and the print forms as PDF — the invoice, the order confirmation and the КП."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response, status

from operational_app.api.deps import (
    CurrentUser,
    IdFilter,
    IdPath,
    Limit,
    Offset,
    SearchText,
    SessionDep,
)
from operational_app.api.schemas import Paged
from operational_app.api.schemas_invoices import (
    InvoiceDetail,
    InvoiceIssue,
    InvoiceLinePublic,
    InvoiceMatch,
    InvoicePaymentPublic,
    InvoicePublic,
    InvoiceStatus,
)
from operational_app.api.schemas_sales import Action
from operational_app.db.models import CommercialOffer, CustomerOrder, Invoice
from operational_app.domain import invoices as service
from operational_app.domain.amount_words import amount_in_words
from operational_app.domain.common import get_or_404
from operational_app.print_forms.invoice import invoice_form, render_invoice
from operational_app.print_forms.sales_documents import (
    offer_form,
    order_form,
    render_sales_document,
)

router = APIRouter(tags=["invoices"])


def pdf_response(content: bytes, filename: str) -> Response:
    """A PDF download; the name may be Cyrillic (RFC 5987 filename*)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
            )
        },
    )


def invoice_detail(session: SessionDep, invoice: Invoice) -> InvoiceDetail:
    totals = service.invoice_totals(session, invoice)
    public = InvoicePublic.model_validate(invoice)
    return InvoiceDetail(
        **public.model_dump(),
        paid_amount=totals.paid,
        outstanding_amount=totals.outstanding,
        amount_in_words=amount_in_words(totals.amount),
        qr_payload=invoice_form(session, invoice).qr_payload,
        lines=[
            InvoiceLinePublic.model_validate(line)
            for line in service.invoice_lines(session, invoice.id)
        ],
        payments=[
            InvoicePaymentPublic.model_validate(match)
            for match in service.invoice_matches(session, invoice.id)
        ],
    )


@router.post(
    "/orders/{order_id}/invoices",
    response_model=InvoiceDetail,
    status_code=status.HTTP_201_CREATED,
)
def issue_invoice(
    session: SessionDep, user: CurrentUser, order_id: IdPath, body: InvoiceIssue | None = None
) -> InvoiceDetail:
    order = get_or_404(session, CustomerOrder, order_id)
    body = body or InvoiceIssue()
    invoice = service.issue_invoice(
        session,
        order,
        payment_schedule_item_id=body.payment_schedule_item_id,
        issued_on=body.issued_on,
        comment=body.comment,
        user=user,
        expected_version=body.version,
    )
    session.commit()
    return invoice_detail(session, invoice)


@router.get("/invoices", response_model=Paged[InvoicePublic])
def list_invoices(
    session: SessionDep,
    q: SearchText = None,
    status: InvoiceStatus | None = None,
    partner_id: IdFilter = None,
    customer_order_id: IdFilter = None,
    organization_id: IdFilter = None,
    sort: SearchText = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[InvoicePublic]:
    page = service.list_invoices(
        session,
        q=q,
        status=status,
        partner_id=partner_id,
        customer_order_id=customer_order_id,
        organization_id=organization_id,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Paged[InvoicePublic](
        items=[InvoicePublic.model_validate(invoice) for invoice in page.items], total=page.total
    )


@router.get("/invoices/{invoice_id}", response_model=InvoiceDetail)
def get_invoice(session: SessionDep, invoice_id: IdPath) -> InvoiceDetail:
    return invoice_detail(session, get_or_404(session, Invoice, invoice_id))


@router.post("/invoices/{invoice_id}/cancel", response_model=InvoiceDetail)
def cancel_invoice(
    session: SessionDep, invoice_id: IdPath, body: Action | None = None
) -> InvoiceDetail:
    invoice = get_or_404(session, Invoice, invoice_id)
    service.cancel_invoice(session, invoice, expected_version=body.version if body else None)
    session.commit()
    return invoice_detail(session, invoice)


@router.post("/invoices/{invoice_id}/payments", response_model=InvoiceDetail)
def match_payments(
    session: SessionDep, invoice_id: IdPath, body: InvoiceMatch | None = None
) -> InvoiceDetail:
    invoice = get_or_404(session, Invoice, invoice_id)
    body = body or InvoiceMatch()
    if body.payment_id is None:
        order = get_or_404(session, CustomerOrder, invoice.customer_order_id)
        service.match_order_payments(session, order)
    else:
        service.match_payment(session, invoice, body.payment_id, body.amount)
    session.commit()
    session.refresh(invoice)
    return invoice_detail(session, invoice)


@router.get("/invoices/{invoice_id}/pdf", response_class=Response)
def invoice_pdf(session: SessionDep, invoice_id: IdPath) -> Response:
    invoice = get_or_404(session, Invoice, invoice_id)
    return pdf_response(render_invoice(invoice_form(session, invoice)), f"{invoice.number}.pdf")


@router.get("/orders/{order_id}/confirmation.pdf", response_class=Response)
def order_confirmation_pdf(session: SessionDep, order_id: IdPath) -> Response:
    order = get_or_404(session, CustomerOrder, order_id)
    return pdf_response(render_sales_document(order_form(session, order)), f"{order.number}.pdf")


@router.get("/offers/{offer_id}/pdf", response_class=Response)
def offer_pdf(session: SessionDep, offer_id: IdPath) -> Response:
    offer = get_or_404(session, CommercialOffer, offer_id)
    return pdf_response(render_sales_document(offer_form(session, offer)), f"{offer.number}.pdf")
