"""Счета на оплату (issue 25): issued from an order with a prepayment schedule, printed as PDF
with the requisites, VAT, the total in words and a ГОСТ Р 56042-2014 QR code a banking app
decodes; numbered per organization and year; matched with payments."""

from __future__ import annotations

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import delete
from sqlalchemy.orm import Session

from operational_app.db.models import DocumentCounter
from operational_app.domain import invoices as service
from operational_app.domain import orders, organizations, products
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed
from operational_app.print_forms import payment_qr
from operational_app.print_forms.invoice import invoice_form, render_invoice
from tests.operational_app.utils.invoices import ORGANIZATION, create_invoice_world

ISSUED_ON = dt.date(2026, 3, 2)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _qr_texts(pdf: bytes) -> list[str]:
    """Decode every QR code in the PDF's images, as a banking app reads the printed one."""
    texts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            texts.extend(code.text for code in zxingcpp.read_barcodes(picture))
    return texts


def _flat(text: str) -> str:
    """PDF text with its line breaks and non-breaking spaces as plain spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


def _schedule(db: Session, order) -> dict[str, object]:
    return {item.kind: item for item in orders.payment_schedule(db, order.id)}


def test_prepayment_invoice_prints_requisites_totals_words_and_a_scannable_qr(db: Session):
    world = create_invoice_world(db)
    schedule = _schedule(db, world.order)
    prepayment = schedule["prepayment"]
    # 7 units at 100.00 less the agreement's 10%: 630.00, of which 30% is due before shipping.
    assert Decimal(world.order.total_amount) == Decimal("630.00")
    assert Decimal(prepayment.amount) == Decimal("189.00")

    invoice = service.issue_invoice(
        db, world.order, payment_schedule_item_id=prepayment.id, issued_on=ISSUED_ON
    )
    db.commit()

    assert invoice.kind == "prepayment"
    assert invoice.status == "issued"
    assert invoice.sequence_number == 1 and invoice.fiscal_year == 2026
    assert Decimal(invoice.amount) == Decimal("189.00")
    assert invoice.due_date == ISSUED_ON
    # 22% in 2026, included in the amount: 189 × 22 / 122.
    expected_vat = (Decimal(189) * 22 / 122).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert Decimal(invoice.vat_amount) == expected_vat == Decimal("34.08")

    pdf = render_invoice(invoice_form(db, invoice))
    assert pdf.startswith(b"%PDF")
    text = _flat(_pdf_text(pdf))
    assert f"Счет на оплату № {invoice.number} от 2 марта 2026 г." in text
    for requisite in (
        ORGANIZATION["bank_name"],
        ORGANIZATION["bank_bik"],
        ORGANIZATION["settlement_account"],
        ORGANIZATION["correspondent_account"],
        f"ИНН {ORGANIZATION['inn']}",
        f"КПП {ORGANIZATION['kpp']}",
        "Банк получателя",
        "Получатель",
        f"ООО «Клиент», ИНН 7736207543, КПП {world.counterparty.kpp}",
        f"Заказ клиента № {world.order.number} от 02.03.2026",
        f"Предварительная оплата по заказу клиента № {world.order.number}",
    ):
        assert requisite in text, requisite
    assert "Итого: 189,00" in text
    assert "В том числе НДС (22%): 34,08" in text
    assert "Всего к оплате: 189,00" in text
    assert "Всего наименований 1, на сумму 189,00 руб." in text
    assert "Сто восемьдесят девять рублей 00 копеек" in text
    assert "Оплатить не позднее 02.03.2026" in text
    assert "Руководитель" in text and "Бухгалтер" in text and "М.П." in text
    assert ORGANIZATION["director_name"] in text

    decoded = _qr_texts(pdf)
    assert len(decoded) == 1
    fields = payment_qr.parse(decoded[0])
    assert decoded[0].startswith("ST00012|Name=")
    assert fields == {
        "Name": ORGANIZATION["name"],
        "PersonalAcc": ORGANIZATION["settlement_account"],
        "BankName": ORGANIZATION["bank_name"],
        "BIC": ORGANIZATION["bank_bik"],
        "CorrespAcc": ORGANIZATION["correspondent_account"],
        "PayeeINN": ORGANIZATION["inn"],
        "KPP": ORGANIZATION["kpp"],
        "Purpose": invoice.purpose,
        "Sum": "18900",
    }
    assert invoice.number in fields["Purpose"] and "НДС 34.08" in fields["Purpose"]


def test_the_rest_of_the_order_is_invoiced_next_with_the_next_number(db: Session):
    world = create_invoice_world(db)
    schedule = _schedule(db, world.order)
    first = service.issue_invoice(
        db, world.order, payment_schedule_item_id=schedule["prepayment"].id, issued_on=ISSUED_ON
    )
    rest = service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    assert (first.sequence_number, rest.sequence_number) == (1, 2)
    assert Decimal(rest.amount) == Decimal("441.00")
    # Due when the schedule's last item is: the agreement's 14 days of deferral.
    assert rest.due_date == dt.date(2026, 3, 16)
    lines = service.invoice_lines(db, rest.id)
    assert [Decimal(line.amount) for line in lines] == [Decimal("441.00")]
    assert [Decimal(line.vat_rate) for line in lines] == [Decimal(22)]
    # Nothing is left to ask for, and the prepayment item cannot be invoiced twice.
    with pytest.raises(TransitionNotAllowed) as refused:
        service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    assert refused.value.rule == "invoice.nothing_to_invoice"
    with pytest.raises(TransitionNotAllowed) as twice:
        service.issue_invoice(db, world.order, payment_schedule_item_id=schedule["prepayment"].id)
    assert twice.value.rule == "invoice.schedule_item_invoiced"


def test_a_whole_order_invoice_lists_the_goods(db: Session):
    world = create_invoice_world(db)
    invoice = service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    (line,) = service.invoice_lines(db, invoice.id)
    assert line.product_id == world.sales.product.id
    assert (Decimal(line.quantity), Decimal(line.price)) == (Decimal(7), Decimal("90.00"))
    assert Decimal(invoice.amount) == Decimal("630.00")
    text = _flat(_pdf_text(render_invoice(invoice_form(db, invoice))))
    assert world.sales.product.name in text
    assert "Шестьсот тридцать рублей 00 копеек" in text


@pytest.mark.parametrize(
    ("issued_on", "rate"),
    [(dt.date(2025, 12, 31), Decimal(20)), (dt.date(2026, 1, 1), Decimal(22))],
)
def test_vat_rate_follows_the_issue_date(db: Session, issued_on: dt.date, rate: Decimal):
    world = create_invoice_world(db, ordered_at=dt.datetime(2025, 12, 30, 9, 0))
    invoice = service.issue_invoice(db, world.order, issued_on=issued_on)
    (line,) = service.invoice_lines(db, invoice.id)
    assert Decimal(line.vat_rate) == rate
    expected = (Decimal("630.00") * rate / (100 + rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert Decimal(invoice.vat_amount) == expected


def test_exempt_goods_and_an_organization_without_vat_print_bez_nds(db: Session):
    world = create_invoice_world(db)
    products.update_product(db, world.sales.product, {"vat_kind": "exempt"})
    invoice = service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    assert Decimal(invoice.vat_amount) == 0
    text = _flat(_pdf_text(render_invoice(invoice_form(db, invoice))))
    assert "Без НДС" in text and "В том числе НДС" not in text

    other = create_invoice_world(db)
    organizations.update_organization(db, other.organization, {"is_vat_payer": False})
    products.update_product(db, other.sales.product, {"vat_kind": "general"})
    invoice = service.issue_invoice(db, other.order, issued_on=ISSUED_ON)
    (line,) = service.invoice_lines(db, invoice.id)
    assert line.vat_rate is None and Decimal(invoice.vat_amount) == 0
    assert "Без НДС" in invoice.purpose


def test_numbers_run_per_organization_and_year(db: Session):
    world = create_invoice_world(db)
    second = create_invoice_world(db)
    a = service.issue_invoice(db, world.order, issued_on=dt.date(2026, 12, 30))
    b = service.issue_invoice(db, second.order, issued_on=dt.date(2027, 1, 11))
    other_org = organizations.create_organization(
        db,
        {
            **ORGANIZATION,
            "name": "ООО «Ромашка-Юг»",
            "inn": "7710140679",
            "kpp": "771301001",
        },
    )
    third = create_invoice_world(db)
    orders.cancel_order(db, third.order)
    db.flush()
    fourth = create_invoice_world(db)
    fourth.order.organization_id = other_org.id
    c = service.issue_invoice(db, fourth.order, issued_on=dt.date(2027, 1, 11))
    assert (a.fiscal_year, a.sequence_number) == (2026, 1)
    assert (b.fiscal_year, b.sequence_number) == (2027, 1)
    assert (c.organization_id, c.fiscal_year, c.sequence_number) == (other_org.id, 2027, 1)


def test_payments_move_the_status_and_a_paid_invoice_is_not_cancelled(db: Session):
    world = create_invoice_world(db)
    schedule = _schedule(db, world.order)
    prepay = service.issue_invoice(
        db, world.order, payment_schedule_item_id=schedule["prepayment"].id, issued_on=ISSUED_ON
    )
    rest = service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    first = orders.record_payment(db, world.order, "100.00", paid_at=dt.datetime(2026, 3, 3))
    service.match_payment(db, prepay, first.id)
    assert prepay.status == "partly_paid"
    second = orders.record_payment(db, world.order, "300.00", paid_at=dt.datetime(2026, 3, 5))
    matches = service.match_order_payments(db, world.order)
    # 89.00 completes the prepayment invoice, the other 211.00 goes to the rest.
    assert [Decimal(match.amount) for match in matches] == [Decimal("89.00"), Decimal("211.00")]
    assert {match.payment_id for match in matches} == {second.id}
    assert prepay.status == "paid" and rest.status == "partly_paid"
    assert service.invoice_totals(db, rest).outstanding == Decimal("230.00")
    with pytest.raises(TransitionNotAllowed):
        service.cancel_invoice(db, prepay)
    with pytest.raises(ValidationFailed) as too_much:
        service.match_payment(db, rest, first.id, Decimal("1.00"))
    assert too_much.value.rule == "invoice.match_amount"


def test_a_cancelled_invoice_keeps_its_number_and_frees_the_amount(db: Session):
    world = create_invoice_world(db)
    first = service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    service.cancel_invoice(db, first)
    again = service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    assert first.status == "cancelled" and first.number != again.number
    assert again.sequence_number == first.sequence_number + 1


def test_an_organization_without_bank_requisites_cannot_invoice(db: Session):
    world = create_invoice_world(db)
    organizations.update_organization(db, world.organization, {"settlement_account": None})
    with pytest.raises(ValidationFailed) as refused:
        service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    assert refused.value.rule == "invoice.requisites_missing"


def test_a_draft_order_is_not_invoiced(db: Session):
    world = create_invoice_world(db)
    orders.return_to_draft(db, world.order) if world.order.status == "on_approval" else None
    world.order.status = "draft"
    with pytest.raises(TransitionNotAllowed) as refused:
        service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    assert refused.value.rule == "invoice.order_status"


def test_numbers_continue_after_invoices_written_without_the_counter(db: Session):
    """The demo seed writes invoices straight into the table: the series continues after them."""
    world = create_invoice_world(db)
    first = service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    first.sequence_number = 41
    first.number = service.format_number(41)
    db.flush()
    db.execute(delete(DocumentCounter))
    other = create_invoice_world(db)
    assert service.issue_invoice(db, other.order, issued_on=ISSUED_ON).sequence_number == 42


def test_an_invoice_still_prints_when_the_requisites_no_longer_fit_the_qr_standard(db: Session):
    world = create_invoice_world(db)
    invoice = service.issue_invoice(db, world.order, issued_on=ISSUED_ON)
    world.organization.settlement_account = "4070281"  # edited after issuing, not via the form
    form = invoice_form(db, invoice)
    assert form.qr_payload == ""
    pdf = render_invoice(form)
    assert _qr_texts(pdf) == [] and "Итого: 630,00" in _flat(_pdf_text(pdf))
