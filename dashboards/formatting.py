"""Number and date formatting: ru-RU style (no-break space for thousands, decimal comma) or en."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dashboards.i18n import current_language, t

NBSP = "\u00a0"
MISSING = "—"


def format_number(
    value: float | int | Decimal | None,
    decimals: int = 0,
    *,
    signed: bool = False,
    lang: str | None = None,
) -> str:
    """``1234567.5`` -> ``1 234 567,5`` (ru) or ``1,234,567.5`` (en); half rounds up."""
    if value is None:
        return MISSING
    # Decimal so 0.5 rounds up as people expect, not to even as binary floats do.
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{decimals}f}"
    if (lang or current_language()) == "ru":
        text = text.replace(",", NBSP).replace(".", ",")
    if rounded < 0:
        return "-" + text  # ASCII minus: st.metric reads the delta direction from it
    return ("+" + text) if signed and rounded > 0 else text


def format_percent(
    ratio: float | None, decimals: int = 1, *, signed: bool = False, lang: str | None = None
) -> str:
    """A ratio as a percentage: ``0.5`` -> ``50,0 %`` (ru) or ``50.0%`` (en)."""
    if ratio is None:
        return MISSING
    lang = lang or current_language()
    number = format_number(ratio * 100, decimals, signed=signed, lang=lang)
    return f"{number}{NBSP}%" if lang == "ru" else f"{number}%"


def format_delta(
    current: float | int | None, previous: float | int | None, decimals: int = 0
) -> str | None:
    """``current - previous`` signed (``+1 234``), or None when either is unknown (no delta)."""
    if current is None or previous is None:
        return None
    return format_number(current - previous, decimals, signed=True)


def format_points_delta(
    current: float | None, previous: float | None, decimals: int = 1
) -> str | None:
    """The change of a ratio in percentage points, signed: ``+16,7 п.п.``."""
    if current is None or previous is None:
        return None
    points = format_number((current - previous) * 100, decimals, signed=True)
    return f"{points}{NBSP}{t('percentage_points')}"


def format_date(value: date) -> str:
    return value.strftime("%d.%m.%Y") if current_language() == "ru" else value.isoformat()


def plotly_separators() -> str:
    """Plotly's ``separators`` layout value: decimal mark then thousands mark."""
    return "," + NBSP if current_language() == "ru" else ".,"
