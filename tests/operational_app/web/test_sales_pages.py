"""Sales pages: lists, cards, forms keep typed values, order actions through plain posts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app.domain import orders
from tests.operational_app.utils.factories import Classifiers, create_random_deal
from tests.operational_app.utils.sales import create_order, create_sales


def post(client: TestClient, url: str, data: dict | None = None):
    return client.post(url, data=data or {}, follow_redirects=False)


def test_lists_and_nav_render_in_russian(client: TestClient, db: Session):
    create_sales(db)
    for url, label in [
        ("/products", "Номенклатура"),
        ("/warehouses", "Склады"),
        ("/agreements", "Соглашения с клиентами"),
        ("/offers", "Коммерческие предложения"),
        ("/orders", "Заказы клиентов"),
        ("/orders?sort=-total_amount&status=bogus&offset=x", "Заказы клиентов"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert label in response.text


def test_product_form_error_keeps_typed_values(client: TestClient, db: Session):
    response = post(client, "/products", data={"sku": "Z-9", "name": "", "base_price": "12,50"})
    assert response.status_code == 422
    assert 'value="Z-9"' in response.text and 'value="12,50"' in response.text
    ok = post(client, "/products", data={"sku": "Z-9", "name": "Вино", "base_price": "12,50"})
    assert ok.status_code == 303


def test_order_card_flow_and_partner_debt(client: TestClient, db: Session):
    sales = create_sales(db)
    order = create_order(db, sales, qty=2)
    base = f"/orders/{order.id}"
    assert post(client, f"{base}/reserve_all").status_code == 303
    assert post(client, f"{base}/submit").status_code == 303
    assert post(client, f"{base}/to_ship").status_code == 303
    line = orders.order_lines(db, order.id)[0]
    refused = post(client, f"{base}/ship", data={f"ship_{line.id}": "3"})
    assert refused.status_code == 422 and "осталось отгрузить" in refused.text
    assert post(client, f"{base}/ship", data={f"ship_{line.id}": "2"}).status_code == 303
    assert post(client, f"{base}/pay", data={"amount": "100"}).status_code == 303
    card = client.get(base).text
    assert "Отгружен" in card and 'id="debt">80,00<' in card
    partner = client.get(f"/partners/{sales.partner.id}").text
    assert 'id="partner-debt">80,00<' in partner and order.number in partner


def test_approval_refused_for_operator_on_page(client: TestClient, db: Session):
    sales = create_sales(db)
    order = create_order(db, sales, discount=10)
    assert post(client, f"/orders/{order.id}/submit").status_code == 303
    db.refresh(order)
    assert order.status == "on_approval"
    assert "На согласовании" in client.get(f"/orders/{order.id}").text


def test_offer_page_accept_redirects_to_order(
    client: TestClient, db: Session, classifiers: Classifiers
):
    sales = create_sales(db)
    deal = create_random_deal(db, classifiers, partner_id=sales.partner.id)
    created = post(
        client,
        "/offers",
        data={
            "partner_id": sales.partner.id,
            "agreement_id": sales.agreement.id,
            "deal_id": deal.id,
        },
    )
    assert created.status_code == 303
    offer_url = created.headers["location"]
    added = post(
        client, f"{offer_url}/add_line", data={"product_id": sales.product.id, "quantity": "1"}
    )
    assert added.status_code == 303
    assert post(client, f"{offer_url}/send").status_code == 303
    accepted = post(client, f"{offer_url}/accept", data={"warehouse_id": sales.warehouse.id})
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/orders/")
    deal_card = client.get(f"/deals/{deal.id}").text
    assert "Коммерческие предложения" in deal_card and "ЗК-" in deal_card


def test_english_labels(client_en: TestClient, db: Session):
    sales = create_sales(db)
    order = create_order(db, sales)
    html = client_en.get(f"/orders/{order.id}").text
    assert "Customer order" in html and "Reserve" in html and "Заказ клиента" not in html
