"""Numbers, dates and references on the operator pages, the way the operator's language writes
them: no `971.000`, `5.00`, `UTC` or bare ids in front of a Russian operator."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app.db.models import Deal
from operational_app.domain import deals as deal_service
from operational_app.domain import orders as order_service
from operational_app.web import formatting as fmt
from tests.operational_app.utils.factories import Classifiers, create_random_deal
from tests.operational_app.utils.sales import create_order, create_sales

NBSP = "\u00a0"
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("value", "ru", "en"),
    [
        (Decimal("971.000"), "971", "971"),
        (Decimal("2.500"), "2,5", "2.5"),
        (Decimal("12000"), f"12{NBSP}000", "12,000"),
        (Decimal("1E+3"), f"1{NBSP}000", "1,000"),
        (Decimal("0.000"), "0", "0"),
        (None, "", ""),
    ],
)
def test_quantity(value: Decimal | None, ru: str, en: str):
    assert fmt.format_quantity(value, "ru") == ru
    assert fmt.format_quantity(value, "en") == en


def test_percent_money_and_inputs():
    assert fmt.format_percent(Decimal("5.00"), "ru") == f"5{NBSP}%"
    assert fmt.format_percent(Decimal("12.50"), "ru") == f"12,5{NBSP}%"
    assert fmt.format_percent(30, "en") == "30%"
    assert fmt.format_money(Decimal("21653800"), "ru") == f"21{NBSP}653{NBSP}800,00"
    assert fmt.format_money(Decimal("85637.505"), "en") == "85,637.51"
    assert fmt.format_input_number(Decimal("971.000"), "ru") == "971"
    assert fmt.format_input_number(Decimal("1500.50"), "ru", decimals=2) == "1500,50"
    assert fmt.format_input_number(Decimal("1500.50"), "en", decimals=2) == "1500.50"


def test_times_are_local_and_never_say_utc():
    stored = dt.datetime(2026, 12, 7, 11, 5)  # naive UTC, as every stored moment
    assert fmt.format_datetime(stored, "ru", MOSCOW) == "07.12.2026 14:05"
    assert fmt.format_datetime(stored, "en", MOSCOW) == "2026-12-07 14:05"
    # Late evening UTC is already the next day in Moscow.
    assert fmt.format_date(dt.datetime(2026, 12, 31, 22, 30), "ru", MOSCOW) == "01.01.2027"
    assert fmt.format_date(dt.date(2026, 6, 30), "ru") == "30.06.2026"
    assert fmt.format_datetime(None) == "" and fmt.format_date(None) == ""
    # Another configured zone moves the clock, an unknown one falls back to Moscow.
    assert fmt.format_datetime(stored, "ru", fmt.local_zone("Asia/Yekaterinburg")) == (
        "07.12.2026 16:05"
    )
    assert fmt.local_zone("Mars/Olympus") == MOSCOW


def test_local_input_round_trip():
    stored = dt.datetime(2026, 7, 1, 7, 0)
    assert fmt.local_input(stored, MOSCOW) == "2026-07-01T10:00"
    typed = fmt.parse_local_input("2026-07-01T10:00", MOSCOW)
    assert dt.datetime.fromisoformat(typed).astimezone(dt.UTC).replace(tzinfo=None) == stored
    assert fmt.parse_local_input("не дата", MOSCOW) == "не дата"


def test_order_card_in_russian(client: TestClient, db: Session):
    sales = create_sales(db, stock=2000)
    order = create_order(db, sales, qty="971", discount="5")
    order.ordered_at = dt.datetime(2026, 12, 7, 11, 5)
    db.commit()
    html = client.get(f"/orders/{order.id}").text
    lines = re.search(r'<table class="list" id="lines">.*?</table>', html, re.S).group(0)
    assert "971.000" not in lines and "5.00" not in lines
    # Draft lines are inputs: the typed form of the numbers, Russian decimal comma.
    assert 'name="quantity" form="line-' in lines and 'value="971"' in lines
    assert 'value="90,00"' in lines  # 100.00 less the agreement's 10 %
    assert "07.12.2026 14:05" in html and "2026-12-07" not in html and "UTC" not in html
    order_service.submit_order(db, order, expected_version=order.version)
    db.commit()
    read_only = client.get(f"/orders/{order.id}").text
    lines = re.search(r'<table class="list" id="lines">.*?</table>', read_only, re.S).group(0)
    assert re.search(r'<td class="num">971</td>', lines)
    assert f'<td class="num">5{NBSP}%</td>' in lines
    assert "971.000" not in read_only


def test_deal_card_dates_probability_and_who_changed_the_stage(
    client: TestClient, db: Session, classifiers: Classifiers
):
    deal = create_random_deal(db, classifiers, probability=40, user_id=classifiers.manager.id)
    deal.created_at = dt.datetime(2026, 3, 2, 21, 30)
    deal.planned_close_date = dt.date(2026, 4, 15)
    db.commit()
    deal_service.advance_deal(
        db,
        deal.id,
        classifiers.stages[1].id,
        expected_version=deal.version,
        user_id=classifiers.other_manager.id,
    )
    db.commit()
    html = client.get(f"/deals/{deal.id}").text
    assert "03.03.2026 00:30" in html  # 21:30 UTC is after midnight in Moscow
    assert "15.04.2026" in html and f"40{NBSP}%" in html
    attributes = re.search(r'<dl class="attrs">.*?</dl>', html, re.S).group(0)
    # (the edit form's date input keeps ISO: that is what type="date" takes)
    assert "UTC" not in html and "2026-04-15" not in attributes
    history = re.search(r'<table class="list" id="history">.*?</table>', html, re.S).group(0)
    assert "<th>Кто изменил</th>" in history
    assert classifiers.other_manager.full_name in history


def test_references_are_names_with_links(client: TestClient, db: Session, classifiers: Classifiers):
    sales = create_sales(db)
    deal = create_random_deal(db, classifiers, partner_id=sales.partner.id)
    order = create_order(db, sales, deal_id=deal.id)
    html = client.get(f"/orders/{order.id}").text
    assert re.search(
        rf'<a href="/deals/{deal.id}">{re.escape(deal.number)} {re.escape(deal.name)}</a>', html
    )
    assert f'<a href="/deals/{deal.id}">{deal.id}</a>' not in html
    deals = client.get("/deals").text
    assert f'<a href="/partners/{sales.partner.id}">{sales.partner.name}</a>' in deals
    assert db.get(Deal, deal.id) is not None


def test_order_card_in_english(client_en: TestClient, db: Session):
    sales = create_sales(db, stock=20000)
    order = create_order(db, sales, qty="12000", discount="2.5")
    order.ordered_at = dt.datetime(2026, 12, 7, 11, 5)
    db.commit()
    order_service.submit_order(db, order, expected_version=order.version)
    db.commit()
    html = client_en.get(f"/orders/{order.id}").text
    lines = re.search(r'<table class="list" id="lines">.*?</table>', html, re.S).group(0)
    assert '<td class="num">12,000</td>' in lines and '<td class="num">2.5%</td>' in lines
    assert f'<a href="/products/{sales.product.id}">{sales.product.name}</a>' in lines
    assert "2026-12-07 14:05" in html and "UTC" not in html
