"""The seeded invoices (issue 25): a realistic share of orders invoiced, numbers 1..N per
organization and year, amounts within the order and made of their lines, VAT at the rate of the
issue date, matched payments that never exceed the invoice or the payment, statuses that follow
the matched sums — and a seeded invoice prints with a QR code a banking app decodes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from operational_app.db.models import Invoice
from operational_app.print_forms import payment_qr
from operational_app.print_forms.invoice import invoice_form, render_invoice
from operational_app.seed import Scale, seed_database

AS_OF = dt.date(2026, 11, 26)
SMALL = Scale(deals=3_000, partners=300, managers=6, operators=2)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    url = f"sqlite:///{tmp_path_factory.mktemp('invoices') / 'seed.db'}"
    seed_database(url, SMALL, seed=7, as_of=AS_OF)
    engine = create_engine(url)
    yield engine
    engine.dispose()


def _rows(engine: Engine, sql: str) -> list:
    with engine.connect() as connection:
        return connection.execute(text(sql)).all()


def test_a_realistic_share_of_orders_is_invoiced_in_every_status(seeded: Engine) -> None:
    ((orders, invoiced),) = _rows(
        seeded,
        "select count(*), count(distinct i.customer_order_id) from customer_orders o "
        "left join invoices i on i.customer_order_id = o.id",
    )
    assert 0.5 < invoiced / orders < 0.95
    statuses = dict(_rows(seeded, "select status, count(*) from invoices group by 1"))
    assert set(statuses) == {"issued", "partly_paid", "paid", "cancelled"}
    overdue = _rows(
        seeded, f"select count(*) from invoices where status = 'issued' and due_date < '{AS_OF}'"
    )
    assert overdue[0][0] > 0


def test_numbers_run_without_gaps_per_organization_and_year(seeded: Engine) -> None:
    for organization, year, low, high, count in _rows(
        seeded,
        "select organization_id, fiscal_year, min(sequence_number), max(sequence_number), "
        "count(*) from invoices group by 1, 2",
    ):
        assert (low, high) == (1, count), (organization, year)
    assert _rows(
        seeded,
        "select count(*) from invoices where cast(strftime('%Y', issued_on) as int) "
        "<> fiscal_year or due_date < issued_on",
    ) == [(0,)]


def test_amounts_lines_and_vat(seeded: Engine) -> None:
    assert (
        _rows(
            seeded,
            "select o.id from customer_orders o join invoices i on i.customer_order_id = o.id "
            "group by o.id, o.total_amount having sum(i.amount) > o.total_amount + 0.005",
        )
        == []
    )
    assert (
        _rows(
            seeded,
            "select i.id from invoices i join invoice_lines l on l.invoice_id = i.id "
            "group by i.id, i.amount, i.vat_amount "
            "having abs(sum(l.amount) - i.amount) > 0.005 "
            "or abs(sum(l.vat_amount) - i.vat_amount) > 0.005",
        )
        == []
    )
    rates = {
        (year >= 2026, kind, float(rate))
        for year, kind, rate in _rows(
            seeded,
            "select cast(strftime('%Y', i.issued_on) as int), coalesce(p.vat_kind, 'share'), "
            "l.vat_rate from invoice_lines l join invoices i on i.id = l.invoice_id "
            "left join products p on p.id = l.product_id",
        )
    }
    assert (False, "general", 20.0) in rates and (True, "general", 22.0) in rates
    assert (True, "general", 20.0) not in rates and (False, "general", 22.0) not in rates
    assert {rate for _, kind, rate in rates if kind == "reduced"} == {10.0}


def test_matches_respect_invoices_and_payments_and_set_the_status(seeded: Engine) -> None:
    over_invoice = _rows(
        seeded,
        "select i.id from invoices i join invoice_payments m on m.invoice_id = i.id "
        "group by i.id, i.amount having sum(m.amount) > i.amount + 0.005",
    )
    over_payment = _rows(
        seeded,
        "select p.id from payments p join invoice_payments m on m.payment_id = p.id "
        "join invoices i on i.id = m.invoice_id "
        "group by p.id, p.amount having sum(m.amount) > p.amount + 0.005 "
        "or min(i.customer_order_id) <> max(p.customer_order_id)",
    )
    assert over_invoice == [] and over_payment == []
    wrong_status = _rows(
        seeded,
        "select i.id, i.status, coalesce(sum(m.amount), 0) from invoices i "
        "left join invoice_payments m on m.invoice_id = i.id group by i.id, i.status, i.amount "
        "having case when i.status = 'cancelled' then coalesce(sum(m.amount), 0) <> 0 "
        "when i.status = 'paid' then coalesce(sum(m.amount), 0) < i.amount - 0.005 "
        "when i.status = 'partly_paid' then coalesce(sum(m.amount), 0) not between 0.005 "
        "and i.amount - 0.005 else coalesce(sum(m.amount), 0) <> 0 end",
    )
    assert wrong_status == []


def test_a_seeded_invoice_prints_with_a_scannable_qr_code(seeded: Engine) -> None:
    with Session(seeded) as session:
        invoice = session.query(Invoice).filter(Invoice.status == "issued").first()
        pdf = render_invoice(invoice_form(session, invoice))
        amount = Decimal(invoice.amount)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    (image,) = page.images
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)).convert("L"))
    fields = payment_qr.parse(code.text)
    assert int(fields["Sum"]) == int(amount * 100)
    assert fields["PersonalAcc"].startswith("40702810") and len(fields["BIC"]) == 9
    assert "Банк получателя" in page.extract_text()
