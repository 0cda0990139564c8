"""Jinja filters of the operator pages: amounts printed the way the operator's language writes them.

ru (the default): 12 345,60 — a no-break space between thousands, a decimal comma.
en: 12,345.60.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import Any

from jinja2 import Environment

NBSP = "\u00a0"
CENT = Decimal("0.01")


def format_money(value: Any, lang: str = "ru") -> str:
    """Two decimals with grouped thousands; blank for a missing amount."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    text = f"{amount:,.2f}"
    if lang == "en":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def install_filters(env: Environment, lang: str) -> None:
    """Register the filters (`{{ order.total_amount | money }}`) once per template environment."""
    if "money" not in env.filters:
        env.filters["money"] = partial(format_money, lang=lang)
