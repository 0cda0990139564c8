"""Deal efficiency by regional office and team (dim_managers' sales structure), against figures
worked out in Python from the fixture deals and conftest.PLACEMENTS."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
from streamlit.testing.v1 import AppTest

from dashboards import queries
from tests.dashboards.conftest import DEALS, PLACEMENTS

START, END = date(2023, 7, 1), date(2024, 6, 20)
EFFICIENCY_PAGE = "app_pages/deal_efficiency.py"


def _expected(name_index: int) -> dict[str, tuple[int, int, int, float | None, float]]:
    """group name -> (won, lost, in progress, win rate, won amount): outcomes over deals closed
    in the period, open deals now; the group is the manager's office (4) or team (2)."""
    groups: dict[str, list] = {}
    for deal in DEALS:
        groups.setdefault(PLACEMENTS[deal.manager_id][name_index], []).append(deal)
    expected = {}
    for name, deals in groups.items():
        closed = [d for d in deals if d.closed_date and START <= d.closed_date <= END]
        won = [d for d in closed if d.status == "won"]
        open_now = [d for d in deals if d.status == "in_progress"]
        if not closed and not open_now:
            continue
        amount = float(sum((d.won_amount for d in won), Decimal(0)))
        rate = len(won) / len(closed) if closed else None
        expected[name] = (len(won), len(closed) - len(won), len(open_now), rate, amount)
    return expected


def _actual(by: queries.EfficiencyDimension) -> dict[str, tuple]:
    rows = queries.efficiency(queries.Filters(start=START, end=END), by=by)
    return {
        row["group_name"]: (
            row["deals_won"],
            row["deals_lost"],
            row["deals_in_progress"],
            row["win_rate"],
            row["won_amount"],
        )
        for row in rows.iter_rows(named=True)
    }


def test_efficiency_by_regional_office_and_team(warehouse: Any) -> None:
    assert queries.has_sales_structure()
    offices = _expected(4)
    assert _actual("regional_office") == offices
    assert set(offices) == {"Центральный офис", "Западный офис"}
    assert _actual("department") == _expected(2)
    # The offices add up to the managers' totals (the Overview's figures).
    by_manager = queries.efficiency(queries.Filters(start=START, end=END), by="manager")
    assert sum(won for won, *_ in offices.values()) == by_manager["deals_won"].sum()


def _tab_labels(app: AppTest) -> list[str]:
    return [tab.label for tab in app.tabs]


def test_the_page_breaks_down_by_office_and_team_once_managers_are_placed(
    warehouse: Any, app_path: str
) -> None:
    app = AppTest.from_file(app_path, default_timeout=60).run()
    app.switch_page(EFFICIENCY_PAGE).run()
    assert not app.exception
    assert {"По региональным офисам", "По подразделениям"} <= set(_tab_labels(app))
    tables = [element.value for element in app.dataframe]
    office_names = {"Центральный офис", "Западный офис"}
    assert any(set(table.iloc[:, 0]) == office_names for table in tables)


def test_no_office_tabs_while_nobody_is_placed(warehouse: Any, app_path: str) -> None:
    connection = duckdb.connect(str(warehouse.path))
    try:
        connection.execute("update marts.dim_managers set regional_office_id = null")
    finally:
        connection.close()
    app = AppTest.from_file(app_path, default_timeout=60).run()
    app.switch_page(EFFICIENCY_PAGE).run()
    assert not app.exception
    assert "По региональным офисам" not in _tab_labels(app)
    assert not queries.has_sales_structure()
