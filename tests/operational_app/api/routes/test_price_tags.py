"""/api/v1/price-tags.pdf: the chosen template and products as a PDF whose text carries what the
template shows (the unit price wherever the law requires it), 404 for an unknown product, 422
for an unknown template; anonymous callers get nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from operational_app.db.models import PriceTagTemplate, Product
from operational_app.seed.retail import ean13

API = "/api/v1/price-tags.pdf"


def _product(db: Session, number: int, price: str, **extra: object) -> Product:
    product = Product(
        sku=f"ЦН-{number}",
        name=f"Сыр полутвёрдый №{number}",
        base_price=Decimal(price),
        barcode=ean13(460_000_000_100 + number),
        **extra,
    )
    db.add(product)
    db.commit()
    return product


def _template(db: Session, name: str, **fields: object) -> PriceTagTemplate:
    layout = {"columns": 3, "rows": 7, "show_old_price": True, "show_barcode": True}
    template = PriceTagTemplate(name=name, **(layout | fields))
    db.add(template)
    db.commit()
    return template


def _text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_has_a_tag_per_product(client: TestClient, db: Session) -> None:
    _template(db, "Стандартный")
    cheese, milk = _product(db, 1, "230.00"), _product(db, 2, "84.50")
    response = client.get(API, params={"product_id": [cheese.id, milk.id, milk.id]})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = _text(response.content)
    assert "Сыр полутвёрдый №1" in text and "230,00 ₽" in text
    assert text.count("84,50 ₽") == 2
    assert ean13(460_000_000_102) in text


def test_post_prints_the_chosen_template_fields(client: TestClient, db: Session) -> None:
    full = _template(db, "Полный")
    bare = _template(db, "Без штрихкода", columns=4, rows=10, show_old_price=False,
                     show_barcode=False)  # fmt: skip
    kefir = _product(db, 3, "92.00", net_quantity=Decimal(900), net_unit="ml")
    spice = _product(db, 4, "46.00", net_quantity=Decimal(200), net_unit="g")
    apples = _product(db, 5, "129.90", unit="кг")
    pen = _product(db, 6, "35.00")
    items = [
        {"product_id": kefir.id, "old_price": "110.00", "copies": 2},
        {"product_id": spice.id},
        {"product_id": apples.id},
        {"product_id": pen.id},
    ]
    response = client.post(API, json={"template_id": full.id, "items": items})
    assert response.status_code == 200, response.text
    text = _text(response.content)
    assert text.count("Сыр полутвёрдый №3") == 2
    assert "110,00 ₽" in text  # the old price
    assert "102,22 ₽ за 1 л" in text  # 92 / 0.9 l
    assert "23,00 ₽ за 100 г" in text  # 46 / 200 g × 100
    assert "129,90 ₽ за 1 кг" in text  # sold by weight
    assert text.count(" за ") == 4  # the pen is sold by the item: no unit price
    assert ean13(460_000_000_103) in text
    bare_text = _text(client.post(API, json={"template_id": bare.id, "items": items}).content)
    assert "110,00 ₽" not in bare_text and ean13(460_000_000_103) not in bare_text
    assert "102,22 ₽ за 1 л" in bare_text  # the law's unit price is never optional


def test_unknown_product_and_template(client: TestClient, db: Session) -> None:
    template = _template(db, "Стандартный")
    cheese = _product(db, 7, "230.00")
    assert client.get(API, params={"product_id": [cheese.id, 999_999]}).status_code == 404
    bad = client.get(API, params={"product_id": [cheese.id], "template_id": template.id + 1})
    assert bad.status_code == 422
    assert bad.json()["rule"] == "price_tags.unknown_template"
    assert client.get(API).status_code == 422
    too_many = client.post(
        API,
        json={"template_id": template.id, "items": [{"product_id": cheese.id, "copies": 100}] * 11},
    )
    assert too_many.status_code == 422 and too_many.json()["rule"] == "price_tags.too_many"


def test_anonymous_gets_nothing(app_client: TestClient) -> None:
    app_client.cookies.clear()
    assert app_client.get(API, params={"product_id": [1]}).status_code in (401, 303, 307)
