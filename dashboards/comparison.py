"""Period comparison for every page (issue 26), as 1C's reports do: a figure against the previous
period or the same period a year earlier, as Δ and Δ%.

One mechanism: the reader picks «Сравнить с» once in the sidebar (``render_control``, also in the
URL as ``compare=previous|year_ago|none``); a page takes ``for_page(filters)`` and
- re-runs the very query it shows for the compared period (``Comparison.rerun``), so no metric is
  defined twice: the comparison is the same mart query with shifted dates (dashboards/periods.py);
- draws tiles with ``Comparison.metric`` (st.metric's delta is the Δ, Δ%; a share's delta is in
  percentage points) and adds Δ and Δ% columns to its main tables with ``Comparison.add_deltas``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import polars as pl
import streamlit as st

from dashboards.formatting import format_date, format_number, format_percent, format_points
from dashboards.i18n import t
from dashboards.periods import (
    add_months,
    months_between,
    previous_period,
    year_earlier_period,
)
from dashboards.queries import Filters


class CompareWith(StrEnum):
    NONE = "none"
    PREVIOUS = "previous"
    YEAR_AGO = "year_ago"


COMPARE_KEY = "filter_compare_with"
COMPARE_PARAM = "compare"
# The Overview and «План-факт» compared with the previous period before the control existed.
DEFAULT = CompareWith.PREVIOUS
_LABELS = {
    CompareWith.NONE: "compare_none",
    CompareWith.PREVIOUS: "compare_previous",
    CompareWith.YEAR_AGO: "compare_year_ago",
}
# Table column kinds whose figures add up: a group missing from the compared period had none.
_ADDITIVE_KINDS = ("int", "amount")


def shifted_filters(filters: Filters, mode: CompareWith) -> Filters | None:
    """The same filters over the compared period, or None without a comparison (or a period)."""
    if mode == CompareWith.NONE or filters.start is None or filters.end is None:
        return None
    shift = previous_period if mode == CompareWith.PREVIOUS else year_earlier_period
    start, end = shift(filters.start, filters.end)
    return replace(filters, start=start, end=end)


def comparison_filters(filters: Filters) -> tuple[Filters, Filters]:
    """The filters of the previous period and of the same period a year earlier."""
    previous = shifted_filters(filters, CompareWith.PREVIOUS)
    year_ago = shifted_filters(filters, CompareWith.YEAR_AGO)
    assert previous is not None and year_ago is not None, "a comparison needs a period"
    return previous, year_ago


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


def shown_change_text(
    current: float | None, other: float | None, show: Callable[[Any], str]
) -> str | None:
    """The change written the way the tile writes its figure (``+1,2 млн ₽ (+12,5 %)``: a
    tile's compact money keeps its delta as short), or None without a comparison."""
    difference, share = change(current, other)
    if difference is None:
        return None
    text = ("-" if difference < 0 else "+") + show(abs(difference))
    if share is not None:
        text += f" ({format_percent(share, signed=True)})"
    return text


def points_text(current: float | None, other: float | None) -> str | None:
    """The change of a share in percentage points (``+16,7 п.п.``); None without both."""
    if current is None or other is None:
        return None
    return format_points(float(current) - float(other))


# -- the reader's choice ---------------------------------------------------------------------


def mode_from_param(value: str | None) -> CompareWith | None:
    """The comparison a URL names; None for a missing or unknown value."""
    try:
        return CompareWith(value) if value else None
    except ValueError:
        return None


def current_mode() -> CompareWith:
    return mode_from_param(st.session_state.get(COMPARE_KEY)) or DEFAULT


def render_control() -> None:
    """The «Сравнить с» choice (drawn in the sidebar with the other filters)."""
    if mode_from_param(st.session_state.get(COMPARE_KEY)) is None:
        st.session_state[COMPARE_KEY] = DEFAULT.value
    st.selectbox(
        t("compare_with"),
        [mode.value for mode in CompareWith],
        format_func=lambda value: t(_LABELS[CompareWith(value)]),
        key=COMPARE_KEY,
    )


# -- a page's comparison ---------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """The comparison a page draws: its filters and those of the compared period (None when
    the reader compares with nothing)."""

    filters: Filters
    mode: CompareWith
    other: Filters | None

    @property
    def active(self) -> bool:
        return self.other is not None

    def rerun(self, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``query`` (a queries.<fn> taking the filters first) over the compared period."""
        if self.other is None:
            return None
        return query(self.other, *args, **kwargs)

    def row(self, query: Callable[..., pl.DataFrame], *args: Any, **kwargs: Any) -> dict | None:
        """The first row of ``query`` over the compared period (for one-row KPI queries)."""
        frame = self.rerun(query, *args, **kwargs)
        return None if frame is None or frame.is_empty() else frame.row(0, named=True)

    def caption(self) -> str | None:
        """«Сравнение: предыдущий период 01.02.2024 — 29.02.2024», or None."""
        if self.other is None:
            return None
        assert self.other.start is not None and self.other.end is not None
        return t(
            "comparison_caption",
            period=t(_LABELS[self.mode]),
            start=format_date(self.other.start),
            end=format_date(self.other.end),
        )

    def delta(
        self,
        value: Any,
        other_value: Any,
        *,
        ratio: bool = False,
        show: Callable[[Any], str] | None = None,
        decimals: int = 0,
    ) -> str | None:
        """The text of a tile's delta: Δ (Δ%) written as the tile writes its figure (``show``)
        or, for a share, Δ in percentage points."""
        if self.other is None:
            return None
        if ratio:
            return points_text(value, other_value)
        if show is not None:
            return shown_change_text(value, other_value, show)
        return change_text(value, other_value, decimals)

    def metric(
        self,
        place: Any,
        label: str,
        value: Any,
        other_value: Any,
        show: Callable[[Any], str],
        *,
        ratio: bool = False,
        decimals: int = 0,
        help: str | None = None,
        **kwargs: Any,
    ) -> None:
        """st.metric with the compared period's figure as its delta (and in its help)."""
        lines = [help] if help else []
        caption = self.caption()
        if caption is not None:
            lines.append(f"{caption}: {show(other_value) if other_value is not None else '—'}")
        place.metric(
            label,
            show(value),
            delta=self.delta(value, other_value, ratio=ratio, show=show, decimals=decimals),
            help="  \n".join(lines) or None,
            border=kwargs.pop("border", True),
            **kwargs,
        )

    def add_deltas(
        self,
        frame: pl.DataFrame,
        other_frame: pl.DataFrame | None,
        keys: Sequence[str],
        columns: Mapping[str, tuple[str, str]],
        compared: Sequence[str],
        *,
        month_key: str | None = None,
    ) -> tuple[pl.DataFrame, dict[str, tuple[str, str]]]:
        """``frame`` with Δ and Δ% columns for ``compared`` (a share gets Δ in percentage points
        only), matched to ``other_frame`` (the same query over the compared period) by ``keys``;
        and ``columns`` with their headings right after each compared column.

        A group the compared period lacks had none of an additive figure (counts, amounts) and
        an unknown share or duration. ``month_key`` names a month column of the keys: the
        compared period's months are moved onto the period's (a year earlier, March 2023 stands
        beside March 2024)."""
        if self.other is None or other_frame is None:
            return frame, dict(columns)
        if month_key is not None:
            assert self.filters.start is not None and self.other.start is not None
            months = months_between(self.other.start, self.filters.start)
            other_frame = other_frame.with_columns(
                pl.col(month_key).map_elements(
                    lambda month: add_months(month, months), return_dtype=pl.Date
                )
            )
        other = other_frame.select(
            *keys, *(pl.col(name).alias(f"{name}__other") for name in compared)
        ).unique(subset=list(keys), keep="first")
        joined = frame.join(other, on=list(keys), how="left", nulls_equal=True)
        shown: dict[str, tuple[str, str]] = {}
        for name, (heading, kind) in columns.items():
            shown[name] = (heading, kind)
            if name not in compared:
                continue
            previous = pl.col(f"{name}__other")
            if kind in _ADDITIVE_KINDS:
                previous = previous.fill_null(0)
            difference = (pl.col(name).cast(pl.Float64) - previous.cast(pl.Float64)).alias(
                f"{name}_delta"
            )
            if kind == "percent":
                joined = joined.with_columns(difference)
                shown[f"{name}_delta"] = (f"{heading}: Δ", "points")
                continue
            share = (
                pl.when(previous.cast(pl.Float64) != 0)
                .then(
                    (pl.col(name).cast(pl.Float64) - previous.cast(pl.Float64))
                    / previous.cast(pl.Float64).abs()
                )
                .otherwise(None)
                .alias(f"{name}_delta_pct")
            )
            joined = joined.with_columns(difference, share)
            shown[f"{name}_delta"] = (f"{heading}: Δ", kind)
            shown[f"{name}_delta_pct"] = (f"{heading}: Δ%", "change")
        return joined.drop([f"{name}__other" for name in compared]), shown


def for_page(filters: Filters) -> Comparison:
    """The comparison the reader chose, for a page showing ``filters``."""
    mode = current_mode()
    return Comparison(filters=filters, mode=mode, other=shifted_filters(filters, mode))


def show_caption(comparison: Comparison) -> None:
    caption = comparison.caption()
    if caption is not None:
        st.caption(caption)
