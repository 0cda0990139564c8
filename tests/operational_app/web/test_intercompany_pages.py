"""/intercompany pages (issue 22): the list with the ledger's positions, the three forms (a
refusal re-renders the form with the rule's message and stores nothing) and the cards."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import IntercompanyDocument, StockMovement
from tests.operational_app.utils.intercompany import build_group


def test_list_forms_and_cards(client: TestClient, db: Session):
    group = build_group(client)
    page = client.get("/intercompany")
    assert page.status_code == 200
    for document in group.documents.values():
        assert document["number"] in page.text
    assert "Отчет комиссионера о продажах" in page.text

    receipt = client.post(
        "/intercompany/receipts",
        data={
            "organization_id": str(group.beta),
            "warehouse_id": str(group.warehouse),
            "product_id": str(group.parts),
            "quantity": "4",
        },
        follow_redirects=False,
    )
    assert receipt.status_code == 303
    created = client.post(
        "/intercompany/documents",
        data={
            "kind": "transfer",
            "sender_organization_id": str(group.beta),
            "receiver_organization_id": str(group.alfa),
            "warehouse_id": str(group.warehouse),
            "product_id": str(group.parts),
            "quantity": "7",  # Beta owns 3 + 4 received
            "price": "21,50",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    card = client.get(created.headers["location"])
    assert card.status_code == 200
    assert "Передача товаров между организациями" in card.text and "150,50" in card.text

    movements = db.scalar(select(func.count()).select_from(StockMovement))
    documents = db.scalar(select(func.count()).select_from(IntercompanyDocument))
    refused = client.post(
        "/intercompany/documents",
        data={
            "kind": "transfer",
            "sender_organization_id": str(group.beta),
            "receiver_organization_id": str(group.alfa),
            "warehouse_id": str(group.warehouse),
            "product_id": str(group.parts),
            "quantity": "1",
        },
    )
    assert refused.status_code == 409
    assert "у организации там только" in refused.text
    assert db.scalar(select(func.count()).select_from(StockMovement)) == movements
    assert db.scalar(select(func.count()).select_from(IntercompanyDocument)) == documents

    commission = client.get(
        f"/intercompany/commission/{group.documents['commissioner_sales']['id']}"
    )
    assert commission.status_code == 200 and "ИП Сидоров" in commission.text
    assert client.get("/intercompany/commission/999999").status_code == 404


def test_payment_form_and_deleting_from_the_card(client: TestClient, db: Session):
    group = build_group(client)
    paid = client.post(
        "/intercompany/commission",
        data={
            "kind": "commissioner_payment",
            "organization_id": str(group.alfa),
            "partner_id": str(group.commissioner),
            "amount": "100",
        },
        follow_redirects=False,
    )
    assert paid.status_code == 303, paid.text
    card = client.get(paid.headers["location"])
    assert "Поступление оплаты от комиссионера" in card.text
    no_product = client.post(
        "/intercompany/commission",
        data={
            "kind": "commissioner_sales",
            "organization_id": str(group.alfa),
            "partner_id": str(group.commissioner),
            "quantity": "1",
        },
    )
    assert no_product.status_code == 422
    # The manual transfer's goods moved on: the card says so and keeps the document.
    transfer = group.documents["transfer"]
    refused = client.post(
        f"/intercompany/documents/{transfer['id']}/delete",
        data={"version": str(transfer["version"])},
    )
    assert refused.status_code == 409 and "переданы дальше" in refused.text
    deleted = client.post(
        f"{paid.headers['location']}/delete", data={"version": "1"}, follow_redirects=False
    )
    assert deleted.status_code == 303
    assert client.get(paid.headers["location"]).status_code == 404
