"""НДС: the rate a product's goods carry on a date, and the VAT inside an amount.

Rates are data, not logic: `VAT_SCHEDULES` lists, per schedule a product follows
(`products.vat_kind`), the dates from which each rate applies. A law that changes a rate adds a
row here; nothing else changes. The general rate is 20% until 31.12.2025 and 22% from
01.01.2026; the reduced rate (food, children's goods, medicines) is
10%. `exempt` goods — and every sale of an organization that does not pay VAT — are «Без НДС».

Prices and amounts in this app include VAT, as Russian B2B price lists do; the VAT of a line is
amount × rate / (100 + rate), rounded to kopecks.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from operational_app.db.models import VAT_KINDS

CENT = Decimal("0.01")

# vat_kind → [(valid_from, rate percent)], in date order; an empty list means «Без НДС».
VAT_SCHEDULES: dict[str, list[tuple[dt.date, Decimal]]] = {
    "general": [
        (dt.date(2004, 1, 1), Decimal(18)),
        (dt.date(2019, 1, 1), Decimal(20)),
        (dt.date(2026, 1, 1), Decimal(22)),
    ],
    "reduced": [(dt.date(2004, 1, 1), Decimal(10))],
    "exempt": [],
}
assert set(VAT_SCHEDULES) == set(VAT_KINDS)


def vat_rate(vat_kind: str, on: dt.date, *, is_vat_payer: bool = True) -> Decimal | None:
    """The rate in percent on the date, or None for «Без НДС»."""
    if not is_vat_payer:
        return None
    rate = None
    for valid_from, value in VAT_SCHEDULES[vat_kind]:
        if valid_from <= on:
            rate = value
    return rate


def vat_included(amount: Decimal, rate: Decimal | None) -> Decimal:
    """The VAT inside an amount that includes it (0 for «Без НДС»)."""
    if rate is None:
        return Decimal(0)
    return (Decimal(amount) * rate / (Decimal(100) + rate)).quantize(CENT, ROUND_HALF_UP)


def rate_label(rate: Decimal | None) -> str:
    """«22%» or «Без НДС», as the invoice prints it."""
    return "Без НДС" if rate is None else f"{rate.normalize():f}%"
