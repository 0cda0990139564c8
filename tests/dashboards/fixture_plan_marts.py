"""Hand-made rows of rpt_plan_fact (План-факт, issue 26) for the «План-факт» page and the
Overview's plan tiles. Managers, regions and deal kinds are those of conftest; June 2024 is the
warehouse's as-of month. Tests work their expected figures out from PLAN_FACT, never from SQL.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

D = Decimal
AS_OF_MONTH = date(2024, 6, 1)
MANAGER_NAMES = {1: "Иванов Иван", 2: "Петрова Анна"}
REGION_NAMES = {1: "Центр", 2: "Сибирь"}
DEAL_KIND_NAMES = {1: "Оптовая продажа", 3: "Тендер"}

# month, manager, region, deal kind, has plan, planned amount, planned deals,
# won amount, won deals, open weighted amount, open deals expected
PLAN_FACT = [
    (date(2023, 5, 1), 1, 1, 1, True, D(90000), 2, D(95000), 2, D(0), 0),  # before the period
    (date(2024, 4, 1), 1, 1, 1, True, D(100000), 2, D(80000), 2, D(0), 0),
    (date(2024, 4, 1), 2, 2, 3, True, D(50000), 1, D(60000), 1, D(0), 0),
    (date(2024, 5, 1), 1, 1, 1, True, D(120000), 3, D(132000), 3, D(0), 0),
    (date(2024, 5, 1), 2, 2, 1, False, D(0), 0, D(30000), 1, D(0), 0),  # fact without a plan
    (date(2024, 6, 1), 1, 1, 1, True, D(150000), 3, D(60000), 1, D(45000), 2),
    (date(2024, 6, 1), 2, 2, 3, True, D(80000), 2, D(20000), 1, D(30000), 1),
    (date(2024, 7, 1), 1, 1, 1, True, D(150000), 3, D(0), 0, D(12000), 1),  # after the period
]


def _share(numerator: Decimal | int, denominator: Decimal | int) -> float | None:
    return float(100 * D(numerator) / D(denominator)) if denominator else None


def plan_fact_rows() -> list[dict[str, Any]]:
    rows = []
    for index, (month, manager, region, kind, has_plan, planned, planned_deals, won, deals,
                open_weighted, open_deals) in enumerate(PLAN_FACT):  # fmt: skip
        forecast = won + open_weighted
        rows.append(
            {
                "plan_fact_id": f"cell-{index}",
                "period_month": month,
                "manager_id": manager,
                "manager_name": MANAGER_NAMES[manager],
                "business_region_id": region,
                "business_region_name": REGION_NAMES[region],
                "deal_kind_id": kind,
                "deal_kind_name": DEAL_KIND_NAMES[kind],
                "has_plan": has_plan,
                "is_as_of_month": month == AS_OF_MONTH,
                "planned_amount": planned,
                "planned_won_deals": planned_deals,
                "won_amount": won,
                "won_deals": deals,
                "open_weighted_amount": open_weighted,
                "open_deals_expected": open_deals,
                "forecast_amount": forecast,
                "amount_completion_pct": _share(won, planned),
                "won_deals_completion_pct": _share(deals, planned_deals),
                "forecast_completion_pct": _share(forecast, planned),
            }
        )
    return rows


# Marketing events (rpt_marketing_events): id, name, kind, start, cost, interactions, partners,
# attributed deals, named deals, won deals, won amount.
MARKETING_EVENTS = [
    (1, "Выставка «Склад»", "exhibition", date(2024, 3, 12), D(600000), 40, 25, 6, 3, 2, D(900000)),
    (2, "Вебинар «WMS»", "webinar", date(2024, 5, 20), D(40000), 120, 90, 4, 1, 0, D(0)),
    (3, "Семинар", None, date(2023, 5, 10), D(100000), 10, 8, 1, 1, 1, D(50000)),  # before
]


def marketing_event_rows() -> list[dict[str, Any]]:
    rows = []
    for (
        event_id,
        name,
        kind,
        start,
        cost,
        interactions,
        partners,
        deals,
        named,
        won,
        amount,
    ) in MARKETING_EVENTS:
        rows.append(
            {
                "marketing_event_id": event_id,
                "marketing_event_name": name,
                "marketing_event_kind": kind,
                "start_date": start,
                "end_date": start,
                "cost_amount": cost,
                "interactions": interactions,
                "done_interactions": interactions,
                "partners_reached": partners,
                "attributed_deals": deals,
                "named_deals": named,
                "won_deals": won,
                "won_amount": amount,
                "cost_per_won_deal": (cost / won).quantize(D("0.01")) if won else None,
            }
        )
    return rows


# The deals attributed to the events (fct_marketing_deal_attributions): deal, event, manager,
# business region, deal kind, partner, named, won, won amount. Per event they add up to the
# attributed, named and won deals and the won amount of MARKETING_EVENTS (checked below).
ATTRIBUTIONS = [
    (9001, 1, 1, 1, 1, 101, True, True, D(500000)),
    (9002, 1, 2, 2, 1, 102, True, True, D(400000)),
    (9003, 1, 1, 1, 2, 103, True, False, D(0)),
    (9004, 1, 2, 1, 1, 104, False, False, D(0)),
    (9005, 1, 1, 2, 3, 105, False, False, D(0)),
    (9006, 1, 2, 2, 1, 106, False, False, D(0)),
    (9007, 2, 1, 1, 1, 101, True, False, D(0)),
    (9008, 2, 2, 2, 1, 102, False, False, D(0)),
    (9009, 2, 1, 1, 3, 103, False, False, D(0)),
    (9010, 2, 2, 1, 1, 104, False, False, D(0)),
    (9011, 3, 1, 1, 1, 101, True, True, D(50000)),
]


def attribution_rows() -> list[dict[str, Any]]:
    for event in MARKETING_EVENTS:
        mine = [row for row in ATTRIBUTIONS if row[1] == event[0]]
        assert (len(mine), sum(row[6] for row in mine), sum(row[7] for row in mine)) == event[7:10]
        assert sum((row[8] for row in mine), D(0)) == event[10]
    return [
        {
            "deal_id": deal_id,
            "marketing_event_id": event_id,
            "manager_id": manager_id,
            "business_region_id": region_id,
            "deal_kind_id": kind_id,
            "partner_id": partner_id,
            "created_date": date(2024, 1, 1),
            "is_named": named,
            "is_won": won,
            "won_amount": amount,
        }
        for deal_id, event_id, manager_id, region_id, kind_id, partner_id, named, won, amount in (
            ATTRIBUTIONS
        )
    ]


def plan_mart_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "rpt_plan_fact": plan_fact_rows(),
        "rpt_marketing_events": marketing_event_rows(),
        "fct_marketing_deal_attributions": attribution_rows(),
    }
