"""The «План-факт» page and the Overview's plan tiles through AppTest against the fixture
warehouse: expected figures are summed here from fixture_plan_marts.PLAN_FACT, never from SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts, queries
from dashboards.formatting import format_compact, format_month, format_percent
from tests.dashboards import fixture_plan_marts as px
from tests.dashboards.conftest import DEFAULT_END, DEFAULT_START, table_text

PAGE = "app_pages/plan_fact.py"
BY_MONTH, BY_GROUP = range(2)


def _run(app_path: str, page: str = PAGE, **query_params: str) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.query_params.update(query_params)
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _cells(managers: tuple[int, ...] = (), start: date = DEFAULT_START, end: date = DEFAULT_END):
    first = start.replace(day=1)
    return [
        row
        for row in px.PLAN_FACT
        if first <= row[0] <= end and (not managers or row[1] in managers)
    ]


def _totals(cells: list[tuple]) -> dict[str, Decimal]:
    return {
        "planned": sum((row[5] for row in cells), Decimal(0)),
        "won": sum((row[7] for row in cells), Decimal(0)),
        "forecast": sum((row[7] + row[9] for row in cells), Decimal(0)),
    }


@pytest.mark.parametrize("managers", [(), (1,), (2,)])
def test_tiles_and_tables_sum_the_cells_of_the_period(
    warehouse: Any, app_path: str, managers: tuple[int, ...]
) -> None:
    params = {"manager": ",".join(map(str, managers))} if managers else {}
    app = _run(app_path, **params)

    cells = _cells(managers)
    totals = _totals(cells)
    metrics = _metrics(app)
    assert metrics["План, сумма"] == format_compact(totals["planned"], money=True)
    assert metrics["Факт, сумма"] == format_compact(totals["won"], money=True)
    assert metrics["Выполнение плана"] == format_percent(float(totals["won"] / totals["planned"]))
    assert metrics["Прогноз выполнения"] == format_percent(
        float(totals["forecast"] / totals["planned"])
    )

    by_month = app.dataframe[BY_MONTH].value
    months = sorted({row[0] for row in cells})
    assert list(table_text(app.dataframe[BY_MONTH])["month"]) == [
        format_month(month) for month in months
    ]
    for month, planned, won in zip(
        months, by_month["planned_amount"], by_month["won_amount"], strict=True
    ):
        month_cells = [row for row in cells if row[0] == month]
        assert planned == pytest.approx(float(sum(row[5] for row in month_cells)))
        assert won == pytest.approx(float(sum(row[7] for row in month_cells)))

    groups = table_text(app.dataframe[BY_GROUP])
    expected_managers = sorted({px.MANAGER_NAMES[row[1]] for row in cells})
    assert sorted(groups["group_name"]) == expected_managers


def test_a_month_with_fact_but_no_plan_shows_no_completion(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, manager="2", **{"from": "2024-05-01", "to": "2024-05-31"})
    # Petrova's May: 30 000 won without a plan; completion has nothing to divide by.
    metrics = _metrics(app)
    assert metrics["План, сумма"] == format_compact(0, money=True)
    assert metrics["Факт, сумма"] == format_compact(30000, money=True)
    assert metrics["Выполнение плана"] == format_percent(None)


def test_the_overview_shows_plan_completion_and_the_months_forecast(
    warehouse: Any, app_path: str
) -> None:
    app = _run(app_path, page="app_pages/overview.py")

    totals = _totals(_cells())
    june = [row for row in px.PLAN_FACT if row[0] == px.AS_OF_MONTH]
    june_totals = _totals(june)
    metrics = _metrics(app)
    assert metrics["Выполнение плана за период"] == format_percent(
        float(totals["won"] / totals["planned"])
    )
    assert metrics[f"Прогноз выполнения, {format_month(px.AS_OF_MONTH)}"] == format_percent(
        float(june_totals["forecast"] / june_totals["planned"])
    )


def test_the_overview_leaves_plans_out_under_an_industry_filter(
    warehouse: Any, app_path: str
) -> None:
    app = _run(app_path, page="app_pages/overview.py", industry="Розничная торговля")
    assert "Выполнение плана за период" not in _metrics(app)


def test_the_page_reads_in_english(
    warehouse: Any, app_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_LANG", "en")
    app = _run(app_path)
    assert app.title[0].value == "Plan vs actual"
    assert "Plan completion" in _metrics(app)


def test_completion_is_divided_again_after_summing() -> None:
    import polars as pl

    frame = queries.with_completion(
        pl.DataFrame(
            {
                "planned_amount": [100.0, 0.0],
                "won_amount": [50.0, 10.0],
                "forecast_amount": [80.0, 10.0],
                "planned_won_deals": [4, 0],
                "won_deals": [1, 1],
            }
        )
    )
    assert frame["amount_completion"].to_list() == [0.5, None]
    assert frame["forecast_completion"].to_list() == [0.8, None]
    assert frame["won_deals_completion"].to_list() == [0.25, None]


def test_plan_fact_chart_draws_plan_fact_and_forecast_per_month() -> None:
    import polars as pl

    figure = charts.plan_fact_chart(
        pl.DataFrame(
            {
                "month": [date(2024, 4, 1), date(2024, 6, 1)],
                "planned_amount": [100.0, 200.0],
                "won_amount": [90.0, 50.0],
                "forecast_amount": [90.0, 150.0],
            }
        )
    )
    plan, fact, forecast = figure.data
    # May has no row: it is drawn as zero, not left out.
    assert list(plan.y) == [100.0, 0, 200.0]
    assert list(fact.y) == [90.0, 0, 50.0]
    assert list(forecast.y) == [90.0, 0, 150.0]


def test_marketing_page_sums_the_events_of_the_period(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, page="app_pages/marketing.py")

    shown = [row for row in px.MARKETING_EVENTS if DEFAULT_START <= row[3] <= DEFAULT_END]
    cost = sum((row[4] for row in shown), Decimal(0))
    won = sum(row[9] for row in shown)
    metrics = _metrics(app)
    assert metrics["Мероприятий"] == str(len(shown))
    assert metrics["Затраты"] == format_compact(cost, money=True)
    assert metrics["Затраты на выигранную сделку"] == format_compact(cost / won, money=True)
    table = table_text(app.dataframe[0])
    # Latest first; the kind in words, "not set" where the event has none.
    assert list(table["marketing_event_name"]) == [
        row[1] for row in sorted(shown, key=lambda r: r[3], reverse=True)
    ]
    assert list(table["marketing_event_kind"]) == ["Вебинар", "Выставка"]
    assert list(app.dataframe[0].value["won_deals"]) == [0, 2]
