"""Editing sales documents on their cards: header and lines through plain posts, the status rules
of the domain, stale edits showing what changed, and amounts printed the operator's way."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app.db.models import (
    Agreement,
    CommercialOffer,
    CommercialOfferLine,
    CustomerOrder,
    CustomerOrderLine,
    Deal,
    Product,
)
from operational_app.domain import offers, orders
from operational_app.web.formatting import format_money
from tests.operational_app.utils.factories import Classifiers, create_random_deal
from tests.operational_app.utils.sales import create_order, create_sales

NBSP = "\u00a0"


def post(client: TestClient, url: str, data: dict | None = None):
    return client.post(url, data=data or {}, follow_redirects=False)


def stale_row(page: str, field: str) -> tuple[str, str]:
    """(stored now, typed) from the "what changed" table of a refused stale edit."""
    assert 'id="stale-changes"' in page, "no stale-changes table on the page"
    match = re.search(
        rf'<tr data-field="{field}"><td>[^<]*</td><td class="stored">([^<]*)</td>'
        rf'<td class="typed">([^<]*)</td></tr>',
        page,
    )
    assert match, f"{field} is not in the stale-changes table"
    return html.unescape(match.group(1)), html.unescape(match.group(2))


def order_line(db: Session, order: CustomerOrder) -> CustomerOrderLine:
    db.expire_all()
    return orders.order_lines(db, order.id)[0]


def header(order: CustomerOrder, **fields: object) -> dict:
    return {
        "version": str(order.version),
        "agreement_id": str(order.agreement_id or ""),
        "counterparty_id": "",
        "deal_id": "",
        "manager_id": "",
        "planned_shipment_date": "",
        "comment": "",
        **{key: str(value) for key, value in fields.items()},
    }


def ship_everything(client: TestClient, db: Session, order: CustomerOrder) -> None:
    base = f"/orders/{order.id}"
    for action in ("reserve_all", "submit", "to_ship"):
        assert post(client, f"{base}/{action}").status_code == 303, action
    line = order_line(db, order)
    shipped = post(client, f"{base}/ship", data={f"ship_{line.id}": str(line.quantity)})
    assert shipped.status_code == 303
    db.refresh(order)
    assert order.status == "shipped"


# Customer order: header and lines


def test_order_header_edit_changes_the_row(client: TestClient, db: Session):
    sales = create_sales(db)
    order = create_order(db, sales)
    card = client.get(f"/orders/{order.id}").text
    assert 'id="order-header"' in card and f'name="version" value="{order.version}"' in card
    saved = post(
        client,
        f"/orders/{order.id}/edit",
        data=header(order, planned_shipment_date="2031-05-20", comment="Звонить заранее"),
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/orders/{order.id}"
    db.expire_all()
    stored = db.get(CustomerOrder, order.id)
    assert stored.planned_shipment_date == dt.date(2031, 5, 20)
    assert stored.comment == "Звонить заранее"
    assert stored.agreement_id == sales.agreement.id
    card = client.get(f"/orders/{order.id}").text
    assert 'id="order-comment">Звонить заранее<' in card


def test_order_header_error_keeps_typed_values(client: TestClient, db: Session):
    order = create_order(db, create_sales(db))
    refused = post(
        client,
        f"/orders/{order.id}/edit",
        data=header(order, planned_shipment_date="не дата", comment="мой комментарий"),
    )
    assert refused.status_code == 422
    assert 'id="planned_shipment_date-error"' in refused.text
    assert "мой комментарий</textarea>" in refused.text
    db.expire_all()
    assert db.get(CustomerOrder, order.id).comment is None


def test_order_agreement_is_locked_after_draft(client: TestClient, db: Session):
    order = create_order(db, create_sales(db))
    assert post(client, f"/orders/{order.id}/submit").status_code == 303
    db.refresh(order)
    card = client.get(f"/orders/{order.id}").text
    # Past the draft the header form no longer offers the agreement …
    header_form = card.split('id="order-header"', 1)[1].split("</form>", 1)[0]
    assert 'name="agreement_id"' not in header_form and 'name="comment"' in header_form
    # … and a hand-made post of it is refused by the domain rule, beside the field.
    refused = post(client, f"/orders/{order.id}/edit", data=header(order, agreement_id=""))
    assert refused.status_code == 409
    assert 'data-field="agreement_id"' in refused.text
    assert "Условия меняются только в черновике" in refused.text
    ok = post(
        client,
        f"/orders/{order.id}/edit",
        data={"version": str(order.version), "comment": "после проведения"},
    )
    assert ok.status_code == 303
    db.expire_all()
    assert db.get(CustomerOrder, order.id).comment == "после проведения"


def test_order_line_edit_add_and_remove(client: TestClient, db: Session):
    sales = create_sales(db)
    order = create_order(db, sales, qty=4)
    line = order_line(db, order)
    card = client.get(f"/orders/{order.id}").text
    assert f'id="line-{line.id}-form"' in card and f'form="line-{line.id}-form"' in card
    edited = post(
        client,
        f"/orders/{order.id}/edit_line",
        data={
            "line_id": line.id,
            "version": line.version,
            "warehouse_id": sales.warehouse.id,
            "quantity": "3",
            "price": "95,50",
            "discount_percent": "2",
        },
    )
    assert edited.status_code == 303
    line = order_line(db, order)
    assert (line.quantity, line.price, line.discount_percent) == (
        Decimal(3),
        Decimal("95.50"),
        Decimal(2),
    )
    assert line.amount == Decimal("280.77")  # 3 × 95.50 × 0.98
    assert db.get(CustomerOrder, order.id).total_amount == Decimal("280.77")

    added = post(
        client,
        f"/orders/{order.id}/add_line",
        data={"product_id": sales.product.id, "warehouse_id": sales.warehouse.id, "quantity": "1"},
    )
    assert added.status_code == 303
    db.expire_all()
    first, second = orders.order_lines(db, order.id)
    assert second.line_number == 2 and second.price == Decimal("90.00")  # the agreement price

    removed = post(
        client,
        f"/orders/{order.id}/delete_line",
        data={"line_id": first.id, "version": first.version},
    )
    assert removed.status_code == 303
    db.expire_all()
    assert [row.id for row in orders.order_lines(db, order.id)] == [second.id]
    assert db.get(CustomerOrderLine, first.id).deleted_at is not None
    assert db.get(CustomerOrder, order.id).total_amount == Decimal("90.00")


def test_line_edit_error_is_shown_in_its_row(client: TestClient, db: Session):
    sales = create_sales(db)
    order = create_order(db, sales)
    line = order_line(db, order)
    refused = post(
        client,
        f"/orders/{order.id}/edit_line",
        data={"line_id": line.id, "version": line.version, "quantity": "0", "price": "77"},
    )
    assert refused.status_code == 422
    row = refused.text.split(f'id="line-{line.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'id="quantity-error"' in row and 'value="0"' in row and 'value="77"' in row
    # The add-line form stays blank: the typed values belong to the row.
    add_form = refused.text.split('id="add-line"', 1)[1].split("</form>", 1)[0]
    assert 'value="77"' not in add_form and "quantity-error" not in add_form
    assert order_line(db, order).quantity == Decimal(4)


def test_line_edit_on_shipped_order_is_refused_inline(client: TestClient, db: Session):
    sales = create_sales(db)
    order = create_order(db, sales, qty=2)
    ship_everything(client, db, order)
    line = order_line(db, order)
    card = client.get(f"/orders/{order.id}").text
    assert "/edit_line" not in card and 'id="order-header"' not in card
    refused = post(
        client,
        f"/orders/{order.id}/edit_line",
        data={"line_id": line.id, "version": line.version, "quantity": "1", "price": "1"},
    )
    assert refused.status_code == 409
    assert re.search(
        r'<p class="error banner" data-field="edit_line">Действие недоступно в статусе «shipped»',
        refused.text,
    )
    header_refused = post(
        client, f"/orders/{order.id}/edit", data={"version": order.version, "comment": "x"}
    )
    assert header_refused.status_code == 409 and 'data-field="edit"' in header_refused.text
    after = order_line(db, order)
    assert (after.quantity, after.price) == (Decimal(2), line.price)
    assert db.get(CustomerOrder, order.id).comment is None


def test_stale_order_header_edit_shows_what_changed(client: TestClient, db: Session):
    sales = create_sales(db)
    order = create_order(db, sales, planned_shipment_date=dt.date(2030, 1, 15))
    seen = header(order, planned_shipment_date="2030-01-15")  # the card as first loaded
    other = post(
        client, f"/orders/{order.id}/edit", data={**seen, "planned_shipment_date": "2030-02-01"}
    )
    assert other.status_code == 303
    mine = post(client, f"/orders/{order.id}/edit", data={**seen, "comment": "моя правка"})
    assert mine.status_code == 409
    assert "Запись изменил другой пользователь" in mine.text
    assert stale_row(mine.text, "planned_shipment_date") == ("2030-02-01", "2030-01-15")
    assert stale_row(mine.text, "comment") == ("", "моя правка")
    assert (
        'data-field="agreement_id"'
        not in mine.text.split('id="stale-changes"', 1)[1].split("</div>", 1)[0]
    )
    # What was typed is kept and the form now carries the current version: saving is deliberate.
    db.expire_all()
    stored = db.get(CustomerOrder, order.id)
    assert "моя правка</textarea>" in mine.text
    assert f'name="version" value="{stored.version}"' in mine.text
    assert stored.planned_shipment_date == dt.date(2030, 2, 1) and stored.comment is None


def test_stale_order_line_edit_shows_what_changed(client: TestClient, db: Session):
    sales = create_sales(db)
    order = create_order(db, sales, qty=4)
    line = order_line(db, order)
    seen = {
        "line_id": line.id,
        "version": line.version,
        "warehouse_id": sales.warehouse.id,
        "quantity": "4",
        "price": "90.00",
        "discount_percent": "0",
    }
    assert post(client, f"/orders/{order.id}/edit_line", data={**seen, "quantity": "6"}).is_redirect
    mine = post(client, f"/orders/{order.id}/edit_line", data={**seen, "price": "80"})
    assert mine.status_code == 409
    assert "Строка 1." in mine.text
    stored_qty, typed_qty = stale_row(mine.text, "quantity")
    assert Decimal(stored_qty) == 6 and typed_qty == "4"
    assert stale_row(mine.text, "price") == ("90.00", "80")
    assert 'data-field="warehouse_id"' not in mine.text  # unchanged, compared by value
    after = order_line(db, order)
    assert (after.quantity, after.price) == (Decimal(6), Decimal("90.00"))


# Commercial offer: header and lines while draft


def create_offer(client: TestClient, db: Session, sales) -> CommercialOffer:
    created = post(client, "/offers", data={"partner_id": sales.partner.id})
    assert created.status_code == 303
    url = created.headers["location"]
    assert post(
        client, f"{url}/add_line", data={"product_id": sales.product.id, "quantity": "2"}
    ).is_redirect
    db.expire_all()
    return db.get(CommercialOffer, int(url.rsplit("/", 1)[1]))


def test_offer_header_and_line_edit(client: TestClient, db: Session, classifiers: Classifiers):
    sales = create_sales(db)
    deal = create_random_deal(db, classifiers, partner_id=sales.partner.id)
    offer = create_offer(client, db, sales)
    base = f"/offers/{offer.id}"
    saved = post(
        client,
        f"{base}/edit",
        data={
            "version": offer.version,
            "agreement_id": sales.agreement.id,
            "deal_id": deal.id,
            "valid_until": "2031-12-31",
            "comment": "Цены на квартал",
        },
    )
    assert saved.status_code == 303
    db.expire_all()
    offer = db.get(CommercialOffer, offer.id)
    assert (offer.agreement_id, offer.deal_id, offer.valid_until, offer.comment) == (
        sales.agreement.id,
        deal.id,
        dt.date(2031, 12, 31),
        "Цены на квартал",
    )
    line = offers.offer_lines(db, offer.id)[0]
    edited = post(
        client,
        f"{base}/edit_line",
        data={
            "line_id": line.id,
            "version": line.version,
            "quantity": "3",
            "price": "100",
            "price_adjustment": "-10",
            "discount_percent": "5",
        },
    )
    assert edited.status_code == 303
    db.expire_all()
    line = db.get(CommercialOfferLine, line.id)
    assert line.amount == Decimal("256.50")  # 3 × (100 − 10) × 0.95
    assert db.get(CommercialOffer, offer.id).total_amount == Decimal("256.50")
    removed = post(client, f"{base}/delete_line", data={"line_id": line.id, "version": 1})
    assert removed.status_code == 409  # the line's version moved on: a stale delete
    assert db.get(CommercialOfferLine, line.id).deleted_at is None


def test_offer_edits_refused_once_sent(client: TestClient, db: Session):
    sales = create_sales(db)
    offer = create_offer(client, db, sales)
    line = offers.offer_lines(db, offer.id)[0]
    assert post(client, f"/offers/{offer.id}/send", data={"version": offer.version}).is_redirect
    card = client.get(f"/offers/{offer.id}").text
    assert "/edit_line" not in card and 'id="offer-header"' not in card
    refused = post(
        client,
        f"/offers/{offer.id}/edit_line",
        data={"line_id": line.id, "version": line.version, "quantity": "9"},
    )
    assert refused.status_code == 409 and 'data-field="edit_line"' in refused.text
    assert "Действие недоступно в статусе" in refused.text
    db.expire_all()
    assert db.get(CommercialOfferLine, line.id).quantity == Decimal(2)


def test_stale_offer_header_edit_shows_what_changed(client: TestClient, db: Session):
    sales = create_sales(db)
    offer = create_offer(client, db, sales)
    seen = {"version": offer.version, "agreement_id": "", "valid_until": "", "comment": ""}
    first = post(
        client, f"/offers/{offer.id}/edit", data={**seen, "agreement_id": sales.agreement.id}
    )
    assert first.status_code == 303
    mine = post(client, f"/offers/{offer.id}/edit", data={**seen, "valid_until": "2031-01-31"})
    assert mine.status_code == 409
    stored, typed = stale_row(mine.text, "agreement_id")
    assert sales.agreement.name in stored and typed == ""  # names, not ids
    assert stale_row(mine.text, "valid_until") == ("", "2031-01-31")


# The other edit forms of the sales and deal pages show the same table


def test_stale_product_agreement_and_deal_edits_show_what_changed(
    client: TestClient, db: Session, classifiers: Classifiers
):
    sales = create_sales(db)
    product = {"sku": sales.product.sku, "name": sales.product.name, "base_price": "100"}
    assert post(
        client,
        f"/products/{sales.product.id}/edit",
        data={**product, "version": sales.product.version, "base_price": "120"},
    ).is_redirect
    stale = post(
        client,
        f"/products/{sales.product.id}/edit",
        data={**product, "version": sales.product.version, "name": "Другое"},
    )
    assert stale.status_code == 409
    assert stale_row(stale.text, "base_price") == ("120.00", "100")
    assert stale_row(stale.text, "name") == (sales.product.name, "Другое")
    db.expire_all()
    assert db.get(Product, sales.product.id).name == sales.product.name

    agreement = sales.agreement
    typed = {
        "name": agreement.name,
        "kind": "typical",
        "price_type": agreement.price_type,
        "discount_percent": "10",
        "max_manual_discount_percent": "5",
        "prepayment_share": "30",
        "deferral_days": "14",
        "valid_from": "2020-01-01",
        "settlement_control": agreement.settlement_control,
    }
    url = f"/agreements/{agreement.id}/edit"
    assert post(
        client, url, data={**typed, "version": agreement.version, "deferral_days": "30"}
    ).is_redirect
    stale = post(client, url, data={**typed, "version": agreement.version, "name": "Переименовано"})
    assert stale.status_code == 409
    assert stale_row(stale.text, "deferral_days") == ("30", "14")
    assert 'data-field="discount_percent"' not in stale.text  # 10.00 == "10"
    db.expire_all()
    assert db.get(Agreement, agreement.id).name == agreement.name

    deal = create_random_deal(db, classifiers)
    seen = {"version": 1, "name": deal.name, "potential_amount": "150 000,00", "probability": "0"}
    assert post(client, f"/deals/{deal.id}/edit", data={**seen, "probability": "40"}).is_redirect
    stale = post(client, f"/deals/{deal.id}/edit", data={**seen, "name": "Переименована"})
    assert stale.status_code == 409
    assert stale_row(stale.text, "probability") == ("40", "0")
    assert 'data-field="potential_amount"' not in stale.text
    db.expire_all()
    assert db.get(Deal, deal.id).name == deal.name


def test_status_refusal_is_not_shown_as_a_stale_edit(client: TestClient, db: Session):
    order = create_order(db, create_sales(db), qty=1)
    ship_everything(client, db, order)
    refused = post(
        client, f"/orders/{order.id}/edit", data={"version": order.version, "comment": "x"}
    )
    assert refused.status_code == 409 and 'id="stale-changes"' not in refused.text


# Money on the pages


def test_format_money_ru_and_en():
    assert format_money(Decimal("12345.6")) == f"12{NBSP}345,60"
    assert format_money(Decimal("12345.6"), "ru") == f"12{NBSP}345,60"
    assert format_money(Decimal("12345.6"), "en") == "12,345.60"
    assert format_money(Decimal("1234567.005"), "ru") == f"1{NBSP}234{NBSP}567,01"
    assert format_money(Decimal("-80"), "ru") == "-80,00"
    assert format_money(Decimal("0"), "en") == "0.00"
    assert format_money(999.999, "en") == "1,000.00"
    assert format_money(None) == ""


def test_money_on_pages_in_russian_and_english(
    client: TestClient, client_en: TestClient, db: Session
):
    sales = create_sales(db)
    priced = post(
        client, "/products", data={"sku": "BIG-1", "name": "Дорогой товар", "base_price": "12345,6"}
    )
    assert priced.status_code == 303
    ru = client.get("/products", params={"q": "BIG-1"}).text
    assert f'<td class="num">12{NBSP}345,60</td>' in ru and "12345.60" not in ru
    en = client_en.get("/products", params={"q": "BIG-1"}).text
    assert '<td class="num">12,345.60</td>' in en

    order = create_order(db, sales, qty=150)  # 150 × 90.00 = 13 500.00
    card = client.get(f"/orders/{order.id}").text
    assert f'id="total-amount">13{NBSP}500,00<' in card
    orders_list = client.get("/orders").text
    assert f"13{NBSP}500,00" in orders_list
    assert 'id="total-amount">13,500.00<' in client_en.get(f"/orders/{order.id}").text
