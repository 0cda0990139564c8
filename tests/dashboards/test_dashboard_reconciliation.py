"""The same figure is the same on every page: won amount, win rate and deals won on Overview,
Deal efficiency (each grouping) and Regions, for the same filters (issue 15)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import queries
from dashboards.queries import Filters
from tests.dashboards.conftest import DEFAULT_END, DEFAULT_START

FILTERS = [
    Filters(start=DEFAULT_START, end=DEFAULT_END),
    Filters(start=DEFAULT_START, end=DEFAULT_END, manager_ids=(1,)),
    Filters(start=DEFAULT_START, end=DEFAULT_END, business_region_ids=(2,)),
    Filters(start=DEFAULT_START, end=DEFAULT_END, deal_kind_ids=(1,)),
    Filters(start=date(2024, 1, 1), end=date(2024, 6, 30), manager_ids=(2,)),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f.params()))
def test_overview_efficiency_and_regions_agree(warehouse: Any, filters: Filters) -> None:
    overview = queries.overview_kpis(filters).row(0, named=True)
    # Independent of the SQL: the fixture deals themselves.
    closed = [
        deal
        for deal in warehouse.deals
        if deal.closed_date
        and filters.start <= deal.closed_date <= filters.end
        and (not filters.manager_ids or deal.manager_id in filters.manager_ids)
        and (
            not filters.business_region_ids
            or deal.business_region_id in filters.business_region_ids
        )
        and (not filters.deal_kind_ids or deal.deal_kind_id in filters.deal_kind_ids)
    ]
    won = [deal for deal in closed if deal.status == "won"]
    assert overview["deals_won"] == len(won)
    assert overview["won_amount"] == pytest.approx(float(sum(deal.won_amount for deal in won)))
    assert overview["win_rate"] == pytest.approx(len(won) / len(closed) if closed else None)

    # Deal efficiency's three tabs and the Regions page (which sums the region grouping).
    for by in ("manager", "business_region", "deal_kind"):
        totals = queries.outcome_totals(queries.efficiency(filters, by=by))
        assert totals["deals_won"] == overview["deals_won"], by
        assert totals["won_amount"] == pytest.approx(overview["won_amount"]), by
        assert totals["win_rate"] == pytest.approx(overview["win_rate"]), by


def _tiles(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@pytest.mark.parametrize("params", [{}, {"manager": "1"}, {"region": "2"}])
def test_the_tiles_read_the_same_on_overview_and_regions(
    warehouse: Any, app_path: str, params: dict[str, str]
) -> None:
    def page(name: str | None) -> dict[str, str]:
        app = AppTest.from_file(app_path, default_timeout=60)
        for key, value in params.items():
            app.query_params[key] = value
        app.run()
        if name:
            app.switch_page(name).run()
        assert not app.exception, [error.value for error in app.exception]
        return _tiles(app)

    overview, regions = page(None), page("app_pages/regions.py")
    for label in ("Сумма выигранных", "Доля выигранных"):
        assert overview[label] == regions[label], label
    efficiency_won = queries.outcome_totals(
        queries.efficiency(
            Filters(
                start=DEFAULT_START,
                end=DEFAULT_END,
                manager_ids=tuple(int(v) for v in params.get("manager", "").split(",") if v),
                business_region_ids=tuple(int(v) for v in params.get("region", "").split(",") if v),
            ),
            by="manager",
        )
    )["deals_won"]
    assert regions["Выиграно сделок"] == str(efficiency_won)
