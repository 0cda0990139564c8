"""Invoice pages (issue 25): issue from the order card, the invoice card with its actions, the
HTML previews of the invoice (with the QR code inline), the order confirmation and the КП, and
the links to their PDFs from the order, offer and invoice cards."""

from __future__ import annotations

import re
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app.db.models import Invoice
from operational_app.domain import offers, orders
from tests.operational_app.utils.invoices import create_invoice_world


def post(client: TestClient, url: str, data: dict | None = None):
    return client.post(url, data=data or {}, follow_redirects=False)


def test_issue_from_the_order_card_then_match_and_preview(client: TestClient, db: Session):
    world = create_invoice_world(db)
    base = f"/orders/{world.order.id}"
    card = client.get(base).text
    assert (
        'id="issue-invoice"' in card and f"/api/v1/orders/{world.order.id}/confirmation.pdf" in card
    )
    prepayment = {i.kind: i for i in orders.payment_schedule(db, world.order.id)}["prepayment"]
    issued = post(
        client,
        f"{base}/issue_invoice",
        {"payment_schedule_item_id": str(prepayment.id), "issued_on": "2026-03-02"},
    )
    assert issued.status_code == 303
    invoice_id = int(re.search(r"/invoices/(\d+)", issued.headers["location"]).group(1))
    db.expire_all()
    invoice = db.get(Invoice, invoice_id)
    assert Decimal(invoice.amount) == Decimal("189.00")

    again = post(client, f"{base}/issue_invoice", {"payment_schedule_item_id": str(prepayment.id)})
    assert again.status_code == 409 and "уже выставлен счет" in again.text

    order_card = client.get(base).text
    assert invoice.number in order_card and "Выставлен" in order_card

    page = client.get(f"/invoices/{invoice_id}").text
    assert f"/api/v1/invoices/{invoice_id}/pdf" in page and f"/invoices/{invoice_id}/print" in page
    orders.record_payment(db, world.order, "100.00")
    db.commit()
    assert post(client, f"/invoices/{invoice_id}/match").status_code == 303
    page = client.get(f"/invoices/{invoice_id}").text
    assert "Оплачен частично" in page and 'id="invoice-outstanding">89,00<' in page
    refused = post(client, f"/invoices/{invoice_id}/cancel")
    assert refused.status_code == 409 and "неоплаченный" in refused.text

    preview = client.get(f"/invoices/{invoice_id}/print")
    assert preview.status_code == 200
    assert "Сто восемьдесят девять рублей 00 копеек" in preview.text
    assert "<svg" in preview.text and "Банк получателя" in preview.text
    listing = client.get("/invoices?status=partly_paid").text
    assert invoice.number in listing
    assert invoice.number not in client.get("/invoices?status=paid").text


def test_order_and_offer_previews(client: TestClient, db: Session):
    world = create_invoice_world(db)
    preview = client.get(f"/orders/{world.order.id}/print")
    assert preview.status_code == 200
    assert f"Подтверждение заказа № {world.order.number}" in preview.text
    assert "Шестьсот тридцать рублей 00 копеек" in preview.text
    offer = offers.create_offer(
        db,
        partner_id=world.sales.partner.id,
        organization_id=world.organization.id,
        lines=[{"product_id": world.sales.product.id, "quantity": Decimal(2)}],
    )
    db.commit()
    card = client.get(f"/offers/{offer.id}").text
    assert f"/api/v1/offers/{offer.id}/pdf" in card and f"/offers/{offer.id}/print" in card
    preview = client.get(f"/offers/{offer.id}/print")
    assert (
        preview.status_code == 200 and f"Коммерческое предложение № {offer.number}" in preview.text
    )
    assert client.get("/invoices/999999").status_code == 404


def test_admin_enters_bank_requisites_on_the_organization_form(client: TestClient, db: Session):
    from operational_app.db.models import Organization
    from tests.operational_app.utils.invoices import ORGANIZATION

    form = client.get("/admin/organizations/new").text
    assert 'id="bank-requisites"' in form and "Расчётный счёт" in form
    typed = {**ORGANIZATION, "is_vat_payer": "0", "bank_bik": "04452522"}
    refused = post(client, "/admin/organizations", typed)
    assert refused.status_code == 422
    assert re.search(r'id="bank_bik-error">[^<]*9 цифр', refused.text)
    saved = post(client, "/admin/organizations", {**typed, "bank_bik": "044525225"})
    assert saved.status_code == 303
    organization = db.query(Organization).filter_by(inn=ORGANIZATION["inn"]).one()
    assert organization.settlement_account == ORGANIZATION["settlement_account"]
    assert organization.is_vat_payer is False
    edit = client.get(f"/admin/organizations/{organization.id}").text
    assert 'value="0" selected' in edit and ORGANIZATION["correspondent_account"] in edit
