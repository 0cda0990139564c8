"""Price tags: EAN-13 bars decode back to the code, the unit price follows ГОСТ 8.579-2019
п. 11.1 (per 100 g/ml up to 250, per 1 kg/l above), and the PDF carries the tags' text."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from operational_app.print_forms.price_tags import (
    SMALL,
    STANDARD,
    PriceTag,
    ean13_modules,
    render_price_tags,
    unit_price,
)
from operational_app.seed.retail import ean13

# The EAN-13 digit encodings (GS1 General Specifications, table of number sets A/B/C).
SET_A = ["0001101", "0011001", "0010011", "0111101", "0100011",
         "0110001", "0101111", "0111011", "0110111", "0001011"]  # fmt: skip
FIRST_DIGIT = ["AAAAAA", "AABABB", "AABBAB", "AABBBA", "ABAABB",
               "ABBAAB", "ABBBAA", "ABABAB", "ABABBA", "ABBABA"]  # fmt: skip


def _decode(modules: str) -> str:
    set_c = ["".join("1" if bit == "0" else "0" for bit in code) for code in SET_A]
    set_b = [code[::-1] for code in set_c]
    assert len(modules) == 95
    assert modules[:3] == modules[-3:] == "101" and modules[45:50] == "01010"
    left = [modules[3 + 7 * i : 10 + 7 * i] for i in range(6)]
    right = [modules[50 + 7 * i : 57 + 7 * i] for i in range(6)]
    digits, sets = "", ""
    for group in left:
        if group in SET_A:
            digits, sets = digits + str(SET_A.index(group)), sets + "A"
        else:
            digits, sets = digits + str(set_b.index(group)), sets + "B"
    return str(FIRST_DIGIT.index(sets)) + digits + "".join(str(set_c.index(g)) for g in right)


@pytest.mark.parametrize("body", [460_000_000_000, 460_000_007_919, 4_006_381_333_93, 9])
def test_ean13_bars_decode_back(body: int) -> None:
    code = ean13(body)
    assert _decode(ean13_modules(code)) == code


def test_invalid_barcode_is_refused() -> None:
    with pytest.raises(ValueError, match="EAN-13"):
        ean13_modules("4600000000018")  # wrong check digit


@pytest.mark.parametrize(
    ("quantity", "measure", "expected"),
    [
        (900, "ml", (Decimal("102.22"), "за 1 л")),
        (250, "g", (Decimal("36.80"), "за 100 г")),
        (251, "g", (Decimal("366.53"), "за 1 кг")),
        (5, "g", None),  # below 10 g: not required
        (None, None, None),  # sold by the item
    ],
)
def test_unit_price_follows_the_standard(
    quantity: float | None, measure: str | None, expected: tuple[Decimal, str] | None
) -> None:
    tag = PriceTag("Товар", Decimal(92), net_quantity=quantity, measure=measure)  # type: ignore[arg-type]
    assert unit_price(tag) == expected


def test_pdf_holds_every_tag_on_as_many_pages_as_the_grid_needs() -> None:
    tags = [
        PriceTag(
            f"Кефир 1% 0,9 л №{number}",
            Decimal("92.00"),
            old_price=Decimal("110.00"),
            barcode=ean13(460_000_000_000 + number),
            net_quantity=900,
            measure="ml",
        )
        for number in range(30)
    ]
    reader = PdfReader(io.BytesIO(render_price_tags(tags, STANDARD)))
    assert len(reader.pages) == 2  # 3 columns × 7 rows on A4
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Кефир 1% 0,9 л №29" in text
    assert "92,00 ₽" in text and "110,00 ₽" in text
    assert "102,22 ₽ за 1 л" in text
    assert ean13(460_000_000_029) in text
    small = PdfReader(io.BytesIO(render_price_tags(tags[:2], SMALL)))
    small_text = small.pages[0].extract_text()
    assert "92,00 ₽" in small_text and ean13(460_000_000_001) not in small_text
    assert "110,00 ₽" not in small_text  # the small template shows no old price
    assert "102,22 ₽ за 1 л" in small_text  # the unit price the law requires: always


def test_goods_sold_by_weight_are_priced_per_kilogram() -> None:
    tag = PriceTag("Яблоки", Decimal("129.9"), unit="кг")
    assert unit_price(tag) == (Decimal("129.90"), "за 1 кг")
    assert unit_price(PriceTag("Пакет", Decimal(5))) is None
