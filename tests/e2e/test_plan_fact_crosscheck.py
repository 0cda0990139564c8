"""rpt_plan_fact (План-факт, issue 26) on the `small` seeded data and its seeded sales plans,
recomputed here in plain Python from the OLTP SQLite file following the mart's .yml description:
plans summed per month, manager, business region and deal kind; won deals counted in the month of
closed_at, in the region of their (live) partner, with their potential amount; open deals expected
in the month of their planned close date, overdue ones in the as-of month. The weighted amount of
an open deal is the warehouse's one definition (rpt_pipeline_forecast), read from there; which
month it lands in, and everything else, is recomputed. Checked for the seed's as-of and for the
same data rebuilt a year later (the overdue pipeline moves with the as-of)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from tests.e2e.conftest import PublishedFlow
from tests.e2e.test_marts_crosscheck import (
    assert_same_keys,
    close,
    mart,
    money,
    month_of,
    oltp_dicts,
    timestamp,
)

pytestmark = pytest.mark.e2e
NONE = -1  # a won deal without a manager or region: the mart's null key


@pytest.fixture(params=["seed as-of", "a year later"])
def plan_flow(request: pytest.FixtureRequest) -> PublishedFlow:
    if request.param == "seed as-of":
        return request.getfixturevalue("published_flow")
    return request.getfixturevalue("flow_a_year_later")


def _key(month: dt.date, manager: int | None, region: int | None, kind: int) -> tuple:
    return (month, NONE if manager is None else manager, NONE if region is None else region, kind)


def expected_cells(flow: PublishedFlow) -> dict[tuple, dict[str, Decimal | int]]:
    oltp = flow.oltp
    cells: dict[tuple, dict[str, Decimal | int]] = defaultdict(
        lambda: {
            "planned_amount": Decimal(0),
            "planned_won_deals": 0,
            "won_amount": Decimal(0),
            "won_deals": 0,
            "open_weighted_amount": Decimal(0),
            "open_deals_expected": 0,
            "has_plan": False,
        }
    )
    for plan in oltp_dicts(oltp, "select * from sales_plans where deleted_at is null"):
        cell = cells[
            _key(
                dt.date.fromisoformat(plan["period_month"]),
                plan["manager_id"],
                plan["business_region_id"],
                plan["deal_kind_id"],
            )
        ]
        cell["planned_amount"] += money(plan["planned_amount"])
        cell["planned_won_deals"] += plan["planned_won_deals"]
        cell["has_plan"] = True

    region_of = {
        row["id"]: row["business_region_id"]
        for row in oltp_dicts(
            oltp, "select id, business_region_id from partners where deleted_at is null"
        )
    }
    deals = oltp_dicts(oltp, "select * from deals where deleted_at is null")
    weighted = {
        row["deal_id"]: row["weighted_amount"]
        for row in mart(flow, "select deal_id, weighted_amount from marts.rpt_pipeline_forecast")
    }
    as_of_month = month_of(flow.as_of.date())
    for deal in deals:
        region = region_of.get(deal["partner_id"])
        if deal["status"] == "won" and deal["closed_at"] is not None:
            closed = timestamp(deal["closed_at"])
            cell = cells[
                _key(month_of(closed.date()), deal["manager_id"], region, deal["deal_kind_id"])
            ]
            cell["won_amount"] += money(deal["potential_amount"])
            cell["won_deals"] += 1
        elif deal["status"] == "in_progress" and deal["planned_close_date"] is not None:
            planned = month_of(dt.date.fromisoformat(deal["planned_close_date"]))
            cell = cells[
                _key(max(planned, as_of_month), deal["manager_id"], region, deal["deal_kind_id"])
            ]
            cell["open_weighted_amount"] += weighted[deal["id"]]
            cell["open_deals_expected"] += 1
    return cells


def test_plan_fact_matches_the_oltp_plans_and_deals(plan_flow: PublishedFlow) -> None:
    expected = expected_cells(plan_flow)
    rows = {
        _key(
            row["period_month"], row["manager_id"], row["business_region_id"], row["deal_kind_id"]
        ): row
        for row in mart(plan_flow, "select * from marts.rpt_plan_fact")
    }
    assert_same_keys(expected, rows, "rpt_plan_fact grain")
    as_of_month = month_of(plan_flow.as_of.date())
    for key, figures in expected.items():
        row = rows[key]
        for column, value in figures.items():
            assert row[column] == value, (key, column)
        forecast = figures["won_amount"] + figures["open_weighted_amount"]
        assert row["forecast_amount"] == forecast, key
        assert row["is_as_of_month"] == (key[0] == as_of_month), key
        planned = figures["planned_amount"]
        assert row["amount_completion_pct"] == close(
            float(100 * figures["won_amount"] / planned) if planned else None
        ), key
        assert row["forecast_completion_pct"] == close(
            float(100 * forecast / planned) if planned else None
        ), key
        deals = figures["planned_won_deals"]
        assert row["won_deals_completion_pct"] == close(
            100 * figures["won_deals"] / deals if deals else None
        ), key
        if key[0] < as_of_month:
            # A closed month's forecast is its fact: no open deal is expected in the past.
            assert row["open_weighted_amount"] == 0, key


def test_seeded_plans_cover_the_months_and_managers(published_flow: PublishedFlow) -> None:
    """The demo data carries plans for every manager who wins deals, in every month up to the
    month after the as-of, and the as-of month has both plan and fact to compare."""
    as_of_month = month_of(published_flow.as_of.date())
    plans = oltp_dicts(
        published_flow.oltp,
        "select period_month, manager_id, count(*) as plans from sales_plans "
        "where deleted_at is null group by 1, 2",
    )
    months = {dt.date.fromisoformat(row["period_month"]) for row in plans}
    assert max(months) > as_of_month
    winners = {
        row["manager_id"]
        for row in oltp_dicts(
            published_flow.oltp,
            "select distinct manager_id from deals where status = 'won' and deleted_at is null",
        )
    }
    assert {row["manager_id"] for row in plans} == winners - {None}
    (current,) = mart(
        published_flow,
        "select sum(planned_amount) as planned, sum(won_amount) as won "
        "from marts.rpt_plan_fact where is_as_of_month",
    )
    assert current["planned"] > 0 and current["won"] > 0
