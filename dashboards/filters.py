"""The common sidebar filters, built once by streamlit_app.py and read by every page.

Widget values live in ``st.session_state`` under fixed keys. The entry script renders the
sidebar on every run, whatever the page, so a choice made on one page holds on the others.

The filters also live in the URL (``?from=2024-01-01&to=2024-06-30&manager=1,2&region=3``,
``&industry=Розничная торговля|Производство``: industries have no id, so their names travel):
the first run of a session takes them from the link, and every run writes the current ones
back, so a copied link reproduces the view. Ids, not names, travel in the URL, so a link works
in either language and survives a rename.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from dashboards import comparison, queries
from dashboards.i18n import t

PERIOD_KEY = "filter_period"
DEAL_KINDS_KEY = "filter_deal_kind_ids"
MANAGERS_KEY = "filter_manager_ids"
REGIONS_KEY = "filter_business_region_ids"
INDUSTRIES_KEY = "filter_industries"

# URL parameter names of the filters (short and stable: they end up in shared links).
PERIOD_START_PARAM, PERIOD_END_PARAM = "from", "to"
ID_PARAMS = {DEAL_KINDS_KEY: "deal_kind", MANAGERS_KEY: "manager", REGIONS_KEY: "region"}
# Industries have no id: their names travel, '|'-separated (a name may hold a comma).
INDUSTRY_PARAM = "industry"
_URL_APPLIED_KEY = "_filters_url_applied"


def _parse_ids(text: str) -> list[int]:
    ids = []
    for part in text.split(","):
        part = part.strip()
        if part.isdigit() and int(part) not in ids:
            ids.append(int(part))
    return ids


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def state_from_query_params(params: Mapping[str, str]) -> dict[str, Any]:
    """Session-state values for the filters named in the URL; malformed values are ignored."""
    state: dict[str, Any] = {}
    start = _parse_date(params.get(PERIOD_START_PARAM))
    end = _parse_date(params.get(PERIOD_END_PARAM))
    if start and end:
        state[PERIOD_KEY] = (min(start, end), max(start, end))
    for key, name in ID_PARAMS.items():
        if name in params:
            state[key] = _parse_ids(params[name])
    if INDUSTRY_PARAM in params:
        names = [name.strip() for name in params[INDUSTRY_PARAM].split("|")]
        state[INDUSTRIES_KEY] = list(dict.fromkeys(name for name in names if name))
    mode = comparison.mode_from_param(params.get(comparison.COMPARE_PARAM))
    if mode is not None:
        state[comparison.COMPARE_KEY] = mode.value
    return state


def query_params_from_state(state: Mapping[str, Any]) -> dict[str, str]:
    """The URL parameters for the filters as chosen (an empty choice leaves its name out)."""
    params: dict[str, str] = {}
    period = state.get(PERIOD_KEY)
    if isinstance(period, tuple | list) and len(period) == 2:
        params[PERIOD_START_PARAM] = period[0].isoformat()
        params[PERIOD_END_PARAM] = period[1].isoformat()
    for key, name in ID_PARAMS.items():
        ids = state.get(key) or []
        if ids:
            params[name] = ",".join(str(value) for value in ids)
    industries = state.get(INDUSTRIES_KEY) or []
    if industries:
        params[INDUSTRY_PARAM] = "|".join(industries)
    mode = comparison.mode_from_param(state.get(comparison.COMPARE_KEY))
    if mode is not None and mode != comparison.DEFAULT:
        params[comparison.COMPARE_PARAM] = mode.value
    return params


def _apply_query_params_once() -> None:
    if st.session_state.get(_URL_APPLIED_KEY):
        return
    st.session_state[_URL_APPLIED_KEY] = True
    for key, value in state_from_query_params(st.query_params.to_dict()).items():
        st.session_state[key] = value


def _write_query_params() -> None:
    # Only changed names are written: each write is a message to the browser.
    wanted = query_params_from_state(st.session_state)
    for name, value in wanted.items():
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    # A half-picked period keeps the link's last full one; an emptied choice leaves the link.
    for name in (*ID_PARAMS.values(), INDUSTRY_PARAM, comparison.COMPARE_PARAM):
        if name not in wanted and name in st.query_params:
            del st.query_params[name]


def default_period(last_date: date, first_date: date | None = None) -> tuple[date, date]:
    """The last 12 calendar months up to ``last_date`` (its month counted as the 12th), never
    starting before the data does (``first_date``)."""
    month_index = last_date.year * 12 + last_date.month - 1 - 11
    start = date(month_index // 12, month_index % 12 + 1, 1)
    if first_date is not None and first_date > start:
        start = min(first_date, last_date)
    return start, last_date


def data_default_period() -> tuple[date, date]:
    """The default period for the data in the warehouse (see queries.data_date_range); today
    only when the warehouse holds no dated rows at all."""
    first_date, last_date = queries.data_date_range()
    return default_period(last_date or date.today(), first_date)


def is_default_period() -> bool:
    """Whether the reader kept the default period (pages may then widen it to their data)."""
    period = st.session_state.get(PERIOD_KEY)
    return period is None or tuple(period) == data_default_period()


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
    _apply_query_params_once()
    with st.sidebar:
        st.header(t("filters"))
        if PERIOD_KEY not in st.session_state:
            st.session_state[PERIOD_KEY] = data_default_period()
        st.date_input(t("period"), key=PERIOD_KEY, format=t("date_input_format"))
        comparison.render_control()
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
        industries = queries.industries()
        if not industries:  # hidden while no partner has an industry; a stale choice goes too
            st.session_state.pop(INDUSTRIES_KEY, None)
        else:
            _multiselect(
                INDUSTRIES_KEY,
                t("industry"),
                pl.DataFrame({"industry": industries}),
                "industry",
                "industry",
            )
    _write_query_params()


def current_filters() -> queries.Filters:
    """The filters as chosen in the sidebar, or the defaults when it has not been drawn."""
    period = st.session_state.get(PERIOD_KEY) or data_default_period()
    # While a range is half picked the widget holds one date: treat it as a one-day period.
    start, end = (period[0], period[-1]) if isinstance(period, tuple | list) else (period, period)
    return queries.Filters(
        start=start,
        end=end,
        deal_kind_ids=tuple(st.session_state.get(DEAL_KINDS_KEY, ())),
        manager_ids=tuple(st.session_state.get(MANAGERS_KEY, ())),
        business_region_ids=tuple(st.session_state.get(REGIONS_KEY, ())),
        industries=tuple(st.session_state.get(INDUSTRIES_KEY, ())),
    )


def require_filters() -> queries.Filters:
    """For pages: the current filters, or a "nothing published" note and stop."""
    if not queries.is_published():
        st.info(t("not_published"))
        st.stop()
    return current_filters()
