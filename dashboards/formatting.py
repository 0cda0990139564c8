"""Number and date formatting: ru-RU style (no-break space for thousands, decimal comma) or en."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from crm.settings import get_settings
from dashboards.i18n import both_languages, current_language, t

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


def format_points(change: float | None, decimals: int = 1, *, lang: str | None = None) -> str:
    """A change of a ratio in percentage points, signed: ``0.167`` -> ``+16,7 п.п.``."""
    if change is None:
        return MISSING
    lang = lang or current_language()
    points = format_number(change * 100, decimals, signed=True, lang=lang)
    unit = both_languages("percentage_points")[0 if lang == "ru" else 1]
    return f"{points}{NBSP}{unit}"


def format_date(value: date) -> str:
    return value.strftime("%d.%m.%Y") if current_language() == "ru" else value.isoformat()


def plotly_separators() -> str:
    """Plotly's ``separators`` layout value: decimal mark then thousands mark."""
    return "," + NBSP if current_language() == "ru" else ".,"


# -- money, days, months and local time: the one place tables, tiles and charts take them from --

RUBLE = "₽"
_MONTHS = {
    "ru": ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
# Compact tile values: (threshold, ru suffix, en suffix), largest first.
_COMPACT_STEPS = ((10**9, "млрд", "B"), (10**6, "млн", "M"), (10**3, "тыс.", "K"))


def format_money(
    value: float | int | Decimal | None, decimals: int = 2, *, lang: str | None = None
) -> str:
    """``85637.51`` -> ``85 637,51 ₽`` (ru) or ``₽85,637.51`` (en)."""
    if value is None:
        return MISSING
    lang = lang or current_language()
    number = format_number(value, decimals, lang=lang)
    if lang == "ru":
        return f"{number}{NBSP}{RUBLE}"
    return f"-{RUBLE}{number[1:]}" if number.startswith("-") else f"{RUBLE}{number}"


def format_compact(
    value: float | int | Decimal | None,
    *,
    money: bool = False,
    lang: str | None = None,
    full_below: int = 10**7,
) -> str:
    """A tile value that fits a narrow tile: in full below ``full_below`` (``9 876 543``), else
    scaled with one decimal (``21,7 млн``, ``21.7M``); money gets the ruble sign."""
    if value is None:
        return MISSING
    lang = lang or current_language()
    if abs(value) < full_below:
        return format_money(value, 0, lang=lang) if money else format_number(value, lang=lang)
    for threshold, ru_suffix, en_suffix in _COMPACT_STEPS:
        if abs(value) >= threshold:
            number = format_number(Decimal(str(value)) / threshold, 1, lang=lang)
            if lang == "ru":
                text = f"{number}{NBSP}{ru_suffix}"
                return f"{text}{NBSP}{RUBLE}" if money else text
            text = f"{number}{en_suffix}"
            if not money:
                return text
            return f"-{RUBLE}{text[1:]}" if text.startswith("-") else f"{RUBLE}{text}"
    return format_number(value, lang=lang)  # unreachable: full_below >= 1000


def format_days(value: float | int | Decimal | None, *, lang: str | None = None) -> str:
    """Days (or hours) with one decimal: ``12,6``."""
    return format_number(value, 1, lang=lang)


def format_month(value: date | None, *, lang: str | None = None) -> str:
    """The month of ``value``: ``янв 2026`` (ru) or ``Jan 2026`` (en)."""
    if value is None:
        return MISSING
    return f"{_MONTHS[lang or current_language()][value.month - 1]} {value.year}"


def format_day(value: date | None, *, lang: str | None = None) -> str:
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        value = value.date()
    return value.strftime("%d.%m.%Y") if (lang or current_language()) == "ru" else value.isoformat()


def local_timezone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def to_local(value: datetime | None) -> datetime | None:
    """A warehouse timestamp (UTC without a zone) as wall-clock time in CRM_TIMEZONE, zone-less."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(local_timezone()).replace(tzinfo=None)


def format_datetime(value: datetime | None, *, lang: str | None = None) -> str:
    """A warehouse timestamp (UTC) in local time: ``20.06.2024 05:10``."""
    local = to_local(value)
    if local is None:
        return MISSING
    pattern = "%d.%m.%Y %H:%M" if (lang or current_language()) == "ru" else "%Y-%m-%d %H:%M"
    return local.strftime(pattern)


def cell_formatter(kind: str, *, lang: str | None = None) -> Callable[[Any], str]:
    """How a table column of ``kind`` shows a value; the column keeps its type, so it sorts by
    value, and only the displayed text comes from here."""
    lang = lang or current_language()

    def guarded(function: Callable[[Any], str]) -> Callable[[Any], str]:
        def show(value: Any) -> str:
            # pandas hands NaN (numbers) and NaT (dates) for missing values.
            if value is None or value != value or type(value).__name__ == "NaTType":
                return MISSING
            if isinstance(value, str):  # already shown as text (a date column with gaps)
                return value
            return function(value)

        return show

    match kind:
        case "int":
            return guarded(lambda value: format_number(value, lang=lang))
        case "amount":
            return guarded(lambda value: format_money(value, lang=lang))
        case "percent":
            return guarded(lambda value: format_percent(value, lang=lang))
        case "change":  # a relative change (Δ%), signed
            return guarded(lambda value: format_percent(value, signed=True, lang=lang))
        case "points":  # the change of a ratio, in percentage points
            return guarded(lambda value: format_points(value, lang=lang))
        case "days" | "hours":
            return guarded(lambda value: format_days(value, lang=lang))
        case "month":
            return guarded(lambda value: format_month(_as_date(value), lang=lang))
        case "date":
            return guarded(lambda value: format_day(_as_date(value), lang=lang))
        case "datetime":
            # Already converted to local time by the table (see widgets.table).
            pattern = "%d.%m.%Y %H:%M" if lang == "ru" else "%Y-%m-%d %H:%M"
            return guarded(lambda value: _as_datetime(value).strftime(pattern))
        case _:
            return guarded(str)


def _as_date(value: Any) -> date:
    # pandas hands Timestamps to Styler formatters.
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return value.date() if isinstance(value, datetime) else value


def _as_datetime(value: Any) -> datetime:
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
