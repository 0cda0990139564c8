"""Розница pages: stores, cash registers, loyalty programmes, discount cards and price tag
templates are listed, created and edited in the browser (Russian by default, English on
request); a refused save keeps what was typed and names the rule; a stale edit lists the other
user's change; the price tags page prints the ticked products with the chosen template."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from operational_app.db.models import (
    DiscountCard,
    LoyaltyProgramme,
    Organization,
    PriceTagTemplate,
    Product,
    Store,
    Warehouse,
)
from operational_app.domain import price_tags, retail
from operational_app.seed.retail import ean13
from tests.operational_app.utils.factories import create_random_partner, legal_entity_inn


def post(client: TestClient, url: str, data: dict[str, object]):
    return client.post(url, data=data, follow_redirects=False)


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<span class="error" id="{name}-error">([^<]*)</span>', html)
    assert match, f"no error shown next to {name}"
    return match.group(1)


@pytest.fixture
def shop(db: Session) -> tuple[Organization, Warehouse]:
    organization = Organization(name="ООО «Розница»", inn=legal_entity_inn())
    warehouse = Warehouse(name="Склад Центральный")
    db.add_all([organization, warehouse])
    db.commit()
    return organization, warehouse


def test_stores_are_listed_created_and_edited(
    client: TestClient, db: Session, shop: tuple[Organization, Warehouse]
) -> None:
    organization, warehouse = shop
    form = client.get("/stores/new").text
    assert "Магазин" in form and "ООО «Розница»" in form and "Склад Центральный" in form
    created = post(
        client,
        "/stores",
        {
            "name": "Магазин на Ленина",
            "address": "Ленина, 1",
            "organization_id": organization.id,
            "warehouse_id": warehouse.id,
        },
    )
    assert created.status_code == 303 and created.headers["location"] == "/stores"
    listing = client.get("/stores").text
    assert "Магазин на Ленина" in listing and "ООО «Розница»" in listing
    store = db.query(Store).one()
    assert f'href="/stores/{store.id}"' in listing
    edit = client.get(f"/stores/{store.id}").text
    assert 'value="Ленина, 1"' in edit
    saved = post(
        client,
        f"/stores/{store.id}",
        {
            "version": store.version,
            "name": "Магазин на Ленина",
            "address": "Ленина, 3",
            "organization_id": organization.id,
            "warehouse_id": warehouse.id,
        },
    )
    assert saved.status_code == 303
    db.expire_all()
    assert db.get(Store, store.id).address == "Ленина, 3"
    stale = post(
        client,
        f"/stores/{store.id}",
        {
            "version": store.version - 1 if store.version > 1 else 1,
            "name": "Магазин на Ленина",
            "address": "Ленина, 5",
            "organization_id": organization.id,
            "warehouse_id": warehouse.id,
        },
    )
    assert stale.status_code == 409
    assert 'id="stale-changes"' in stale.text and "Ленина, 3" in stale.text
    missing = post(client, "/stores", {"name": "", "organization_id": organization.id})
    assert missing.status_code == 422
    assert field_error(missing.text, "name") and field_error(missing.text, "warehouse_id")


def test_cash_register_rules_show_beside_the_field(
    client: TestClient, db: Session, shop: tuple[Organization, Warehouse]
) -> None:
    organization, warehouse = shop
    store = retail.create_store(
        db, name="Магазин", organization_id=organization.id, warehouse_id=warehouse.id
    )
    db.commit()
    bad = post(client, "/cash-registers", {"store_id": store.id, "registration_number": "12345"})
    assert bad.status_code == 422
    assert "16 цифр" in field_error(bad.text, "registration_number")
    assert 'value="12345"' in bad.text  # what was typed stays
    good = post(
        client,
        "/cash-registers",
        {"store_id": store.id, "registration_number": "0000000001012345", "ofd_inn": ""},
    )
    assert good.status_code == 303
    listing = client.get("/cash-registers").text
    assert "0000000001012345" in listing and "Магазин" in listing


def test_loyalty_programme_and_card_pages(client: TestClient, db: Session) -> None:
    created = post(
        client,
        "/loyalty-programmes",
        {"name": "Бонусы", "kind": "bonus", "accrual_percent": "5,5", "point_value": "1"},
    )
    assert created.status_code == 303, created.text
    programme = db.query(LoyaltyProgramme).one()
    assert programme.accrual_percent == Decimal("5.5")
    refused = post(
        client,
        "/loyalty-programmes",
        {"name": "Скидка", "kind": "discount", "accrual_percent": "3"},
    )
    assert refused.status_code == 422
    assert "не начисляет" in field_error(refused.text, "accrual_percent")
    assert "Бонусная" in client.get("/loyalty-programmes").text

    partner = create_random_partner(db, name="Покупатель")
    card = post(
        client,
        "/discount-cards",
        {
            "number": "7700000000042",
            "programme_id": programme.id,
            "partner_id": partner.id,
            "issued_on": "2026-03-01",
        },
    )
    assert card.status_code == 303, card.text
    stored = db.query(DiscountCard).one()
    assert stored.partner_id == partner.id
    found = client.get("/discount-cards", params={"q": "0042"}).text
    assert "7700000000042" in found and "Бонусы" in found
    assert "7700000000042" not in client.get("/discount-cards", params={"q": "999"}).text
    blocked = post(
        client,
        f"/discount-cards/{stored.id}",
        {
            "version": stored.version,
            "number": "7700000000042",
            "programme_id": programme.id,
            "partner_id": partner.id,
            "issued_on": "2026-03-01",
            "blocked_on": "2026-02-01",
        },
    )
    assert blocked.status_code == 422
    assert "раньше даты выдачи" in field_error(blocked.text, "blocked_on")


def test_template_pages_and_english(client: TestClient, client_en: TestClient, db: Session) -> None:
    created = post(
        client,
        "/price-tag-templates",
        {"name": "Витрина 2×6", "columns": "2", "rows": "6", "show_barcode": "0"},
    )
    assert created.status_code == 303, created.text
    template = db.query(PriceTagTemplate).filter_by(name="Витрина 2×6").one()
    assert (template.columns, template.rows, template.show_barcode) == (2, 6, False)
    page = client.get("/price-tag-templates").text
    assert "Шаблоны ценников" in page and "Витрина 2×6" in page
    assert "ПП РФ № 2463" in client.get(f"/price-tag-templates/{template.id}").text
    too_wide = post(
        client,
        f"/price-tag-templates/{template.id}",
        {"version": template.version, "name": "Витрина 2×6", "columns": "5", "rows": "6"},
    )
    assert too_wide.status_code == 422 and field_error(too_wide.text, "columns")
    english = client_en.get("/price-tag-templates").text
    assert "Price tag templates" in english and "Columns per A4 page" in english


def test_price_tags_page_prints_the_ticked_products(client: TestClient, db: Session) -> None:
    template = price_tags.create_template(db, name="Стандартный", columns=3, rows=7)
    juice = Product(
        sku="С-1",
        name="Сок яблочный 1 л",
        base_price=Decimal("120.00"),
        barcode=ean13(460_000_000_777),
        net_quantity=Decimal(1000),
        net_unit="ml",
    )
    nails = Product(sku="Г-1", name="Гвозди", base_price=Decimal("15.00"))
    db.add_all([juice, nails])
    db.commit()
    page = client.get("/price-tags", params={"q": "Сок"}).text
    assert "Сок яблочный 1 л" in page and "Гвозди" not in page
    assert "120,00 за 1 л" in page  # the unit price the tag will carry
    pdf = post(
        client,
        "/price-tags",
        {
            "template_id": template.id,
            f"product_{juice.id}": "1",
            f"copies_{juice.id}": "2",
            f"old_price_{juice.id}": "150,00",
            f"copies_{nails.id}": "3",  # not ticked: not printed
        },
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert text.count("Сок яблочный 1 л") == 2 and "Гвозди" not in text
    assert "150,00 ₽" in text and "120,00 ₽ за 1 л" in text
    none = post(client, "/price-tags", {"template_id": template.id})
    assert none.status_code == 422 and "Не выбрано" in none.text


def test_pages_need_sign_in(anon_client: TestClient) -> None:
    for path in ("/stores", "/cash-registers", "/loyalty-programmes", "/discount-cards",
                 "/price-tag-templates", "/price-tags"):  # fmt: skip
        response = anon_client.get(path, follow_redirects=False)
        assert response.status_code in (303, 401), path


def test_menu_lists_the_retail_pages(client: TestClient, db: Session) -> None:
    menu = client.get("/").text
    for href in ("/stores", "/cash-registers", "/loyalty-programmes", "/discount-cards",
                 "/price-tag-templates", "/price-tags"):  # fmt: skip
        assert f'href="{href}"' in menu


def test_product_card_sets_the_net_quantity_the_unit_price_needs(
    client: TestClient, db: Session
) -> None:
    tea = Product(sku="Ч-1", name="Чай 200 г", base_price=Decimal("300.00"))
    db.add(tea)
    db.commit()
    typed = {"version": tea.version, "sku": "Ч-1", "name": "Чай 200 г", "base_price": "300"}
    half = post(client, f"/products/{tea.id}/edit", typed | {"net_quantity": "200"})
    assert half.status_code == 422 and "единицей" in half.text
    saved = post(
        client, f"/products/{tea.id}/edit", typed | {"net_quantity": "200", "net_unit": "g"}
    )
    assert saved.status_code == 303, saved.text
    db.expire_all()
    assert (db.get(Product, tea.id).net_quantity, db.get(Product, tea.id).net_unit) == (200, "g")
    assert "150,00 за 100 г" in client.get("/price-tags", params={"q": "Чай"}).text
