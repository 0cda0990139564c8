"""The industry (Отрасль) filter and the sales-by-industry breakdown, against plain-Python
figures worked out from the fixture deals and fixture_marts.INDUSTRIES."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import plotly.graph_objects as go
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts, queries
from dashboards.filters import (
    INDUSTRIES_KEY,
    MANAGERS_KEY,
    query_params_from_state,
    state_from_query_params,
)
from dashboards.formatting import format_number, format_percent
from tests.dashboards import fixture_marts as fx
from tests.dashboards.conftest import DEALS, Deal, compute_kpis
from tests.dashboards.test_dashboard_pages import _expected_metrics, _metrics

START, END = date(2023, 7, 1), date(2024, 6, 20)
RETAIL, MANUFACTURING = "Розничная торговля", "Производство"
EFFICIENCY_PAGE = "app_pages/deal_efficiency.py"
INDUSTRY_TABLE_COLUMNS = ["group_name", "won_amount", "deals_won", "win_rate"]


def _industry(deal: Deal) -> str | None:
    # conftest gives deal N the partner 100 + N.
    return fx.industry_of(100 + deal.deal_id)


def _in(industries: Sequence[str]) -> list[Deal]:
    return [deal for deal in DEALS if _industry(deal) in industries]


def _expected_by_industry(start: date, end: date) -> dict[str, tuple[float, int, float | None]]:
    """industry label -> (won amount, deals won, win rate) over deals closed in the period;
    a group is shown when it has a deal closed in the period or open now."""
    groups: dict[str | None, list[Deal]] = {}
    for deal in DEALS:
        groups.setdefault(_industry(deal), []).append(deal)
    expected = {}
    for industry, deals in groups.items():
        closed = [deal for deal in deals if deal.closed_date and start <= deal.closed_date <= end]
        if not closed and not any(deal.status == "in_progress" for deal in deals):
            continue
        won = [deal for deal in closed if deal.status == "won"]
        amount = float(sum((deal.won_amount for deal in won), Decimal(0)))
        rate = len(won) / len(closed) if closed else None
        expected[industry or "Не указана"] = (amount, len(won), rate)
    return expected


def _run(app_path: str, page: str | None = None) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60).run()
    if page is not None:
        app.switch_page(page).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def _industry_table(app: AppTest) -> Any:
    (table,) = [
        element
        for element in app.dataframe
        if list(element.value.columns) == INDUSTRY_TABLE_COLUMNS
    ]
    return table.value


def _rows(frame: Any) -> dict[str, tuple[float, int, float | None]]:
    return {
        row.group_name: (
            pytest.approx(row.won_amount),
            row.deals_won,
            None if row.win_rate != row.win_rate else pytest.approx(row.win_rate),
        )
        for row in frame.itertuples()
    }


def test_the_filter_offers_the_partners_industries(warehouse: Any, app_path: str) -> None:
    app = _run(app_path)

    # Distinct, non-null, sorted: the partner without one (104) adds no option.
    assert app.multiselect(key=INDUSTRIES_KEY).options == [MANUFACTURING, RETAIL]
    assert app.multiselect(key=INDUSTRIES_KEY).label == "Отрасль"


def test_the_filter_narrows_the_overview_to_the_industry(warehouse: Any, app_path: str) -> None:
    app = _run(app_path)
    everyone = _metrics(app)

    app.multiselect(key=INDUSTRIES_KEY).set_value([RETAIL]).run()

    assert not app.exception
    retail = _expected_metrics(compute_kpis(_in([RETAIL]), START, END))
    assert _metrics(app) == retail
    assert retail != everyone  # the fixture makes the choice matter

    app.multiselect(key=INDUSTRIES_KEY).set_value([RETAIL, MANUFACTURING]).run()

    assert _metrics(app) == _expected_metrics(
        compute_kpis(_in([RETAIL, MANUFACTURING]), START, END)
    )


def test_sales_by_industry_equals_the_fixture_figures(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, EFFICIENCY_PAGE)

    table = _industry_table(app)

    expected = _expected_by_industry(START, END)
    assert _rows(table) == expected
    assert {RETAIL, MANUFACTURING, "Не указана"} <= set(expected)
    # Biggest won amount first, as the other efficiency tables.
    amounts = table["won_amount"].tolist()
    assert amounts == sorted(amounts, reverse=True)


def test_sales_by_industry_follows_the_industry_filter(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, EFFICIENCY_PAGE)

    app.multiselect(key=INDUSTRIES_KEY).set_value([MANUFACTURING]).run()

    assert not app.exception
    assert _rows(_industry_table(app)) == {
        MANUFACTURING: _expected_by_industry(START, END)[MANUFACTURING]
    }


def test_sales_by_industry_in_english(
    warehouse: Any, app_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_LANG", "en")
    app = _run(app_path, EFFICIENCY_PAGE)

    assert "Sales by industry" in [header.value for header in app.subheader]
    assert "Not set" in _industry_table(app)["group_name"].tolist()
    assert app.multiselect(key=INDUSTRIES_KEY).label == "Industry"


def _clear_industries(path: Any) -> None:
    connection = duckdb.connect(str(path))
    try:
        connection.execute("update marts.dim_partners set industry = null")
    finally:
        connection.close()


def test_the_filter_is_hidden_without_industries(warehouse: Any, app_path: str) -> None:
    _clear_industries(warehouse.path)

    app = _run(app_path, EFFICIENCY_PAGE)

    keys = [element.key for element in app.multiselect]
    assert MANAGERS_KEY in keys and INDUSTRIES_KEY not in keys
    # No breakdown of every deal into one "not set" row: a note instead.
    tables = [list(element.value.columns) for element in app.dataframe]
    assert tables and INDUSTRY_TABLE_COLUMNS not in tables
    assert "Отрасли партнёров не заданы: добавьте партнёрам роль «Отрасль: …»." in [
        caption.value for caption in app.caption
    ]


def test_a_stale_industry_choice_is_dropped_when_the_filter_hides(
    warehouse: Any, app_path: str
) -> None:
    _clear_industries(warehouse.path)
    app = AppTest.from_file(app_path, default_timeout=60)
    app.session_state[INDUSTRIES_KEY] = [RETAIL]  # e.g. from a link made before a republish

    app.run()

    assert not app.exception
    assert _metrics(app) == _expected_metrics(compute_kpis(DEALS, START, END))


def test_the_filter_is_hidden_on_a_warehouse_without_dim_partners(
    old_warehouse: Any, app_path: str
) -> None:
    app = _run(app_path, EFFICIENCY_PAGE)

    keys = [element.key for element in app.multiselect]
    assert MANAGERS_KEY in keys and INDUSTRIES_KEY not in keys
    assert queries.industries() == []


def test_an_industry_narrows_orders_and_claims(warehouse: Any) -> None:
    retail = queries.Filters(start=date(2000, 1, 1), end=date(2100, 1, 1))
    retail = replace(retail, industries=(RETAIL,))
    partners = {partner for partner, industry in fx.INDUSTRIES.items() if industry == RETAIL}

    orders = queries.order_kpis(retail).row(0, named=True)
    expected_orders = [
        order for order in fx.ORDERS if order.partner_id in partners and not order.is_cancelled
    ]
    assert orders["orders"] == len(expected_orders)
    assert orders["ordered_amount"] == pytest.approx(
        float(sum(order.ordered_amount for order in expected_orders))
    )
    assert 0 < len(expected_orders) < len([o for o in fx.ORDERS if not o.is_cancelled])

    claims = queries.claim_kpis(retail).row(0, named=True)
    expected_claims = [
        claim
        for claim in fx.CLAIMS
        if claim.partner_id in partners
        and date(2000, 1, 1) <= claim.registered_at.date() <= date(2100, 1, 1)
    ]
    assert claims["claims_registered"] == len(expected_claims)
    assert 0 < len(expected_claims) < len(fx.CLAIMS)


def test_industry_links_round_trip() -> None:
    state = {INDUSTRIES_KEY: [RETAIL, "Строительство, ремонт"]}

    params = query_params_from_state(state)

    assert params == {"industry": "Розничная торговля|Строительство, ремонт"}
    assert state_from_query_params(params) == state
    assert state_from_query_params({"industry": "|"}) == {INDUSTRIES_KEY: []}


def test_industry_sales_chart_bars_read_largest_on_top() -> None:
    sales = pl.DataFrame(
        {
            "group_name": [RETAIL, None, MANUFACTURING],
            "won_amount": [300000.0, 50000.0, 120000.0],
            "deals_won": [3, 1, 2],
            "win_rate": [0.75, 0.25, None],
        }
    )

    figure = charts.industry_sales_chart(sales)

    (trace,) = figure.data
    assert isinstance(trace, go.Bar) and trace.orientation == "h"
    # Plotly draws the first category at the bottom: ascending order puts the largest on top.
    assert list(trace.y) == ["Не указана", MANUFACTURING, RETAIL]
    assert list(trace.x) == [50000.0, 120000.0, 300000.0]
    assert list(trace.text) == [
        f"{format_number(1)} · {format_percent(0.25)}",
        f"{format_number(2)} · {format_percent(None)}",
        f"{format_number(3)} · {format_percent(0.75)}",
    ]


@pytest.mark.parametrize(
    "page",
    [
        "app_pages/overview.py",
        "app_pages/sales_funnel.py",
        EFFICIENCY_PAGE,
        "app_pages/claims.py",
        "app_pages/events_calendar.py",
        "app_pages/orders.py",
        "app_pages/regions.py",
    ],
)
def test_every_filtered_page_runs_with_an_industry_chosen(
    warehouse: Any, app_path: str, page: str
) -> None:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.session_state[INDUSTRIES_KEY] = [RETAIL]

    app.run()
    app.switch_page(page).run()

    assert not app.exception, [exception.value for exception in app.exception]
    assert app.multiselect(key=INDUSTRIES_KEY).value == [RETAIL]
