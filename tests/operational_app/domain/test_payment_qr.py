"""The ГОСТ Р 56042-2014 payload (issue 25): the service block ST00012 (version 0001, UTF-8),
the mandatory requisites first in the standard's order, the sum in kopecks, no separator inside
a value; and the PNG decodes back to the same text."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from operational_app.print_forms import payment_qr

REQUISITES = payment_qr.PaymentRequisites(
    name="ООО «Ромашка»",
    personal_account="40702810938000012345",
    bank_name="ПАО СБЕРБАНК",
    bic="044525225",
    correspondent_account="30101810400000000225",
    payee_inn="7707083893",
    kpp="773601001",
    purpose="Оплата по счету № СЧ-000001 | в т.ч. НДС",
    amount=Decimal("1234.56"),
)


def test_payload_order_and_sum_in_kopecks():
    text = payment_qr.payload(REQUISITES)
    keys = [part.split("=", 1)[0] for part in text.split("|")]
    assert keys == [
        "ST00012",
        "Name",
        "PersonalAcc",
        "BankName",
        "BIC",
        "CorrespAcc",
        "PayeeINN",
        "KPP",
        "Purpose",
        "Sum",
    ]
    fields = payment_qr.parse(text)
    assert fields["Sum"] == "123456"
    assert "|" not in fields["Purpose"]


def test_a_bank_without_correspondent_account_gets_zero():
    fields = payment_qr.parse(payment_qr.payload(replace(REQUISITES, correspondent_account="")))
    assert fields["CorrespAcc"] == "0"


@pytest.mark.parametrize(
    ("field", "value"),
    [("personal_account", "4070281093800001234"), ("bic", "04452522X"), ("amount", Decimal(0))],
)
def test_requisites_the_standard_refuses(field: str, value):
    with pytest.raises(ValueError):
        payment_qr.payload(replace(REQUISITES, **{field: value}))


def test_the_png_decodes_to_the_payload():
    text = payment_qr.payload(REQUISITES)
    image = Image.open(io.BytesIO(payment_qr.png(text))).convert("L")
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [text]
