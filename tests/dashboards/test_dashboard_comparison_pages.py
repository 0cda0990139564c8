"""Period comparison on the pages through AppTest: every delta a tile or table shows equals the
difference of the two periods' figures, worked out here from the fixture rows (never from SQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import comparison
from dashboards.comparison import COMPARE_KEY, shown_change_text
from dashboards.formatting import format_compact, format_number
from tests.dashboards import fixture_plan_marts as px
from tests.dashboards.conftest import DEFAULT_END, DEFAULT_START, table_text


def _run(app_path: str, page: str | None = None, **query_params: str) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.query_params.update(query_params)
    app.run()
    if page is not None:
        app.switch_page(page).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def _money(value: Any) -> str:
    return format_compact(value, money=True)


def _deltas(app: AppTest) -> dict[str, str | None]:
    return {metric.label: metric.delta or None for metric in app.metric}


def test_overview_compares_with_the_same_period_a_year_earlier(
    warehouse: Any, app_path: str, kpis_for: Any
) -> None:
    start, end = date(2024, 1, 1), date(2024, 6, 30)
    app = _run(app_path, **{"from": start.isoformat(), "to": end.isoformat()}, compare="year_ago")
    assert app.selectbox(key=COMPARE_KEY).value == "year_ago"
    current, year_ago = kpis_for(start, end), kpis_for(date(2023, 1, 1), date(2023, 6, 30))
    # the fixture's first half of 2023 closed deals, so the comparison is not against nothing
    assert year_ago.won_amount
    deltas = _deltas(app)
    assert deltas["Сумма выигранных"] == shown_change_text(
        current.won_amount, year_ago.won_amount, _money
    )
    assert deltas["Медианный цикл, дней"] == shown_change_text(
        current.median_cycle_days, year_ago.median_cycle_days, lambda days: format_number(days, 1)
    )
    assert deltas["Доля выигранных"] == comparison.points_text(current.win_rate, year_ago.win_rate)
    assert any("01.01.2023 — 30.06.2023" in caption.value for caption in app.caption)


def test_the_reader_switches_the_comparison_off_and_on(
    warehouse: Any, app_path: str, kpis_for: Any
) -> None:
    app = _run(app_path)
    assert _deltas(app)["Сумма выигранных"] is not None  # the previous period by default

    app.selectbox(key=COMPARE_KEY).set_value("none").run()

    assert all(delta is None for delta in _deltas(app).values())
    assert app.query_params["compare"] in ("none", ["none"])

    app.selectbox(key=COMPARE_KEY).set_value("previous").run()
    current = kpis_for(DEFAULT_START, DEFAULT_END)
    assert _deltas(app)["Сумма выигранных"] == shown_change_text(
        current.won_amount, current.won_amount_previous, _money
    )


def _won(month: date, manager: int | None = None) -> Decimal:
    return sum(
        (row[7] for row in px.PLAN_FACT if row[0] == month and manager in (None, row[1])),
        Decimal(0),
    )


def test_plan_fact_tiles_and_breakdown_against_a_year_earlier(
    warehouse: Any, app_path: str
) -> None:
    app = _run(
        app_path, "app_pages/plan_fact.py", **{"from": "2024-05-01", "to": "2024-05-31"},
        compare="year_ago",
    )  # fmt: skip
    may, may_before = date(2024, 5, 1), date(2023, 5, 1)
    fact = next(metric for metric in app.metric if metric.label == "Факт, сумма")
    assert fact.delta == shown_change_text(_won(may), _won(may_before), _money)

    by_manager = app.dataframe[1].value.set_index("group_name")
    # manager 1 had May 2023 too; manager 2 had nothing then (Δ is all of it, Δ% unknown)
    assert by_manager.loc["Иванов Иван", "won_amount_delta"] == float(
        _won(may, 1) - _won(may_before, 1)
    )
    assert by_manager.loc["Петрова Анна", "won_amount_delta"] == float(_won(may, 2))
    # no Δ% against nothing: the cell reads "—" (never the grid's "None")
    assert by_manager.loc["Петрова Анна", "won_amount_delta_pct"] == "—"
    headings = table_text(app.dataframe[1]).columns
    assert "won_amount_delta_pct" in headings


@pytest.mark.parametrize("manager", [1, 2])
def test_marketing_filters_narrow_the_attributed_deals(
    warehouse: Any, app_path: str, manager: int
) -> None:
    app = _run(app_path, "app_pages/marketing.py", manager=str(manager))

    shown = [row for row in px.MARKETING_EVENTS if DEFAULT_START <= row[3] <= DEFAULT_END]
    mine = [row for row in px.ATTRIBUTIONS if row[2] == manager and row[1] in {e[0] for e in shown}]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Мероприятий"] == str(len(shown))  # events stay, their deals narrow
    assert metrics["Сделок"] == str(len(mine))
    assert metrics["Затраты на выигранную сделку"] == "—"
    table = app.dataframe[0].value
    latest_first = sorted(shown, key=lambda row: row[3], reverse=True)
    assert list(table["won_deals"]) == [
        sum(row[7] for row in mine if row[1] == event[0]) for event in latest_first
    ]
    assert list(table["attributed_deals"]) == [
        sum(row[1] == event[0] for row in mine) for event in latest_first
    ]
