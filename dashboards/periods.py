"""Period shifting for the comparisons (issue 26), as 1C's reports compare: pure date arithmetic,
no Streamlit and no queries, so the rules are unit-tested on their own.

A period of whole calendar months (from a month's first day to a month's last day: a month, a
quarter, a year) shifts by whole months, so March compares with February (not with the 31 days
before it) and the second quarter with the first; any other period shifts by its length in days.
A year earlier keeps the calendar: whole months go back twelve months, other days the same day a
year before (29 February becomes 28 February).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months; a day the target month lacks becomes its last
    day (31 March - 1 month = 29 February in a leap year)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def whole_months(start: date, end: date) -> int | None:
    """How many calendar months ``start``..``end`` spans when it is whole months, else None."""
    if start.day != 1 or end != month_end(end) or end < start:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length right before ``start``: as many whole months before when
    the period is whole months, else as many days."""
    months = whole_months(start, end)
    if months is not None:
        return add_months(start, -months), start - timedelta(days=1)
    length = end - start + timedelta(days=1)
    return start - length, start - timedelta(days=1)


def year_earlier(day: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    return add_months(day, -12)


def year_earlier_period(start: date, end: date) -> tuple[date, date]:
    """The same period a year earlier (a whole-month period stays whole months: February 2024,
    to its 29th, becomes February 2023, to its 28th)."""
    if whole_months(start, end) is not None:
        return add_months(start, -12), month_end(add_months(end, -12))
    return year_earlier(start), year_earlier(end)


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier``'s month to ``later``'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month
