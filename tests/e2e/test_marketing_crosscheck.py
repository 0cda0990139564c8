"""rpt_marketing_events (issue 26) on the `small` seeded data, recomputed here in plain Python
from the OLTP SQLite file following the mart's .yml description: live, not cancelled interactions
about each event; a live deal goes to the event it names, else to the event of its partner's
latest event interaction at or before the deal's creation within 90 days; won amount and cost
per won deal from those deals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from tests.e2e.conftest import PublishedFlow
from tests.e2e.test_marts_crosscheck import assert_same_keys, mart, money, oltp_dicts, timestamp

pytestmark = pytest.mark.e2e
WINDOW = dt.timedelta(days=90)
CENT = Decimal("0.01")


def test_marketing_events_match_the_oltp_rows(published_flow: PublishedFlow) -> None:
    oltp = published_flow.oltp
    events = {
        row["id"]: row
        for row in oltp_dicts(oltp, "select * from marketing_events where deleted_at is null")
    }
    interactions = [
        row
        for row in oltp_dicts(
            oltp,
            "select * from interactions where deleted_at is null"
            " and marketing_event_id is not null and status <> 'cancelled'",
        )
        if row["marketing_event_id"] in events
    ]
    by_partner: dict[int, list[tuple[dt.datetime, int, int]]] = defaultdict(list)
    for row in interactions:
        moment = timestamp(row["done_at"] or row["planned_at"])
        by_partner[row["partner_id"]].append((moment, row["id"], row["marketing_event_id"]))

    deals = oltp_dicts(oltp, "select * from deals where deleted_at is null")
    attributed: dict[int, list[dict]] = defaultdict(list)
    named: dict[int, int] = defaultdict(int)
    for deal in deals:
        event = deal["marketing_event_id"] if deal["marketing_event_id"] in events else None
        if event is not None:
            named[event] += 1
        else:
            created = timestamp(deal["created_at"])
            candidates = [
                (moment, identifier, event_id)
                for moment, identifier, event_id in by_partner.get(deal["partner_id"], [])
                if created - WINDOW <= moment <= created
            ]
            event = max(candidates)[2] if candidates else None
        if event is not None:
            attributed[event].append(deal)

    rows = {
        row["marketing_event_id"]: row
        for row in mart(published_flow, "select * from marts.rpt_marketing_events")
    }
    assert_same_keys(events, rows, "rpt_marketing_events grain")
    assert sum(len(found) for found in attributed.values()) > 0
    assert sum(named.values()) > 0
    for event_id, event in events.items():
        row = rows[event_id]
        mine = [row_ for row_ in interactions if row_["marketing_event_id"] == event_id]
        assert row["interactions"] == len(mine), event_id
        assert row["done_interactions"] == sum(r["status"] == "done" for r in mine), event_id
        assert row["partners_reached"] == len({r["partner_id"] for r in mine}), event_id
        deals_of_event = attributed.get(event_id, [])
        won = [deal for deal in deals_of_event if deal["status"] == "won"]
        assert row["attributed_deals"] == len(deals_of_event), event_id
        assert row["named_deals"] == named.get(event_id, 0), event_id
        assert row["won_deals"] == len(won), event_id
        assert row["won_amount"] == sum((money(d["potential_amount"]) for d in won), Decimal(0))
        cost = money(event["cost"])
        assert row["cost_amount"] == cost, event_id
        expected = (cost / len(won)).quantize(CENT) if won else None
        assert row["cost_per_won_deal"] == expected, event_id
