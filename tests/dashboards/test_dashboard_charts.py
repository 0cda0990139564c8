"""charts.py, formatting.py and i18n.py on small hand-made frames."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboards import charts, i18n
from dashboards.formatting import (
    format_delta,
    format_number,
    format_percent,
    format_points_delta,
    plotly_separators,
)


@pytest.fixture(autouse=True)
def _russian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_LANG", raising=False)


def test_funnel_chart_has_one_funnel_in_stage_order() -> None:
    funnel = pl.DataFrame(
        {
            "stage_name": ["Б", "А"],
            "stage_sequence": [2, 1],
            "deals_entered": [1200, 2000],
            "cumulative_conversion": [0.6, 1.0],
        }
    )

    figure = charts.funnel_chart(funnel)

    (trace,) = figure.data
    assert isinstance(trace, go.Funnel)
    assert list(trace.y) == ["А", "Б"]
    assert list(trace.x) == [2000, 1200]
    assert list(trace.text) == ["2\u00a0000 · 100,0\u00a0%", "1\u00a0200 · 60,0\u00a0%"]
    assert figure.layout.separators == ",\u00a0"


def test_losses_chart_stacks_one_bar_trace_per_reason() -> None:
    losses = pl.DataFrame(
        {
            "stage_name": ["Первый", "Второй", "Второй"],
            "stage_sequence": [1, 2, 2],
            "loss_reason_name": ["Цена", "Цена", None],
            "deals_lost": [3, 1, 2],
        }
    )

    figure = charts.losses_chart(losses)

    assert [type(trace) for trace in figure.data] == [go.Bar, go.Bar]
    assert [trace.name for trace in figure.data] == ["Цена", "Причина не указана"]
    assert figure.layout.barmode == "stack"
    assert list(figure.layout.xaxis.categoryarray) == ["Первый", "Второй"]


def test_stage_days_chart_has_a_box_per_stage() -> None:
    days = pl.DataFrame(
        {
            "stage_name": ["Второй", "Первый"],
            "stage_sequence": [2, 1],
            "q1_days": [2.0, 1.0],
            "median_days": [4.0, 2.0],
            "q3_days": [6.0, 3.0],
            "lower_whisker_days": [1.0, 0.5],
            "upper_whisker_days": [9.0, 5.0],
            "mean_days": [4.5, 2.2],
        }
    )

    figure = charts.stage_days_chart(days)

    assert all(isinstance(trace, go.Box) for trace in figure.data)
    assert [trace.name for trace in figure.data] == ["Первый", "Второй"]
    first = figure.data[0]
    assert (first.q1, first.median, first.q3) == ((1.0,), (2.0,), (3.0,))
    assert (first.lowerfence, first.upperfence, first.mean) == ((0.5,), (5.0,), (2.2,))


def test_efficiency_chart_has_outcome_bars_and_win_rate() -> None:
    efficiency = pl.DataFrame(
        {
            "group_name": ["Иванов", "Петрова"],
            "deals_won": [2, 1],
            "deals_lost": [1, 1],
            "deals_in_progress": [0, 3],
            "win_rate": [2 / 3, 0.5],
        }
    )

    figure = charts.efficiency_chart(efficiency)

    assert [type(trace) for trace in figure.data] == [go.Bar, go.Bar, go.Bar, go.Scatter]
    assert [trace.name for trace in figure.data] == [
        "Выиграно",
        "Проиграно",
        "В работе",
        "Доля выигранных",
    ]
    assert figure.data[3].yaxis == "y2"
    assert list(figure.data[3].text) == ["66,7\u00a0%", "50,0\u00a0%"]


def test_won_trend_chart() -> None:
    by_month = pl.DataFrame(
        {"month": [date(2024, 1, 1), date(2024, 2, 1)], "won_amount": [1.0, 2.5]}
    )

    figure = charts.won_trend_chart(by_month)

    (trace,) = figure.data
    assert isinstance(trace, go.Bar)
    assert list(trace.y) == [1.0, 2.5]


def test_charts_accept_empty_frames() -> None:
    empty = pl.DataFrame(
        schema={"stage_name": pl.String, "stage_sequence": pl.Int32, "days_in_stage": pl.Float64}
    )

    assert charts.stage_days_chart(empty).data == ()


@pytest.mark.parametrize(
    ("value", "decimals", "ru", "en"),
    [
        (1234567.5, 0, "1\u00a0234\u00a0568", "1,234,568"),
        (Decimal("195000.50"), 2, "195\u00a0000,50", "195,000.50"),
        (0.5, 0, "1", "1"),  # half rounds up, not to even
        (-1500, 0, "-1\u00a0500", "-1,500"),
        (999, 1, "999,0", "999.0"),
        (None, 0, "—", "—"),
    ],
)
def test_format_number(value: object, decimals: int, ru: str, en: str) -> None:
    assert format_number(value, decimals, lang="ru") == ru  # type: ignore[arg-type]
    assert format_number(value, decimals, lang="en") == en  # type: ignore[arg-type]


def test_deltas_and_percentages(monkeypatch: pytest.MonkeyPatch) -> None:
    assert format_percent(0.4286) == "42,9\u00a0%"
    assert format_delta(3, 1) == "+2"
    assert format_delta(1, 1) == "0"
    assert format_delta(1, None) is None
    assert format_points_delta(0.5, 1 / 3) == "+16,7\u00a0п.п."
    monkeypatch.setenv("CRM_LANG", "en")
    assert format_percent(0.4286) == "42.9%"
    assert format_points_delta(1 / 3, 0.5) == "-16.7\u00a0pp"
    assert plotly_separators() == ".,"


def test_catalog_speaks_russian_by_default_and_english_on_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert i18n.t("page_sales_funnel") == "Воронка продаж"
    assert i18n.t("business_region") == "Бизнес-регион"
    monkeypatch.setenv("CRM_LANG", "en")
    assert i18n.t("page_sales_funnel") == "Sales funnel"
    assert i18n.t("period_caption", start="a", end="b") == "Period: a to b"
    for key in i18n.catalog_keys():
        assert i18n.t(key), key


# -- issue 15: charts that read ------------------------------------------------------------


def test_stage_days_boxes_stand_each_at_its_own_stage() -> None:
    days = pl.DataFrame(
        {
            "stage_name": ["Второй", "Первый", "Третий"],
            "stage_sequence": [2, 1, 3],
            "q1_days": [2.0, 1.0, 4.0],
            "median_days": [4.0, 2.0, 5.0],
            "q3_days": [6.0, 3.0, 8.0],
            "lower_whisker_days": [1.0, 0.5, 4.0],
            "upper_whisker_days": [9.0, 5.0, 9.0],
            "mean_days": [4.5, 2.2, 6.0],
        }
    )

    figure = charts.stage_days_chart(days)

    # One x position per stage (not every box at x=0), in process order along the axis.
    assert [tuple(trace.x) for trace in figure.data] == [("Первый",), ("Второй",), ("Третий",)]
    assert list(figure.layout.xaxis.categoryarray) == ["Первый", "Второй", "Третий"]
    assert figure.layout.xaxis.type == "category"


def test_monthly_bars_keep_one_slot_per_month_when_months_are_missing() -> None:
    by_month = pl.DataFrame(
        {
            "month": [date(2025, 11, 1), date(2026, 2, 1)],
            "deals_won": [1, 2],
            "won_amount": [10.0, 30.0],
        }
    )

    (trace,) = charts.won_trend_chart(by_month).data

    # December and January are there, empty, so every bar is one month wide; Russian labels.
    assert list(trace.x) == ["ноя 2025", "дек 2025", "янв 2026", "фев 2026"]
    assert list(trace.y) == [10.0, 0, 0, 30.0]


def test_month_gaps_are_filled_in_every_monthly_chart() -> None:
    fulfilment = pl.DataFrame(
        {
            "month": [date(2024, 1, 1), date(2024, 3, 1)],
            "shipped_on_time": [1, 2],
            "shipped_late": [0, 1],
            "shipped_unknown": [0, 0],
        }
    )
    claims = pl.DataFrame(
        {
            "month": [date(2024, 1, 1), date(2024, 4, 1)],
            "group_key": ["1", "1"],
            "group_name": ["Брак", "Брак"],
            "claims_registered": [3, 1],
        }
    )

    on_time = charts.on_time_chart(fulfilment, "shipped")
    trend = charts.claim_trend_chart(claims)

    assert list(on_time.data[0].x) == ["янв 2024", "фев 2024", "мар 2024"]
    assert list(on_time.data[0].y) == [1, 0, 2]
    assert list(trend.data[0].x) == ["янв 2024", "фев 2024", "мар 2024", "апр 2024"]
    assert list(trend.data[0].y) == [3, 0, 0, 1]


def test_heatmap_has_a_cell_for_every_day() -> None:
    calendar = pl.DataFrame(
        {
            "user_name": ["Иванов", "Петрова"],
            "planned_date": [date(2024, 6, 3), date(2024, 6, 6)],
            "interactions_overdue": [2, 1],
        }
    )

    (trace,) = charts.events_heatmap(calendar, "interactions_overdue").data

    assert list(trace.x) == ["03.06.2024", "04.06.2024", "05.06.2024", "06.06.2024"]
    assert [list(row) for row in trace.z] == [[2, 0, 0, 0], [0, 0, 0, 1]]


def test_the_funnel_ends_with_the_won_deals() -> None:
    funnel = pl.DataFrame(
        {
            "stage_id": [11, 12],
            "stage_name": ["Контакт", "Договор"],
            "stage_sequence": [1, 2],
            "deals_entered": [10, 6],
            "deals_won": [1, 3],
            "cumulative_conversion": [1.0, 0.6],
        }
    )

    (trace,) = charts.funnel_chart(funnel).data

    assert list(trace.y) == ["Контакт", "Договор", "Выиграна"]
    assert list(trace.x) == [10, 6, 4]  # won at any stage
    assert trace.text[-1] == "4 · 40,0\u00a0%"
    assert list(trace.customdata) == [11, 12, None]  # the won bar is not a stage to drill into
