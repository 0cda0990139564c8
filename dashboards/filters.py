"""The common sidebar filters, built once by streamlit_app.py and read by every page.

Widget values live in ``st.session_state`` under fixed keys. The entry script renders the
sidebar on every run, whatever the page, so a choice made on one page holds on the others.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboards import queries
from dashboards.i18n import t

PERIOD_KEY = "filter_period"
DEAL_KINDS_KEY = "filter_deal_kind_ids"
MANAGERS_KEY = "filter_manager_ids"
REGIONS_KEY = "filter_business_region_ids"


def default_period(last_date: date) -> tuple[date, date]:
    """The last 12 calendar months up to ``last_date`` (its month counted as the 12th)."""
    month_index = last_date.year * 12 + last_date.month - 1 - 11
    return date(month_index // 12, month_index % 12 + 1, 1), last_date


def _last_data_date() -> date:
    _, last_date = queries.data_date_range()
    return last_date or date.today()


def _multiselect(key: str, label: str, options: pl.DataFrame, id_col: str, name_col: str) -> None:
    names = dict(zip(options[id_col].to_list(), options[name_col].to_list(), strict=True))
    # A republish may drop an option; a stale choice would make the widget raise.
    chosen = st.session_state.get(key, [])
    if any(value not in names for value in chosen):
        st.session_state[key] = [value for value in chosen if value in names]
    st.multiselect(
        label,
        list(names),
        format_func=lambda option_id: names[option_id],
        key=key,
        placeholder=t("all"),
    )


def render_sidebar() -> None:
    """Draw the filters; does nothing until a warehouse is published."""
    if not queries.is_published():
        return
    with st.sidebar:
        st.header(t("filters"))
        if PERIOD_KEY not in st.session_state:
            st.session_state[PERIOD_KEY] = default_period(_last_data_date())
        st.date_input(t("period"), key=PERIOD_KEY, format=t("date_input_format"))
        managers = queries.managers().with_columns(
            pl.when(pl.col("is_active"))
            .then(pl.col("manager_name"))
            .otherwise(pl.format("{} ({})", pl.col("manager_name"), pl.lit(t("inactive"))))
            .alias("manager_label")
        )
        _multiselect(
            DEAL_KINDS_KEY, t("deal_kind"), queries.deal_kinds(), "deal_kind_id", "deal_kind_name"
        )
        _multiselect(MANAGERS_KEY, t("manager"), managers, "manager_id", "manager_label")
        _multiselect(
            REGIONS_KEY,
            t("business_region"),
            queries.business_regions(),
            "business_region_id",
            "business_region_name",
        )


def current_filters() -> queries.Filters:
    """The filters as chosen in the sidebar, or the defaults when it has not been drawn."""
    period = st.session_state.get(PERIOD_KEY) or default_period(_last_data_date())
    # While a range is half picked the widget holds one date: treat it as a one-day period.
    start, end = (period[0], period[-1]) if isinstance(period, tuple | list) else (period, period)
    return queries.Filters(
        start=start,
        end=end,
        deal_kind_ids=tuple(st.session_state.get(DEAL_KINDS_KEY, ())),
        manager_ids=tuple(st.session_state.get(MANAGERS_KEY, ())),
        business_region_ids=tuple(st.session_state.get(REGIONS_KEY, ())),
    )


def require_filters() -> queries.Filters:
    """For pages: the current filters, or a "nothing published" note and stop."""
    if not queries.is_published():
        st.info(t("not_published"))
        st.stop()
    return current_filters()
