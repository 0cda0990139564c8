"""The period comparison (dashboards/comparison.py, periods.py) and the tiles that use it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import comparison, periods
from dashboards import filters as filters_module
from dashboards.formatting import format_compact
from dashboards.queries import Filters
from tests.dashboards import fixture_plan_marts as px


def test_periods_before_and_a_year_earlier() -> None:
    previous, year_ago = comparison.comparison_filters(
        Filters(start=date(2024, 3, 1), end=date(2024, 3, 31), manager_ids=(1,))
    )
    # A whole month compares with the whole month before (February of a leap year, to the 29th).
    assert (previous.start, previous.end) == (date(2024, 2, 1), date(2024, 2, 29))
    assert (year_ago.start, year_ago.end) == (date(2023, 3, 1), date(2023, 3, 31))
    assert previous.manager_ids == year_ago.manager_ids == (1,)
    assert periods.year_earlier(date(2024, 2, 29)) == date(2023, 2, 28)


@pytest.mark.parametrize(
    ("start", "end", "previous", "year_ago"),
    [
        # months of different lengths: the previous month, whatever its length
        ((2024, 3, 1), (2024, 3, 31), ((2024, 2, 1), (2024, 2, 29)), ((2023, 3, 1), (2023, 3, 31))),
        ((2023, 3, 1), (2023, 3, 31), ((2023, 2, 1), (2023, 2, 28)), ((2022, 3, 1), (2022, 3, 31))),
        ((2024, 5, 1), (2024, 5, 31), ((2024, 4, 1), (2024, 4, 30)), ((2023, 5, 1), (2023, 5, 31))),
        (
            (2024, 1, 1),
            (2024, 1, 31),
            ((2023, 12, 1), (2023, 12, 31)),
            ((2023, 1, 1), (2023, 1, 31)),
        ),
        # February of a leap year a year earlier ends on the 28th, and back
        ((2024, 2, 1), (2024, 2, 29), ((2024, 1, 1), (2024, 1, 31)), ((2023, 2, 1), (2023, 2, 28))),
        ((2025, 2, 1), (2025, 2, 28), ((2025, 1, 1), (2025, 1, 31)), ((2024, 2, 1), (2024, 2, 29))),
        # quarters compare with the quarter before, across a year end too
        ((2024, 4, 1), (2024, 6, 30), ((2024, 1, 1), (2024, 3, 31)), ((2023, 4, 1), (2023, 6, 30))),
        (
            (2024, 1, 1),
            (2024, 3, 31),
            ((2023, 10, 1), (2023, 12, 31)),
            ((2023, 1, 1), (2023, 3, 31)),
        ),
        # a year with the year before
        (
            (2024, 1, 1),
            (2024, 12, 31),
            ((2023, 1, 1), (2023, 12, 31)),
            ((2023, 1, 1), (2023, 12, 31)),
        ),
        # any other span: as many days before, the same days a year earlier
        (
            (2024, 3, 10),
            (2024, 3, 19),
            ((2024, 2, 29), (2024, 3, 9)),
            ((2023, 3, 10), (2023, 3, 19)),
        ),
        (
            (2024, 2, 29),
            (2024, 2, 29),
            ((2024, 2, 28), (2024, 2, 28)),
            ((2023, 2, 28), (2023, 2, 28)),
        ),
        (
            (2024, 3, 1),
            (2024, 3, 30),
            ((2024, 1, 31), (2024, 2, 29)),
            ((2023, 3, 1), (2023, 3, 30)),
        ),
    ],
)
def test_period_shifting(start: Any, end: Any, previous: Any, year_ago: Any) -> None:
    def day(parts: tuple[int, int, int]) -> date:
        return date(*parts)

    assert periods.previous_period(day(start), day(end)) == (day(previous[0]), day(previous[1]))
    assert periods.year_earlier_period(day(start), day(end)) == (
        day(year_ago[0]),
        day(year_ago[1]),
    )


def test_month_arithmetic_keeps_to_month_ends() -> None:
    assert periods.add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert periods.add_months(date(2023, 3, 31), -1) == date(2023, 2, 28)
    assert periods.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert periods.add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)
    assert periods.whole_months(date(2024, 4, 1), date(2024, 6, 30)) == 3
    assert periods.whole_months(date(2024, 4, 2), date(2024, 6, 30)) is None
    assert periods.whole_months(date(2024, 4, 1), date(2024, 6, 29)) is None


def test_a_tile_delta_is_written_like_its_figure() -> None:
    def money(value: Any) -> str:
        return format_compact(value, money=True)

    assert comparison.shown_change_text(195_001, 120_000, money) == (
        "+75\u00a0001\u00a0₽ (+62,5\u00a0%)"
    )
    assert comparison.shown_change_text(10_000_000, 35_000_000, money) == (
        "-25,0\u00a0млн\u00a0₽ (-71,4\u00a0%)"
    )
    assert comparison.shown_change_text(5, 0, str) == "+5.0"  # no Δ% against nothing
    assert comparison.shown_change_text(None, 3, str) is None
    assert comparison.points_text(0.5, 0.25) == "+25,0\u00a0п.п."


def test_no_comparison_and_the_url_parameter() -> None:
    filters = Filters(start=date(2024, 3, 1), end=date(2024, 3, 31))
    assert comparison.shifted_filters(filters, comparison.CompareWith.NONE) is None
    assert comparison.shifted_filters(Filters(), comparison.CompareWith.PREVIOUS) is None
    assert comparison.mode_from_param("year_ago") is comparison.CompareWith.YEAR_AGO
    assert comparison.mode_from_param("junk") is None
    state = filters_module.state_from_query_params({"compare": "year_ago"})
    assert state[comparison.COMPARE_KEY] == "year_ago"
    assert filters_module.query_params_from_state(state)["compare"] == "year_ago"
    # the default (the previous period) stays out of the link
    assert "compare" not in filters_module.query_params_from_state(
        {comparison.COMPARE_KEY: "previous"}
    )


def test_table_deltas_match_groups_and_months() -> None:
    current = Filters(start=date(2024, 1, 1), end=date(2024, 3, 31))
    compare = comparison.Comparison(
        current, comparison.CompareWith.YEAR_AGO, comparison.shifted_filters(current, "year_ago")
    )
    frame = pl.DataFrame(
        {
            "month": [date(2024, 1, 1), date(2024, 2, 1)],
            "won": [10, 4],
            "rate": [0.5, 0.25],
        }
    )
    other = pl.DataFrame(
        {"month": [date(2023, 1, 1), date(2023, 3, 1)], "won": [8, 1], "rate": [0.4, 0.1]}
    )
    columns = {"month": ("Месяц", "month"), "won": ("Выиграно", "int"), "rate": ("Доля", "percent")}
    shown, headings = compare.add_deltas(
        frame, other, ["month"], columns, ["won", "rate"], month_key="month"
    )
    assert shown["won_delta"].to_list() == [2.0, 4.0]  # February 2023 had none
    assert shown["won_delta_pct"].to_list() == [0.25, None]
    assert shown["rate_delta"].to_list()[0] == pytest.approx(0.1)
    assert shown["rate_delta"].to_list()[1] is None  # an unknown share stays unknown
    assert list(headings) == ["month", "won", "won_delta", "won_delta_pct", "rate", "rate_delta"]
    assert headings["rate_delta"][1] == "points"
    unchanged, same = comparison.Comparison(current, comparison.CompareWith.NONE, None).add_deltas(
        frame, None, ["month"], columns, ["won"]
    )
    assert unchanged.equals(frame) and same == columns


def test_change_and_its_text() -> None:
    assert comparison.change(150, 120) == (30.0, 0.25)
    assert comparison.change(150, 0) == (150.0, None)
    assert comparison.change(None, 10) == (None, None)
    assert comparison.change_text(150, 120) == "+30 (+25,0\u00a0%)"
    assert comparison.change_text(90, 120) == "-30 (-25,0\u00a0%)"
    assert comparison.change_text(5, 0) == "+5"
    assert comparison.change_text(5, None) is None


def test_plan_fact_fact_tile_compares_with_the_previous_period(
    warehouse: Any, app_path: str
) -> None:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.query_params.update({"from": "2024-05-01", "to": "2024-05-31"})
    app.run()
    app.switch_page("app_pages/plan_fact.py").run()
    assert not app.exception
    fact = next(metric for metric in app.metric if metric.label == "Факт, сумма")

    def won(month: date) -> Decimal:
        return sum((row[7] for row in px.PLAN_FACT if row[0] == month), Decimal(0))

    # May against April, the whole month before it.
    may, april = won(date(2024, 5, 1)), won(date(2024, 4, 1))
    assert fact.delta == comparison.shown_change_text(
        may, april, lambda value: format_compact(value, money=True)
    )
