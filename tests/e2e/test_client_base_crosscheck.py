"""The client-base marts (marts/customers: ABC/XYZ classes, lifecycle, lifetime, offer
conversion) on the `small` seeded data, recomputed here in plain Python straight from the OLTP
SQLite file, following the definitions in the marts' .yml descriptions (not their SQL):
revenue = shipped amount of the live shipments of live orders, purchases up to the as-of date,
a 12-month window, A/B/C at 80 %/95 % of cumulative revenue (the largest customer always A),
X/Y/Z at a coefficient of variation of 10 %/25 % with at least 3 months of history, lost after
90 days without a purchase."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from decimal import Decimal

import pytest

from tests.e2e.conftest import PublishedFlow
from tests.e2e.test_marts_crosscheck import (
    assert_same_keys,
    close,
    live_orders,
    mart,
    money,
    month_of,
    oltp_dicts,
    timestamp,
)

pytestmark = pytest.mark.e2e

WINDOW_MONTHS, SHARE_A, SHARE_AB, MAX_CV_X, MAX_CV_Y, MIN_MONTHS = 12, 0.80, 0.95, 0.10, 0.25, 3
LOST_AFTER_DAYS = 90


@pytest.fixture(params=["seed as-of", "a year later"])
def client_flow(request: pytest.FixtureRequest) -> PublishedFlow:
    """The e2e warehouse built for the seed's as-of, and the same data built incrementally a
    year later: the client-base marts read the as-of, so they must have moved with it."""
    if request.param == "seed as-of":
        return request.getfixturevalue("published_flow")
    return request.getfixturevalue("flow_a_year_later")


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def purchases(client_flow: PublishedFlow) -> list[tuple[int, int, dt.date, Decimal]]:
    """(partner, order, shipped date, amount) of every shipment up to the as-of date."""
    rows = []
    for order in live_orders(client_flow.oltp).values():
        for shipment in order.shipments:
            shipped = timestamp(shipment["shipped_at"]).date()
            if shipped <= client_flow.as_of.date():
                rows.append((order.partner_id, order.id, shipped, money(shipment["amount"])))
    return rows


def test_lifetime_figures_match_the_oltp_shipments(client_flow: PublishedFlow) -> None:
    per_partner: dict[int, list] = defaultdict(list)
    for partner, order, shipped, amount in purchases(client_flow):
        per_partner[partner].append((order, shipped, amount))
    rows = {
        row["partner_id"]: row
        for row in mart(client_flow, "select * from marts.dim_customer_lifetime")
    }
    assert_same_keys(per_partner, rows, "dim_customer_lifetime grain")
    as_of = client_flow.as_of.date()
    for partner, shipments in per_partner.items():
        row = rows[partner]
        last = max(shipped for _, shipped, _ in shipments)
        assert row["first_purchase_date"] == min(shipped for _, shipped, _ in shipments), partner
        assert row["last_purchase_date"] == last, partner
        assert row["shipment_count"] == len(shipments), partner
        assert row["order_count"] == len({order for order, _, _ in shipments}), partner
        assert row["lifetime_revenue_amount"] == sum(amount for _, _, amount in shipments), partner
        assert row["days_since_last_purchase"] == (as_of - last).days, partner
        assert row["is_lost"] == ((as_of - last).days >= LOST_AFTER_DAYS), partner


def expected_classes(client_flow: PublishedFlow) -> dict[tuple[int, dt.date], dict]:
    revenue: dict[int, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for partner, _, shipped, amount in purchases(client_flow):
        revenue[partner][month_of(shipped)] += amount
    first_month = {partner: min(months) for partner, months in revenue.items()}
    last_month = month_of(client_flow.as_of.date())
    classes: dict[tuple[int, dt.date], dict] = {}
    month = min(first_month.values())
    while month <= last_month:
        window_start = add_months(month, 1 - WINDOW_MONTHS)
        cells = []
        for partner, months in revenue.items():
            if first_month[partner] > month:
                continue
            start = max(window_start, first_month[partner])
            series, current = [], start
            while current <= month:
                series.append(months.get(current, Decimal(0)))
                current = add_months(current, 1)
            total = sum(series)
            if total > 0:
                cells.append((partner, total, series))
        cells.sort(key=lambda cell: (-cell[1], cell[0]))
        month_total = sum(cell[1] for cell in cells)
        cumulative = Decimal(0)
        for rank, (partner, total, series) in enumerate(cells, start=1):
            cumulative += total
            share = cumulative / month_total
            abc = (
                "A"
                if rank == 1 or share <= Decimal("0.80")
                else "B"
                if share <= Decimal("0.95")
                else "C"
            )
            values = [float(value) for value in series]
            mean = statistics.fmean(values)
            cv = statistics.pstdev(values) / mean if mean > 0 else None
            xyz = (
                None
                if len(values) < MIN_MONTHS
                else "X"
                if cv <= MAX_CV_X
                else "Y"
                if cv <= MAX_CV_Y
                else "Z"
            )
            classes[(partner, month)] = {
                "window_revenue_amount": total,
                "window_month_count": len(values),
                "abc_class": abc,
                "xyz_class": xyz,
                "monthly_revenue_cv": cv,
            }
        month = add_months(month, 1)
    for (partner, month), cell in classes.items():
        previous = classes.get((partner, add_months(month, -1)))
        cell["previous_abc_class"] = previous["abc_class"] if previous else None
    return classes


def test_abc_xyz_classes_match_the_oltp_shipments(client_flow: PublishedFlow) -> None:
    expected = expected_classes(client_flow)
    rows = {
        (row["partner_id"], row["class_month"]): row
        for row in mart(client_flow, "select * from marts.rpt_customer_abc_xyz")
    }
    assert_same_keys(expected, rows, "rpt_customer_abc_xyz grain")
    for key, cell in expected.items():
        row = rows[key]
        assert row["window_revenue_amount"] == cell["window_revenue_amount"], key
        assert row["window_month_count"] == cell["window_month_count"], key
        assert row["abc_class"] == cell["abc_class"], key
        assert row["xyz_class"] == cell["xyz_class"], key
        assert row["monthly_revenue_cv"] == close(cell["monthly_revenue_cv"]), key
        assert row["previous_abc_class"] == cell["previous_abc_class"], key
    # the data exercises every ABC class and a change of class
    assert {cell["abc_class"] for cell in expected.values()} == {"A", "B", "C"}
    assert any(row["is_abc_changed"] for row in rows.values())


def test_lifecycle_matches_the_oltp_shipments(client_flow: PublishedFlow) -> None:
    days: dict[int, set[dt.date]] = defaultdict(set)
    for partner, _, shipped, _ in purchases(client_flow):
        days[partner].add(shipped)
    as_of = client_flow.as_of.date()
    expected: dict[tuple[int, dt.date], dict[str, bool]] = defaultdict(
        lambda: dict.fromkeys(("is_new", "is_active", "is_returned", "is_lost"), False)
    )
    for partner, dates in days.items():
        ordered = sorted(dates)
        for index, day in enumerate(ordered):
            cell = expected[(partner, month_of(day))]
            cell["is_active"] = True
            if index == 0:
                cell["is_new"] = True
            elif (day - ordered[index - 1]).days > LOST_AFTER_DAYS:
                cell["is_returned"] = True
            lost_on = day + dt.timedelta(days=LOST_AFTER_DAYS)
            following = ordered[index + 1] if index + 1 < len(ordered) else None
            if (following is None and lost_on <= as_of) or (following and following > lost_on):
                expected[(partner, month_of(lost_on))]["is_lost"] = True
    rows = {
        (row["partner_id"], row["lifecycle_month"]): row
        for row in mart(client_flow, "select * from marts.rpt_customer_lifecycle")
    }
    assert_same_keys(expected, rows, "rpt_customer_lifecycle grain")
    for key, flags in expected.items():
        assert {name: rows[key][name] for name in flags} == flags, key
    assert any(flags["is_lost"] for flags in expected.values())


def test_offer_conversion_matches_the_oltp_offers(client_flow: PublishedFlow) -> None:
    oltp = client_flow.oltp
    orders_of: dict[int, list[dt.datetime]] = defaultdict(list)
    for row in oltp_dicts(
        oltp,
        "select commercial_offer_id, ordered_at from customer_orders "
        "where deleted_at is null and status <> 'cancelled' and commercial_offer_id is not null",
    ):
        orders_of[row["commercial_offer_id"]].append(timestamp(row["ordered_at"]))
    per_manager: dict[int | None, dict] = defaultdict(
        lambda: {"offers": 0, "sent": 0, "accepted": 0, "converted": 0, "lost": 0, "days": []}
    )
    for offer in oltp_dicts(oltp, "select * from commercial_offers where deleted_at is null"):
        cell = per_manager[offer["manager_id"]]
        cell["offers"] += 1
        cell["sent"] += offer["status"] != "draft"
        cell["accepted"] += offer["status"] == "accepted"
        cell["lost"] += offer["status"] in ("rejected", "expired")
        if orders_of.get(offer["id"]):
            offered = timestamp(offer["offered_at"] or offer["created_at"])
            cell["converted"] += 1
            cell["days"].append((min(orders_of[offer["id"]]) - offered).total_seconds() / 86400)
    rows = {
        row["manager_id"]: row
        for row in mart(
            client_flow,
            "select manager_id, sum(offer_count) as offers, sum(sent_offer_count) as sent, "
            "sum(accepted_offer_count) as accepted, sum(converted_offer_count) as converted, "
            "sum(lost_offer_count) as lost, sum(days_to_order_sum) as days "
            "from marts.rpt_offer_conversion group by 1",
        )
    }
    assert_same_keys(per_manager, rows, "offers per manager")
    for manager, cell in per_manager.items():
        row = rows[manager]
        for name in ("offers", "sent", "accepted", "converted", "lost"):
            assert row[name] == cell[name], (manager, name)
        assert row["days"] == close(sum(cell["days"]) if cell["days"] else None), manager
    assert sum(cell["converted"] for cell in per_manager.values()) > 0
