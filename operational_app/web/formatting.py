"""Jinja filters of the operator pages: numbers, dates and times the way the operator's language
writes them, in the operator's time zone.

ru (the default): 12 345,60 (a no-break space between thousands, a decimal comma), a quantity
without trailing zeros (971, 2,5), a discount as `5 %`, dates as 07.12.2026 and times as
07.12.2026 14:05. en: 12,345.60, 971, 5%, 2026-12-07 and 2026-12-07 14:05.

Every stored time is naive UTC (see db.models.utc_now); pages show it in local time
(Europe/Moscow unless configured otherwise) and never print "UTC". A `datetime-local` input is
local time too: `local_input` fills one, `parse_local_input` reads one back as an aware moment,
which the domain stores as UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment

NBSP = "\u00a0"
CENT = Decimal("0.01")
DEFAULT_TIMEZONE = "Europe/Moscow"
_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def local_zone(name: str | None = None) -> ZoneInfo:
    """The operator's zone; an unknown name falls back to Moscow rather than failing a page."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def settings_zone(settings: Any) -> ZoneInfo:
    """The zone from the app settings when they name one (`timezone`), else Moscow."""
    return local_zone(getattr(settings, "timezone", None))


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _grouped(number: Decimal, decimals: int | None, lang: str) -> str:
    """`number` with grouped thousands; `decimals=None` keeps only the significant ones."""
    if decimals is None:
        # normalize() drops trailing zeros; `:f` keeps 1E+3 from printing in exponent form.
        text = f"{number.normalize():,f}"
    else:
        text = f"{number:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def format_money(value: Any, lang: str = "ru") -> str:
    """Two decimals with grouped thousands; blank for a missing amount."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None or value == "" else str(value)
    return _grouped(amount.quantize(CENT, rounding=ROUND_HALF_UP), 2, lang)


def format_quantity(value: Any, lang: str = "ru") -> str:
    """A quantity as counted: 971.000 -> 971, 2.500 -> 2,5, 12000 -> 12 000."""
    number = _decimal(value)
    if number is None:
        return "" if value is None or value == "" else str(value)
    if number == 0:
        return "0"
    return _grouped(number, None, lang)


def format_percent(value: Any, lang: str = "ru") -> str:
    """5.00 -> `5 %` (ru, a no-break space as Russian typography has it), `5%` (en)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None or value == "" else str(value)
    return format_quantity(number, lang) + (NBSP + "%" if lang != "en" else "%")


def format_input_number(value: Any, lang: str = "ru", decimals: int | None = None) -> str:
    """A number as an input's value: no grouping (the parsers take `1500,5` and `1500.5`), a
    decimal comma in Russian, trailing zeros dropped unless `decimals` is given."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if decimals is not None:
        text = f"{number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"
    else:
        text = "0" if number == 0 else f"{number.normalize():f}"
    return text if lang == "en" else text.replace(".", ",")


def to_local(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A stored (naive UTC) or aware moment as wall-clock time in `zone`."""
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return aware.astimezone(zone)


def format_datetime(value: Any, lang: str = "ru", zone: ZoneInfo | None = None) -> str:
    """07.12.2026 14:05 (ru) / 2026-12-07 14:05 (en), local time; blank when missing."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return format_date(value, lang)
    local = to_local(value, zone or local_zone())
    return local.strftime("%Y-%m-%d %H:%M" if lang == "en" else "%d.%m.%Y %H:%M")


def format_date(value: Any, lang: str = "ru", zone: ZoneInfo | None = None) -> str:
    """07.12.2026 (ru) / 2026-12-07 (en). A moment is first taken to the local calendar day."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value, zone or local_zone()).date()
    if not isinstance(value, dt.date):
        return str(value)
    return value.strftime("%Y-%m-%d" if lang == "en" else "%d.%m.%Y")


def local_input(value: dt.datetime | None, zone: ZoneInfo | None = None) -> str:
    """The value of a `datetime-local` input for a stored moment."""
    if value is None:
        return ""
    return to_local(value, zone or local_zone()).strftime(_INPUT_FORMAT)


def parse_local_input(text: str | None, zone: ZoneInfo | None = None) -> str | None:
    """A typed `datetime-local` value as ISO 8601 with the zone's offset, for the schemas to
    parse and the domain to store as UTC. Text that is no date is passed on unchanged, so the
    schema reports it next to its field."""
    if text is None or not text.strip():
        return text
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or local_zone())
    return moment.isoformat()


def install_filters(env: Environment, lang: str, timezone: str | None = None) -> None:
    """Register the filters (`{{ order.total_amount | money }}`, `{{ deal.created_at | datetime }}`)
    once per template environment."""
    zone = local_zone(timezone)
    filters = {
        "money": partial(format_money, lang=lang),
        "qty": partial(format_quantity, lang=lang),
        "percent": partial(format_percent, lang=lang),
        "datetime": partial(format_datetime, lang=lang, zone=zone),
        "date": partial(format_date, lang=lang, zone=zone),
        "local_input": partial(local_input, zone=zone),
        "qty_input": partial(format_input_number, lang=lang),
        "money_input": partial(format_input_number, lang=lang, decimals=2),
    }
    for name, function in filters.items():
        env.filters.setdefault(name, function)
