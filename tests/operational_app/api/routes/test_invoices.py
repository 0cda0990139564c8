"""/api/v1 invoices (issue 25): issue from an order's prepayment item, read, match a payment,
cancel, download the PDFs of the invoice, the order confirmation and the offer; the refusals
are 4xx with the rule."""

from __future__ import annotations

import io
from decimal import Decimal

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from operational_app.domain import offers, orders
from tests.operational_app.utils.invoices import create_invoice_world

API = "/api/v1"


def _text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).replace("\u00a0", " ").split())


def test_invoice_flow_over_the_api(client: TestClient, db: Session):
    world = create_invoice_world(db)
    order_id = world.order.id
    schedule = {item.kind: item for item in orders.payment_schedule(db, order_id)}
    response = client.post(
        f"{API}/orders/{order_id}/invoices",
        json={"payment_schedule_item_id": schedule["prepayment"].id, "issued_on": "2026-03-02"},
    )
    assert response.status_code == 201, response.text
    invoice = response.json()
    assert invoice["kind"] == "prepayment" and invoice["status"] == "issued"
    assert Decimal(invoice["amount"]) == Decimal("189.00")
    assert invoice["amount_in_words"] == "Сто восемьдесят девять рублей 00 копеек"
    assert invoice["qr_payload"].startswith("ST00012|") and "|Sum=18900" in invoice["qr_payload"]
    assert [Decimal(line["vat_rate"]) for line in invoice["lines"]] == [Decimal(22)]

    again = client.post(
        f"{API}/orders/{order_id}/invoices",
        json={"payment_schedule_item_id": schedule["prepayment"].id},
    )
    assert again.status_code == 409 and again.json()["rule"] == "invoice.schedule_item_invoiced"

    listed = client.get(f"{API}/invoices", params={"customer_order_id": order_id}).json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == invoice["number"]

    db.refresh(world.order)  # issuing touched the order in the app's session
    payment = orders.record_payment(db, world.order, "189.00")
    db.commit()
    matched = client.post(f"{API}/invoices/{invoice['id']}/payments", json={})
    assert matched.status_code == 200, matched.text
    body = matched.json()
    assert body["status"] == "paid" and Decimal(body["outstanding_amount"]) == 0
    assert [item["payment_id"] for item in body["payments"]] == [payment.id]
    refused = client.post(f"{API}/invoices/{invoice['id']}/cancel", json={})
    assert refused.status_code == 409 and refused.json()["rule"] == "invoice.cancel_forbidden"

    pdf = client.get(f"{API}/invoices/{invoice['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    assert f"Счет на оплату № {invoice['number']}" in _text(pdf.content)


def test_order_confirmation_and_offer_pdfs(client: TestClient, db: Session):
    world = create_invoice_world(db)
    confirmation = client.get(f"{API}/orders/{world.order.id}/confirmation.pdf")
    assert confirmation.status_code == 200
    text = _text(confirmation.content)
    assert f"Подтверждение заказа № {world.order.number}" in text
    assert "ООО «Ромашка», ИНН 7707083893" in text
    assert "Шестьсот тридцать рублей 00 копеек" in text
    assert "График оплаты" in text and "189,00" in text and "441,00" in text

    offer = offers.create_offer(
        db,
        partner_id=world.sales.partner.id,
        agreement_id=world.sales.agreement.id,
        organization_id=world.organization.id,
        lines=[{"product_id": world.sales.product.id, "quantity": Decimal(3)}],
    )
    db.commit()
    response = client.get(f"{API}/offers/{offer.id}/pdf")
    assert response.status_code == 200
    text = _text(response.content)
    assert f"Коммерческое предложение № {offer.number}" in text
    assert world.sales.product.name in text and "270,00" in text


def test_refusals_are_4xx(client: TestClient, db: Session):
    assert client.get(f"{API}/invoices/999999").status_code == 404
    assert client.get(f"{API}/invoices/999999/pdf").status_code == 404
    world = create_invoice_world(db)
    missing_item = client.post(
        f"{API}/orders/{world.order.id}/invoices", json={"payment_schedule_item_id": 999999}
    )
    assert missing_item.status_code == 422
    assert client.get(f"{API}/invoices", params={"status": "lost"}).status_code == 422
