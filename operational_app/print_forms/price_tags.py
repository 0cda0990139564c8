"""Price tags (ценники) for a chosen set of products, as one printable A4 PDF (issue 21).

A template (a row of price_tag_templates, edited by operators) says how many tags a page holds
(columns × rows) and which optional fields a tag shows: the old price struck through (a
markdown) and the barcode (EAN-13, drawn as bars). The name, the price and the unit price are
always printed where they apply: the Правила продажи товаров по договору розничной купли-продажи
(Постановление Правительства РФ от 31.12.2020 № 2463, п. 19) require every tag to name the goods
and state the price per item or per unit of measure (weight, net mass, length); for packaged
goods of 10 g (ml) to 10 kg (l) — food, pet food, cosmetics, detergents, paints, glues, solvents,
oils — ГОСТ 8.579-2019 п. 11.1 sets the unit: per 100 g (ml) up to 250 g (ml) of net quantity,
per 1 kg (l) above. Goods sold by weight (unit кг or л) are priced per kg (l) already, which
the tag says.

    pdf = render_price_tags([PriceTag("Кефир 1% 0,9 л", Decimal("92"), net_quantity=900,
                                      measure="ml", barcode="4600000000015")], STANDARD)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

from operational_app.print_forms.document import Document

# EAN-13: the first digit picks the parity pattern of the left six digits (L or G code).
_PARITY: Final = (
    "LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
    "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL",
)  # fmt: skip
_L_CODES: Final = (
    "0001101", "0011001", "0010011", "0111101", "0100011",
    "0110001", "0101111", "0111011", "0110111", "0001011",
)  # fmt: skip
UNIT_PRICE_MIN: Final = 10  # g or ml
UNIT_PRICE_MAX: Final = 10_000
PER_100_MAX: Final = 250
# Units of sale that mean goods sold by weight or volume: the price is per this unit already.
WEIGHED_UNITS: Final = {"кг": "за 1 кг", "л": "за 1 л", "kg": "за 1 кг", "l": "за 1 л"}


@dataclass(frozen=True)
class PriceTagTemplate:
    """A tag layout: tags per A4 page (columns × rows) and the optional fields it prints."""

    name: str
    columns: int
    rows: int
    show_old_price: bool = True
    show_barcode: bool = True


# A tag needs this height for a barcode under the price (see _draw); the domain refuses a
# template with a barcode and more rows than leave it.
MIN_BARCODE_HEIGHT: Final = 3.0
PAGE_ROWS_HEIGHT: Final = 297 - 2 * 8  # A4 less the document's margins, mm


def barcode_fits(rows: int) -> bool:
    height = PAGE_ROWS_HEIGHT / rows
    return height - 2.0 - 3 - (0.45 * height + 11.0) >= MIN_BARCODE_HEIGHT


# The two templates migration 0016 seeds, for callers without a database (tests, benchmarks).
STANDARD: Final = PriceTagTemplate("Стандартный 3×7", 3, 7)
SMALL: Final = PriceTagTemplate(
    "Малый 4×10, без штрихкода", 4, 10, show_old_price=False, show_barcode=False
)


@dataclass(frozen=True)
class PriceTag:
    """One product's tag. `net_quantity` in grams or millilitres (`measure` g | ml) for
    packaged goods whose unit price the law requires; None otherwise. `unit` is the product's
    unit of sale: кг or л means sold by weight (volume), priced per kg (l)."""

    name: str
    price: Decimal
    old_price: Decimal | None = None
    barcode: str | None = None
    net_quantity: float | None = None
    measure: Literal["g", "ml"] | None = None
    unit: str = "шт"


def ean13_is_valid(code: str) -> bool:
    if len(code) != 13 or not code.isdigit():
        return False
    odd = sum(int(d) for d in code[0:12:2])
    even = sum(int(d) for d in code[1:12:2])
    return (10 - (odd + 3 * even) % 10) % 10 == int(code[12])


def ean13_modules(code: str) -> str:
    """The 95 modules (1 = bar) of an EAN-13: guard, six left digits, centre, six right, guard."""
    if not ean13_is_valid(code):
        raise ValueError(f"not a valid EAN-13: {code!r}")
    left = ""
    for digit, parity in zip(code[1:7], _PARITY[int(code[0])], strict=True):
        pattern = _L_CODES[int(digit)]
        # G code: the R code (L inverted) read backwards.
        left += (
            pattern if parity == "L" else "".join("1" if b == "0" else "0" for b in pattern)[::-1]
        )
    right = "".join("".join("1" if b == "0" else "0" for b in _L_CODES[int(d)]) for d in code[7:])
    return "101" + left + "01010" + right + "101"


def unit_price(tag: PriceTag) -> tuple[Decimal, str] | None:
    """(price, "за 100 г" | "за 1 кг" | ...) when the tag must show it, else None."""
    by_weight = WEIGHED_UNITS.get(tag.unit.strip().lower().rstrip("."))
    if by_weight is not None:
        return tag.price.quantize(Decimal("0.01"), ROUND_HALF_UP), by_weight
    if tag.net_quantity is None or tag.measure is None:
        return None
    if not UNIT_PRICE_MIN <= tag.net_quantity <= UNIT_PRICE_MAX:
        return None
    if tag.net_quantity <= PER_100_MAX:
        base, label = 100, "за 100 г" if tag.measure == "g" else "за 100 мл"
    else:
        base, label = 1000, "за 1 кг" if tag.measure == "g" else "за 1 л"
    value = tag.price * Decimal(base) / Decimal(str(tag.net_quantity))
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP), label


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",") + " ₽"


def render_price_tags(tags: Sequence[PriceTag], template: PriceTagTemplate = STANDARD) -> bytes:
    """The tags laid out in a grid on A4 pages, cut lines drawn around each."""
    document = Document(title=f"Ценники: {template.name}", margin=8)
    pdf = document.pdf
    width = document.width / template.columns
    height = (pdf.h - pdf.t_margin - pdf.b_margin) / template.rows
    for index, tag in enumerate(tags):
        slot = index % (template.columns * template.rows)
        if index and slot == 0:
            document.new_page()
        x = pdf.l_margin + (slot % template.columns) * width
        y = pdf.t_margin + (slot // template.columns) * height
        _draw(document, tag, template, x, y, width, height)
    return document.render()


def _draw(
    document: Document,
    tag: PriceTag,
    template: PriceTagTemplate,
    x: float,
    y: float,
    width: float,
    height: float,
) -> None:
    pdf = document.pdf
    pdf.set_line_width(0.2)
    pdf.rect(x, y, width, height)
    pad = 2.0
    inner = width - 2 * pad
    pdf.set_xy(x + pad, y + pad)
    document._font(bold=True, size=8)
    pdf.multi_cell(inner, 3.5, tag.name, align="LEFT", max_line_height=3.5)
    price_y = y + height * 0.45
    if template.show_old_price and tag.old_price is not None and tag.old_price > tag.price:
        document._font(size=8)
        pdf.set_xy(x + pad, price_y - 4.5)
        old = _money(tag.old_price)
        pdf.cell(inner, 4, old, align="L")
        width = pdf.get_string_width(old)
        pdf.line(x + pad, price_y - 2.5, x + pad + width, price_y - 2.5)  # struck through
    document._font(bold=True, size=16 if width >= 60 else 12)
    pdf.set_xy(x + pad, price_y)
    pdf.cell(inner, 7, _money(tag.price), align="R")
    per_unit = unit_price(tag)
    if per_unit is not None:
        document._font(size=7)
        pdf.set_xy(x + pad, price_y + 7)
        pdf.cell(inner, 3.5, f"{_money(per_unit[0])} {per_unit[1]}", align="R")
    if template.show_barcode and tag.barcode and ean13_is_valid(tag.barcode):
        module = 0.25
        left = x + pad
        # Below the price and the unit price, up to 7 mm tall, the digits under the bars.
        top = max(y + height - pad - 7.0 - 3, price_y + 7 + 3.5 + 0.5)
        bar_height = min(7.0, y + height - pad - 3 - top)
        for position, bit in enumerate(ean13_modules(tag.barcode)):
            if bit == "1":
                pdf.rect(left + position * module, top, module, bar_height, style="F")
        document._font(size=6)
        pdf.set_xy(left, top + bar_height)
        pdf.cell(95 * module, 2.5, tag.barcode, align="C")
    document._font()
