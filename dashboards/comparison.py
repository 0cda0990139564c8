"""Period comparison for the KPI tiles (issue 26), as 1C's reports do: a figure against the
previous period of equal length and against the same period a year earlier, as Δ and Δ%.

One helper for every tile: `tile_comparison(value, previous, year_ago)` gives the tile's delta
(against the previous period, with Δ%) and a help line with both comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from dashboards.formatting import format_date, format_number, format_percent
from dashboards.i18n import t
from dashboards.queries import Filters, previous_period


def year_earlier(day: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def comparison_filters(filters: Filters) -> tuple[Filters, Filters]:
    """The filters of the previous period and of the same period a year earlier."""
    assert filters.start is not None and filters.end is not None
    previous_start, previous_end = previous_period(filters.start, filters.end)
    return (
        replace(filters, start=previous_start, end=previous_end),
        replace(filters, start=year_earlier(filters.start), end=year_earlier(filters.end)),
    )


def change(current: float | None, other: float | None) -> tuple[float | None, float | None]:
    """(Δ, Δ as a share of the other figure); Δ% is None when the other figure is 0 or
    unknown."""
    if current is None or other is None:
        return None, None
    difference = float(current) - float(other)
    return difference, (difference / abs(float(other)) if other else None)


def change_text(current: float | None, other: float | None, decimals: int = 0) -> str | None:
    """``+1 234 (+12,5 %)``, ``+1 234`` without a Δ%, or None without a comparison."""
    difference, share = change(current, other)
    if difference is None:
        return None
    text = format_number(difference, decimals, signed=True)
    if share is not None:
        text += f" ({format_percent(share, signed=True)})"
    return text


@dataclass(frozen=True)
class TileComparison:
    delta: str | None
    help: str


def tile_comparison(
    filters: Filters,
    current: float | None,
    previous: float | None,
    year_ago: float | None,
    decimals: int = 0,
) -> TileComparison:
    """The delta a tile shows (against the previous period) and its help line (both periods
    with their dates and Δ, Δ%)."""
    previous_filters, year_ago_filters = comparison_filters(filters)
    lines = []
    for key, other, period in (
        ("comparison_previous", previous, previous_filters),
        ("comparison_year_ago", year_ago, year_ago_filters),
    ):
        assert period.start is not None and period.end is not None
        lines.append(
            t(
                key,
                start=format_date(period.start),
                end=format_date(period.end),
                value=format_number(other, decimals) if other is not None else "—",
                change=change_text(current, other, decimals) or "—",
            )
        )
    return TileComparison(change_text(current, previous, decimals), "  \n".join(lines))
