"""The period comparison helper (dashboards/comparison.py) and the tiles that use it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from streamlit.testing.v1 import AppTest

from dashboards import comparison
from dashboards.queries import Filters
from tests.dashboards import fixture_plan_marts as px


def test_periods_before_and_a_year_earlier() -> None:
    previous, year_ago = comparison.comparison_filters(
        Filters(start=date(2024, 3, 1), end=date(2024, 3, 31), manager_ids=(1,))
    )
    assert (previous.start, previous.end) == (date(2024, 1, 30), date(2024, 2, 29))
    assert (year_ago.start, year_ago.end) == (date(2023, 3, 1), date(2023, 3, 31))
    assert previous.manager_ids == year_ago.manager_ids == (1,)
    assert comparison.year_earlier(date(2024, 2, 29)) == date(2023, 2, 28)


def test_change_and_its_text() -> None:
    assert comparison.change(150, 120) == (30.0, 0.25)
    assert comparison.change(150, 0) == (150.0, None)
    assert comparison.change(None, 10) == (None, None)
    assert comparison.change_text(150, 120) == "+30 (+25,0\u00a0%)"
    assert comparison.change_text(90, 120) == "-30 (-25,0\u00a0%)"
    assert comparison.change_text(5, 0) == "+5"
    assert comparison.change_text(5, None) is None


def test_tile_comparison_names_both_periods() -> None:
    filters = Filters(start=date(2024, 6, 1), end=date(2024, 6, 30))
    tile = comparison.tile_comparison(filters, 200, 100, 400)
    assert tile.delta == "+100 (+100,0\u00a0%)"
    assert "02.05.2024 — 31.05.2024: 100, Δ +100 (+100,0\u00a0%)" in tile.help
    assert "01.06.2023 — 30.06.2023: 400, Δ -200 (-50,0\u00a0%)" in tile.help


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

    # May against the 31 days before it (31 March - 30 April): the months they overlap are
    # March, which has no cell, and April.
    assert not [row for row in px.PLAN_FACT if row[0] == date(2024, 3, 1)]
    assert fact.delta == comparison.change_text(won(date(2024, 5, 1)), won(date(2024, 4, 1)))
