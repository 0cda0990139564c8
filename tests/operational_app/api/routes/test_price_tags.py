"""/api/v1/price-tags.pdf: a tag per chosen product, 404 for an unknown one, 422 for a bad
template; anonymous callers get nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from operational_app.db.models import Product
from operational_app.seed.retail import ean13

API = "/api/v1/price-tags.pdf"


def _product(db: Session, number: int, price: str) -> Product:
    product = Product(
        sku=f"ЦН-{number}",
        name=f"Сыр полутвёрдый №{number}",
        base_price=Decimal(price),
        barcode=ean13(460_000_000_100 + number),
    )
    db.add(product)
    db.commit()
    return product


def test_pdf_has_a_tag_per_product(client: TestClient, db: Session) -> None:
    cheese, milk = _product(db, 1, "230.00"), _product(db, 2, "84.50")
    response = client.get(API, params={"product_id": [cheese.id, milk.id, milk.id]})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Сыр полутвёрдый №1" in text and "230,00 ₽" in text
    assert text.count("84,50 ₽") == 2
    assert ean13(460_000_000_102) in text


def test_unknown_product_and_template(client: TestClient, db: Session) -> None:
    cheese = _product(db, 3, "230.00")
    assert client.get(API, params={"product_id": [cheese.id, 999_999]}).status_code == 404
    bad = client.get(API, params={"product_id": [cheese.id], "template": "Огромный"})
    assert bad.status_code == 422
    assert client.get(API).status_code == 422


def test_anonymous_gets_nothing(app_client: TestClient) -> None:
    app_client.cookies.clear()
    assert app_client.get(API, params={"product_id": [1]}).status_code in (401, 303, 307)
