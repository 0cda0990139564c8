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
    """Issue a Счет на оплату for a customer order.

    Without `payment_schedule_item_id` it asks for all the order has not been invoiced for yet,
    due on the schedule's last due date (else the agreement's deferral); with one, for that stage's
    amount, due on its date. The order must be on_approval, approved, to_ship or shipped
    (409 `invoice.order_status`) and have an organisation (422 `invoice.organization_required`)
    with bank name, БИК and settlement account (422 `invoice.requisites_missing`). A stage must be
    the order's (422 `invoice.schedule_item_unknown`) and not already in a live invoice (409
    `invoice.schedule_item_invoiced`); nothing left to invoice, or a stage beyond the order
    total, is 409 `invoice.nothing_to_invoice`. The number runs per organisation and year
    without gaps (СЧ-000001); each line carries its product's VAT rate on `issued_on`. The
    optional `version` is the order's (409 `stale_version`)."""
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
    """List invoices (Счета на оплату), filtered, sorted and paged.

    `q` matches the number or the payment purpose. `sort` is one of number, issued_on, due_date,
    amount, status; a leading `-` sorts descending; the default is newest issued first."""
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
    return Paged[InvoicePublic].of(page.items, page.total)


@router.get("/invoices/{invoice_id}", response_model=InvoiceDetail)
def get_invoice(session: SessionDep, invoice_id: IdPath) -> InvoiceDetail:
    """Read an invoice with its lines, matched payments, paid and outstanding sums, the amount in
    words and the payment QR code's text."""
    return invoice_detail(session, get_or_404(session, Invoice, invoice_id))


@router.post("/invoices/{invoice_id}/cancel", response_model=InvoiceDetail)
def cancel_invoice(
    session: SessionDep, invoice_id: IdPath, body: Action | None = None
) -> InvoiceDetail:
    """Cancel an invoice (status cancelled); its number stays taken.

    Only an issued invoice with nothing matched to it (409 `invoice.cancel_forbidden`). The body,
    with `version`, is optional (409 `stale_version`)."""
    invoice = get_or_404(session, Invoice, invoice_id)
    service.cancel_invoice(session, invoice, expected_version=body.version if body else None)
    session.commit()
    return invoice_detail(session, invoice)


@router.post("/invoices/{invoice_id}/payments", response_model=InvoiceDetail)
def match_payments(
    session: SessionDep, invoice_id: IdPath, body: InvoiceMatch | None = None
) -> InvoiceDetail:
    """Match payments of the invoice's order to invoices (зачёт оплаты).

    With `payment_id`: that payment (or `amount` of it) goes to this invoice; the invoice must be
    issued or partly_paid (409 `invoice.not_open`), the payment exist (404 `payments.not_found`)
    and belong to the same order (422 `invoice.payment_other_order`); more than the payment has
    unmatched or the invoice still expects is 422 `invoice.match_amount`. Without `payment_id`:
    every unmatched payment of the order, oldest first, goes to its open invoices, earliest due
    first. The status follows the matched sum: partly_paid, then paid."""
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
    """The Счет на оплату print form as a PDF: requisites, goods, VAT, the sum in words, the
    payment QR code (ГОСТ Р 56042-2014) and the signatures."""
    invoice = get_or_404(session, Invoice, invoice_id)
    return pdf_response(render_invoice(invoice_form(session, invoice)), f"{invoice.number}.pdf")


@router.get("/orders/{order_id}/confirmation.pdf", response_class=Response)
def order_confirmation_pdf(session: SessionDep, order_id: IdPath) -> Response:
    """The order confirmation (Подтверждение заказа) print form of a customer order as a PDF:
    requisites, goods with discounts and VAT, the shipment date and payment schedule."""
    order = get_or_404(session, CustomerOrder, order_id)
    return pdf_response(render_sales_document(order_form(session, order)), f"{order.number}.pdf")


@router.get("/offers/{offer_id}/pdf", response_class=Response)
def offer_pdf(session: SessionDep, offer_id: IdPath) -> Response:
    """The Коммерческое предложение print form as a PDF: requisites, goods with discounts and VAT,
    the validity date."""
    offer = get_or_404(session, CommercialOffer, offer_id)
    return pdf_response(render_sales_document(offer_form(session, offer)), f"{offer.number}.pdf")
