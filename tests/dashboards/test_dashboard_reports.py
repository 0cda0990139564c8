"""The two reports no page read before issue 24, now on the claims and deal-efficiency pages:
figures are worked out here from the fixture rows (fixture_report_marts), never from SQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboards import fixture_marts
from tests.dashboards import fixture_report_marts as rx


def _run(app_path: str, page: str, **query_params: str) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.query_params.update(query_params)
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def test_claims_page_shows_the_claim_structure_report(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/claims.py", **{"from": "2024-03-01", "to": "2024-05-31"})
    claims = [
        row
        for row in fixture_marts.new_mart_rows()["fct_claims"]
        if date(2024, 3, 1) <= row["registered_month"] <= date(2024, 5, 1)
    ]
    assert claims
    report = next(frame.value for frame in app.dataframe if "share_of_month" in frame.value.columns)
    assert int(report["claims_registered"].sum()) == len(claims)
    # every month's shares add up to one
    for _, month in report.groupby("month"):
        assert month["share_of_month"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(("manager", "name"), [(1, "Иванов Иван"), (2, "Петрова Анна")])
def test_deal_efficiency_shows_interactions_per_deal(
    warehouse: Any, app_path: str, manager: int, name: str
) -> None:
    app = _run(
        app_path, "app_pages/deal_efficiency.py", **{"from": "2024-01-01", "to": "2024-06-30"}
    )
    mine = [
        row
        for row in rx.DEAL_INTERACTIONS
        if row[1] == manager and date(2024, 1, 1) <= row[5] <= date(2024, 6, 30)
    ]
    table = next(
        frame.value for frame in app.dataframe if "interactions_per_deal" in frame.value.columns
    ).set_index("group_name")
    assert table.loc[name, "deals"] == len(mine)
    assert table.loc[name, "interactions_total"] == sum(row[6] for row in mine)
    assert table.loc[name, "interactions_per_deal"] == pytest.approx(
        sum(row[6] for row in mine) / len(mine)
    )
    potential = sum(row[9] for row in mine)
    actual = sum(row[11] for row in mine)
    assert table.loc[name, "actual_to_potential_share"] == pytest.approx(float(actual / potential))
